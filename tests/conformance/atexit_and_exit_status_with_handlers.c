// Checks exit processing: atexit handlers run in reverse order after main
// returns 5, a handler registered from a handler still runs, stdout data
// buffered without newline is flushed at exit, and the status is kept.
// status: 5
#include <stdlib.h>
#include "t.h"

static void late(void) { T_SAY("late handler"); }
static void first(void) { T_SAY("first registered"); }
static void second(void) { T_SAY("second registered"); atexit(late); }

int main(void)
{
	CHECK_INT(atexit(first), 0);
	CHECK_INT(atexit(second), 0);
	T_SAY("main returns 5");
	printf("unflushed tail");
	t_done();
	return 5;
}
