// Checks deferred cancellation: a thread looping on pthread_testcancel is
// cancelled, its cleanup handler runs, and join gives PTHREAD_CANCELED; a
// thread with cancellation disabled is not cancelled until it re-enables.
#include <pthread.h>
#include <sched.h>
#include "t.h"

static volatile int started, cleaned, disabled_ran_past;

static void cleanup(void *arg) { (void)arg; cleaned = 1; }

static void *loop(void *arg)
{
	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	started = 1;
	for (;;) {
		pthread_testcancel();
		sched_yield();
	}
	pthread_cleanup_pop(0);
	return NULL;
}

static void *disabled(void *arg)
{
	(void)arg;
	int old;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	started = 2;
	while (started != 3)
		sched_yield();
	pthread_testcancel();
	disabled_ran_past = 1;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	pthread_testcancel();
	return (void *)1;
}

int main(void)
{
	pthread_t t;
	void *r;
	CHECK_INT(pthread_create(&t, NULL, loop, NULL), 0);
	while (!started)
		sched_yield();
	CHECK_INT(pthread_cancel(t), 0);
	CHECK_INT(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	CHECK_INT(cleaned, 1);

	CHECK_INT(pthread_create(&t, NULL, disabled, NULL), 0);
	while (started != 2)
		sched_yield();
	CHECK_INT(pthread_cancel(t), 0);
	started = 3;
	CHECK_INT(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	CHECK_INT(disabled_ran_past, 1);
	return T_DONE();
}
