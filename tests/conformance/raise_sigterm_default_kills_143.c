// Checks that raise(SIGTERM) with the default action ends the program with
// status 143 (128 + 15) and nothing after it runs.
// status: 143
#include <signal.h>
#include "t.h"

int main(void)
{
	CHECK(SIGTERM == 15);
	T_SAY("before");
	raise(SIGTERM);
	T_SAY("after");
	return T_DONE();
}
