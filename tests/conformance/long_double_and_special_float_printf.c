// Checks printf formatting: long double with %Lf/%Le/%La, inf and nan in
// both cases, negative zero, %g trimming, %a for doubles, and large
// exponents.
#include <math.h>
#include "t.h"

int main(void)
{
	char b[128];
	snprintf(b, sizeof b, "%.10Lf", 1.0L / 3.0L);
	CHECK(strcmp(b, "0.3333333333") == 0);
	snprintf(b, sizeof b, "%.3Le", 12345.678L);
	CHECK(strcmp(b, "1.235e+04") == 0);
	snprintf(b, sizeof b, "%La", 1.0L);
	T_SAY("La(1) = %s", b);
	snprintf(b, sizeof b, "%f %F %f", INFINITY, -INFINITY, NAN);
	CHECK(strcmp(b, "inf -INF nan") == 0);
	snprintf(b, sizeof b, "%+.1f %g %g", -0.0, 100000.0, 1e-5);
	CHECK(strcmp(b, "-0.0 100000 1e-05") == 0);
	snprintf(b, sizeof b, "%a", 0.5);
	CHECK(strcmp(b, "0x1p-1") == 0);
	snprintf(b, sizeof b, "%.0Le", 1e4000L);
	CHECK(strcmp(b, "1e+4000") == 0);
	snprintf(b, sizeof b, "%.20Lg", 0.1L);
	T_SAY("0.1L = %s", b);
	return T_DONE();
}
