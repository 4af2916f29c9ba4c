// Checks masks: signals sent while blocked stay pending (sigpending shows
// them, no handler runs), a second send of a pending standard signal is
// not queued (but the process's and the thread's pending sets are
// separate), and unblocking delivers them before sigprocmask returns, in
// Linux's nested order.
#include <signal.h>
#include <unistd.h>
#include "t.h"

static int order[8];
static volatile int n;

static void handler(int sig)
{
	if (n < 8)
		order[n++] = sig;
}

int main(void)
{
	signal(SIGUSR1, handler);
	signal(SIGUSR2, handler);
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(raise(SIGUSR2) == 0);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK_INT(n, 0);
	CHECK(sigpending(&pending) == 0);
	CHECK(sigismember(&pending, SIGUSR1) && sigismember(&pending, SIGUSR2));
	CHECK(!sigismember(&pending, SIGINT));
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	/* kill() leaves SIGUSR1 pending for the process, raise() for the
	 * thread: two separate pending sets, so it runs twice. */
	CHECK_INT(n, 3);
	T_SAY("order %d %d %d", order[0], order[1], order[2]);
	CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));

	T_CASE("sa_mask_blocks_during_handler");
	n = 0;
	struct sigaction sa = {0};
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK_INT(n, 1);
	return T_DONE();
}
