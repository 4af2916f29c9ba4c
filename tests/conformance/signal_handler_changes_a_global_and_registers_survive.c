// Checks that a handler runs in the middle of a computation and the
// program resumes exactly where it was: the handler changes a global and
// clobbers floating-point state; integer and double values live across
// the interruption keep their values (rt_sigreturn restores registers and
// the FPU/SSE state from the frame).
#include <signal.h>
#include "t.h"

static volatile sig_atomic_t flag;
static volatile double sink;

static void handler(int sig)
{
	(void)sig;
	double x = 1.0;
	for (int i = 0; i < 100; i++)
		x = x * 1.5 + 0.25;
	sink = x;
	flag = 42;
}

int main(void)
{
	signal(SIGUSR1, handler);
	long a = 1, b = 2, c = 3;
	double d = 0.5, e = 0.25;
	for (int i = 0; i < 1000; i++) {
		a += i;
		b ^= a;
		c += b & 0xff;
		d = d * 1.0001 + e;
		if (i == 500)
			raise(SIGUSR1);
	}
	CHECK_INT(flag, 42);
	T_SAY("a=%ld b=%ld c=%ld", a, b, c);
	T_SAY("d=%.6f", d);
	CHECK(sink > 1.0);
	return T_DONE();
}
