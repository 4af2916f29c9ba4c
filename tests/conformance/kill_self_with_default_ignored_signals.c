// Checks kill/raise with signals whose default action is to ignore
// (SIGCHLD, SIGWINCH, SIGURG): the program carries on; signal 0 probes the
// process; an out-of-range signal is EINVAL.
#include <signal.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	CHECK_INT(kill(getpid(), SIGCHLD), 0);
	CHECK_INT(raise(SIGWINCH), 0);
	CHECK_INT(kill(getpid(), SIGURG), 0);
	CHECK_INT(kill(getpid(), 0), 0);
	CHECK_ERR(kill(getpid(), 1000), EINVAL);
	CHECK_ERR(kill(getpid(), -1), EINVAL);
	T_SAY("still running");
	return T_DONE();
}
