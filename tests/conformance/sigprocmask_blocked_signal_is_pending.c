// Checks sigprocmask: a blocked SIGUSR1 raised to self stays pending and
// shows in sigpending; SIG_SETMASK reads back; SIGKILL/SIGSTOP cannot be
// blocked; an invalid 'how' is EINVAL. The signal is then ignored and
// unblocked, so it has no effect.
#include <signal.h>
#include "t.h"

int main(void)
{
	sigset_t s, old, cur, pend;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGKILL);
	sigaddset(&s, SIGSTOP);
	CHECK_INT(sigprocmask(SIG_BLOCK, &s, &old), 0);
	CHECK_INT(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
	CHECK(sigismember(&cur, SIGUSR1));
	CHECK(!sigismember(&cur, SIGKILL));
	CHECK(!sigismember(&cur, SIGSTOP));
	CHECK_INT(sigpending(&pend), 0);
	CHECK(!sigismember(&pend, SIGUSR1));
	CHECK_INT(raise(SIGUSR1), 0);
	CHECK_INT(sigpending(&pend), 0);
	CHECK(sigismember(&pend, SIGUSR1));
	CHECK(!sigismember(&pend, SIGUSR2));
	CHECK_ERR(sigprocmask(12345, &s, NULL), EINVAL);
	signal(SIGUSR1, SIG_IGN);
	CHECK_INT(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	T_SAY("survived");
	return T_DONE();
}
