// Checks sigsuspend: with SIGUSR1 blocked, the main thread waits in
// sigsuspend with an empty mask until another thread sends SIGUSR1 to the
// process (kill); sigsuspend returns -1 EINTR after the handler ran and the
// old mask (SIGUSR1 blocked) is back. A signal already pending makes
// sigsuspend return at once.
#include <pthread.h>
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

static void *sender(void *arg)
{
	(void)arg;
	struct timespec d = {0, 30 * 1000 * 1000};
	nanosleep(&d, NULL);
	kill(getpid(), SIGUSR1);
	return NULL;
}

int main(void)
{
	signal(SIGUSR1, handler);
	sigset_t block, empty, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, sender, NULL), 0);
	CHECK_ERR(sigsuspend(&empty), EINTR);
	CHECK_INT(hits, 1);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGUSR1));
	CHECK_INT(pthread_join(t, NULL), 0);

	T_CASE("already_pending");
	CHECK(raise(SIGUSR1) == 0);
	CHECK_INT(hits, 1);
	CHECK_ERR(sigsuspend(&empty), EINTR);
	CHECK_INT(hits, 2);
	return T_DONE();
}
