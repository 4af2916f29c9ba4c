// Checks strtol/strtoul/strtoll edge cases: bases 0/2/16/36, leading
// whitespace and signs, overflow saturating with ERANGE, endptr on no
// digits, invalid base EINVAL, and negative strtoul wrapping.
#include <limits.h>
#include <stdlib.h>
#include "t.h"

int main(void)
{
	char *e;
	CHECK_INT(strtol("  -0x1f", &e, 0), -31);
	CHECK(*e == 0);
	CHECK_INT(strtol("0777", NULL, 0), 0777);
	CHECK_INT(strtol("101", NULL, 2), 5);
	CHECK_INT(strtol("zz", NULL, 36), 35 * 36 + 35);
	errno = 0;
	CHECK(strtol("99999999999999999999", NULL, 10) == LONG_MAX && errno == ERANGE);
	errno = 0;
	CHECK(strtol("-99999999999999999999", NULL, 10) == LONG_MIN && errno == ERANGE);
	const char *s = "xyz";
	CHECK_INT(strtol(s, &e, 10), 0);
	CHECK(e == s);
	errno = 0;
	CHECK(strtol("10", NULL, 1) == 0 && errno == EINVAL);
	CHECK(strtoul("-1", NULL, 10) == ULONG_MAX);
	CHECK_INT(strtoll("9223372036854775807", NULL, 10), LLONG_MAX);
	CHECK_INT(strtol("12abc", &e, 10), 12);
	CHECK(strcmp(e, "abc") == 0);
	CHECK_INT(atoi("  +42x"), 42);
	return T_DONE();
}
