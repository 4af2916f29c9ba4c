// Checks setjmp/longjmp: the return value, locals held in memory, and a jump
// out of several frames (callee-saved registers and the stack pointer).
#include <setjmp.h>
#include "t.h"

static jmp_buf env;
static int depth_reached;

static void dive(int depth)
{
	volatile char pad[256];
	pad[0] = (char)depth;
	depth_reached = depth + pad[0] - depth;
	if (depth == 50)
		longjmp(env, depth);
	if (depth < 100)
		dive(depth + 1);
}

int main(void)
{
	volatile int counter = 0;
	int r = setjmp(env);
	counter++;
	if (r == 0) {
		T_SAY("first return 0");
		dive(1);
		T_SAY("not reached");
	}
	T_SAY("second return %d after depth %d, counter %d", r, depth_reached, counter);
	CHECK(r == 50);
	CHECK(counter == 2);

	jmp_buf e2;
	volatile double d = 1.5;
	if (setjmp(e2) == 0) {
		d = 2.5;
		longjmp(e2, 0); /* 0 must come back as 1 */
	}
	CHECK(d == 2.5);
	return T_DONE();
}
