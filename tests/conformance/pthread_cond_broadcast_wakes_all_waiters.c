// Checks pthread_cond_broadcast: six threads waiting on one condition are
// all woken by a single broadcast, while a signal wakes at least one.
#include <pthread.h>
#include <sched.h>
#include "t.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int go, waiting, woken;

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	waiting++;
	while (!go)
		pthread_cond_wait(&c, &m);
	woken++;
	pthread_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	pthread_t t[6];
	for (int i = 0; i < 6; i++)
		CHECK_INT(pthread_create(&t[i], NULL, waiter, NULL), 0);
	for (;;) {
		pthread_mutex_lock(&m);
		int w = waiting;
		pthread_mutex_unlock(&m);
		if (w == 6)
			break;
		sched_yield();
	}
	pthread_mutex_lock(&m);
	go = 1;
	CHECK_INT(pthread_cond_broadcast(&c), 0);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < 6; i++)
		CHECK_INT(pthread_join(t[i], NULL), 0);
	CHECK_INT(woken, 6);
	CHECK_INT(pthread_cond_signal(&c), 0);
	return T_DONE();
}
