// Checks SA_NODEFER (the signal is not blocked in its handler, so a raise
// there nests) against the default (it is blocked and stays pending until
// the handler returns), and SA_RESETHAND (the action is SIG_DFL after one
// delivery; SIGWINCH's default is to ignore).
#include <signal.h>
#include "t.h"

static volatile int depth, max_depth, calls;

static void nest(int sig)
{
	calls++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (calls < 3)
		raise(sig);
	depth--;
}

static volatile int winch;

static void on_winch(int sig)
{
	(void)sig;
	winch++;
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = nest;
	sa.sa_flags = SA_NODEFER;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK_INT(calls, 3);
	CHECK_INT(max_depth, 3);

	T_CASE("deferred");
	calls = max_depth = depth = 0;
	sa.sa_flags = 0;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK_INT(calls, 3);
	CHECK_INT(max_depth, 1);

	T_CASE("resethand");
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_RESETHAND;
	CHECK(sigaction(SIGWINCH, &sa, NULL) == 0);
	CHECK(raise(SIGWINCH) == 0);
	CHECK(raise(SIGWINCH) == 0);
	CHECK_INT(winch, 1);
	struct sigaction old;
	CHECK(sigaction(SIGWINCH, NULL, &old) == 0 && old.sa_handler == SIG_DFL);
	return T_DONE();
}
