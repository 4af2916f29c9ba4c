// Checks that the signal mask is per thread: a new thread starts with its
// creator's mask, changes it makes do not show in the creator, and a
// signal sent with pthread_kill to a thread that blocks it stays pending
// for that thread only until the thread unblocks it.
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include "t.h"

static volatile int hits;
static volatile pthread_t handled_by;
static int child_inherited, child_pending_before, child_hits_after;
static volatile int main_sent;

static void handler(int sig)
{
	(void)sig;
	hits++;
	handled_by = pthread_self();
}

static void *child(void *arg)
{
	(void)arg;
	sigset_t cur, add;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	child_inherited = sigismember(&cur, SIGUSR1) == 1 && sigismember(&cur, SIGUSR2) == 0;
	sigemptyset(&add);
	sigaddset(&add, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &add, NULL);
	while (!main_sent) {
		struct timespec d = {0, 1000000};
		nanosleep(&d, NULL);
	}
	sigset_t pend;
	sigpending(&pend);
	child_pending_before = sigismember(&pend, SIGUSR2) == 1 && hits == 0;
	pthread_sigmask(SIG_UNBLOCK, &add, NULL);
	child_hits_after = hits;
	return NULL;
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = handler;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	CHECK_INT(pthread_sigmask(SIG_BLOCK, &s, NULL), 0);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, child, NULL), 0);
	struct timespec d = {0, 30000000};
	nanosleep(&d, NULL);
	sigset_t mine;
	CHECK_INT(pthread_sigmask(SIG_BLOCK, NULL, &mine), 0);
	CHECK_INT(sigismember(&mine, SIGUSR2), 0);
	CHECK_INT(sigismember(&mine, SIGUSR1), 1);
	CHECK_INT(pthread_kill(t, SIGUSR2), 0);
	nanosleep(&d, NULL);
	CHECK_INT(hits, 0);
	sigset_t pend;
	CHECK_INT(sigpending(&pend), 0);
	CHECK_INT(sigismember(&pend, SIGUSR2), 0);
	main_sent = 1;
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK_INT(child_inherited, 1);
	CHECK_INT(child_pending_before, 1);
	CHECK_INT(child_hits_after, 1);
	CHECK(pthread_equal(handled_by, t));
	return T_DONE();
}
