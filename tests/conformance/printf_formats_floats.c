// Checks floating-point formatting and arithmetic (SSE and x87 state must
// survive the kernel: musl's printf works in long double).
#include <math.h>
#include <stdio.h>
#include "t.h"

static volatile double vals[] = {0.0, -0.0, 1.0, -1.5, 3.14159265358979, 1e-7,
	123456789.125, 6.02214076e23, 1.0 / 3.0, 2.5e-310};

int main(void)
{
	for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		double v = vals[i];
		T_SAY("%%f %f | %%e %e | %%g %g | %%.3g %.3g | %%a %a", v, v, v, v, v);
	}
	T_SAY("%%10.4f [%10.4f] %%-10.2e [%-10.2e] %%+g %+g", 2.71828, 2.71828, 42.0);
	T_SAY("inf %f nan %f -inf %e", (double)INFINITY, (double)NAN, -(double)INFINITY);
	volatile double x = 1.0;
	double sum = 0;
	for (int i = 1; i <= 1000; i++)
		sum += x / i;
	T_SAY("harmonic(1000) %.12f", sum);
	volatile double s = 2.0;
	T_SAY("sqrt(2) %.15f", sqrt(s));
	volatile float f = 0.1f;
	T_SAY("float 0.1f*3 %.9g", (double)(f * 3));
	volatile long double ld = 1.0L;
	ld /= 3;
	T_SAY("long double 1/3 %.18Lf", ld);
	CHECK(0.1 + 0.2 != 0.3);
	CHECK(fabs((0.1 + 0.2) - 0.3) < 1e-15);
	return T_DONE();
}
