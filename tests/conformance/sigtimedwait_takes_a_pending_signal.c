// Checks sigtimedwait/sigwaitinfo: a blocked pending signal is taken
// without running its handler and its siginfo comes back; with nothing
// pending a short timeout gives EAGAIN; sigwait accepts any of a set.
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static volatile int hits;

static void handler(int sig)
{
	(void)sig;
	hits++;
}

int main(void)
{
	signal(SIGUSR2, handler);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(raise(SIGUSR2) == 0);
	siginfo_t si;
	struct timespec ts = {1, 0};
	CHECK_INT(sigtimedwait(&set, &si, &ts), SIGUSR2);
	CHECK_INT(si.si_signo, SIGUSR2);
	CHECK_INT(si.si_code, SI_TKILL);
	CHECK_INT(hits, 0);

	T_CASE("timeout");
	struct timespec short_ts = {0, 20 * 1000 * 1000};
	CHECK_ERR(sigtimedwait(&set, &si, &short_ts), EAGAIN);

	T_CASE("sigwait");
	CHECK(kill(getpid(), SIGUSR1) == 0);
	int sig = 0;
	CHECK_INT(sigwait(&set, &sig), 0);
	CHECK_INT(sig, SIGUSR1);
	sigset_t pending;
	CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));
	return T_DONE();
}
