// Checks signals sent to the program itself: a handler installed with
// sigaction runs on raise with its siginfo, a blocked signal stays pending
// until unblocked, SIG_IGN discards, and kill(getpid()) works like raise.
#include <signal.h>
#include <unistd.h>
#include "../conformance/t.h"

static volatile sig_atomic_t hits, last_sig, last_code_user;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	last_code_user = si->si_code == SI_USER || si->si_code == SI_TKILL;
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK_INT(hits, 1);
	CHECK_INT(last_sig, SIGUSR1);
	CHECK(last_code_user);

	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK_INT(hits, 1);
	CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1));
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	CHECK_INT(hits, 2);

	CHECK(signal(SIGUSR2, SIG_IGN) != SIG_ERR);
	CHECK(raise(SIGUSR2) == 0);
	struct sigaction old;
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_sigaction == handler);
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	return T_DONE();
}
