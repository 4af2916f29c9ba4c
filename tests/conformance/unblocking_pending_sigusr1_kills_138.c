// Checks that a blocked SIGUSR1 raised to self does nothing until it is
// unblocked, then its default action ends the program with status 138.
// status: 138
#include <signal.h>
#include "t.h"

int main(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	CHECK_INT(raise(SIGUSR1), 0);
	T_SAY("blocked, still alive");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	T_SAY("after unblock");
	return T_DONE();
}
