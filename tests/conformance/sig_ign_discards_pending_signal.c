// Checks that setting a blocked, pending SIGUSR1 to SIG_IGN discards it
// (POSIX sigaction: "setting a signal action to SIG_IGN for a signal that
// is pending shall cause the pending signal to be discarded"), so
// sigpending no longer reports it, and a default-ignored pending SIGCHLD
// is likewise not kept pending after SIG_IGN.
#include <signal.h>
#include "../conformance/t.h"

int main(void)
{
	sigset_t s, pend;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGCHLD);
	CHECK_INT(sigprocmask(SIG_BLOCK, &s, NULL), 0);
	CHECK_INT(raise(SIGUSR1), 0);
	CHECK_INT(raise(SIGCHLD), 0);
	CHECK_INT(sigpending(&pend), 0);
	CHECK(sigismember(&pend, SIGUSR1));
	CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
	CHECK(signal(SIGCHLD, SIG_IGN) != SIG_ERR);
	CHECK_INT(sigpending(&pend), 0);
	CHECK(!sigismember(&pend, SIGUSR1));
	CHECK(!sigismember(&pend, SIGCHLD));
	CHECK_INT(sigprocmask(SIG_UNBLOCK, &s, NULL), 0);
	T_SAY("survived");
	return T_DONE();
}
