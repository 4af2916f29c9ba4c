// Checks quick_exit: at_quick_exit handlers run in reverse order, atexit
// handlers do not, and the status is the one given.
// status: 9
#include <stdlib.h>
#include "t.h"

static void ae(void) { T_SAY("atexit ran (wrong)"); }
static void q1(void) { T_SAY("quick 1"); }
static void q2(void) { T_SAY("quick 2"); }

int main(void)
{
	CHECK_INT(atexit(ae), 0);
	CHECK_INT(at_quick_exit(q1), 0);
	CHECK_INT(at_quick_exit(q2), 0);
	t_done();
	quick_exit(9);
}
