// Checks snprintf: truncation with a terminating NUL, the would-be length as
// the result, integer/string/char conversions, widths and flags.
#include <stdint.h>
#include <string.h>
#include "t.h"

int main(void)
{
	char b[16];
	/* Through volatile pointers so the compiler cannot warn about the truncation we test. */
	const char *volatile long_str = "0123456789abcdefXYZ";
	const char *volatile abc = "abc";
	CHECK_INT(snprintf(b, sizeof b, "%s", long_str), 19);
	CHECK(strcmp(b, "0123456789abcde") == 0);
	CHECK_INT(snprintf(NULL, 0, "%d", 123456), 6);
	CHECK_INT(snprintf(b, 1, "%s", abc), 3);
	CHECK(b[0] == 0);
	char w[128];
	snprintf(w, sizeof w, "[%5d|%-5d|%05d|%+d|%x|%#o|%#X|%c|%.2s|%%]", 42, 42, 42, 42, 255, 8, 255, 'Z', "xyz");
	T_SAY("%s", w);
	snprintf(w, sizeof w, "%lld %llu %zd %jd", -9223372036854775807LL - 1, 18446744073709551615ULL,
		(ssize_t)-5, (intmax_t)1 << 40);
	T_SAY("%s", w);
	snprintf(w, sizeof w, "%*d|%-*s|%.*f", 6, 7, 4, "ab", 3, 1.23456);
	T_SAY("%s", w);
	CHECK(strcmp(w, "     7|ab  |1.235") == 0);
	return T_DONE();
}
