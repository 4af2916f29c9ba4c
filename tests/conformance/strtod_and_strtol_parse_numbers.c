// Checks number parsing: strtod (exact round trips, hex floats, overflow to
// ERANGE), strtol/strtoul bases and end pointers, atoi.
#include <math.h>
#include <stdlib.h>
#include "t.h"

int main(void)
{
	char *end;
	T_CASE("strtod");
	CHECK(strtod("3.5", &end) == 3.5 && *end == 0);
	CHECK(strtod("  -1e3xyz", &end) == -1000.0 && *end == 'x');
	CHECK(strtod("0x1.8p1", NULL) == 3.0);
	CHECK(strtod("0.1", NULL) == 0.1);
	CHECK(isinf(strtod("inf", NULL)) && isnan(strtod("nan", NULL)));
	errno = 0;
	double big = strtod("1e999", NULL);
	int e = errno;
	CHECK(isinf(big) && e == ERANGE);
	T_SAY("strtod 2.718281828459045 -> %.17g", strtod("2.718281828459045", NULL));
	T_SAY("strtof 1.1 -> %.9g", (double)strtof("1.1", NULL));

	T_CASE("strtol");
	CHECK(strtol("-42", NULL, 10) == -42);
	CHECK(strtol("0x1F", NULL, 16) == 31 && strtol("0x1F", NULL, 0) == 31);
	CHECK(strtol("0755", NULL, 0) == 0755);
	CHECK(strtol("z", NULL, 36) == 35);
	CHECK(strtol("12abc", &end, 10) == 12 && *end == 'a');
	errno = 0;
	long l = strtol("99999999999999999999", NULL, 10);
	e = errno;
	CHECK(l == __LONG_MAX__ && e == ERANGE);
	CHECK(strtoul("18446744073709551615", NULL, 10) == ~0UL);
	CHECK(strtoll("-9223372036854775808", NULL, 10) == (-9223372036854775807LL - 1));
	CHECK(atoi("  17 apples") == 17);
	return T_DONE();
}
