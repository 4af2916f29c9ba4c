// Checks that a signal sent by another thread (pthread_kill) interrupts
// the main thread's nanosleep: -1 with EINTR (SA_RESTART or not), the
// handler ran in the main thread, and rem holds time left that is less
// than the request.
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include "t.h"

static pthread_t main_thread;
static volatile pthread_t handled_by;
static volatile int hits;

static void handler(int sig)
{
	(void)sig;
	hits++;
	handled_by = pthread_self();
}

static void *sender(void *arg)
{
	(void)arg;
	struct timespec d = {0, 50 * 1000 * 1000};
	nanosleep(&d, NULL);
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static void one(int flags)
{
	struct sigaction sa = {0};
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, sender, NULL), 0);
	struct timespec req = {20, 0}, rem = {0, 0};
	CHECK_ERR(nanosleep(&req, &rem), EINTR);
	CHECK(rem.tv_sec < 20 && (rem.tv_sec > 0 || rem.tv_nsec > 0));
	CHECK(pthread_equal(handled_by, main_thread));
	CHECK_INT(pthread_join(t, NULL), 0);
}

int main(void)
{
	main_thread = pthread_self();
	T_CASE("no_restart");
	one(0);
	T_CASE("sa_restart_still_eintr");
	one(SA_RESTART);
	CHECK_INT(hits, 2);
	return T_DONE();
}
