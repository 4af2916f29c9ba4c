// Checks futex-based synchronisation: four threads increment a counter under
// a mutex (no lost updates), then a condition variable hands a value over.
#include <pthread.h>
#include "../conformance/t.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready, value;

static void *inc(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
	}
	return NULL;
}

static void *producer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	value = 42;
	ready = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	int started[4];
	for (int i = 0; i < 4; i++) {
		started[i] = pthread_create(&t[i], NULL, inc, NULL);
		CHECK_INT(started[i], 0);
	}
	for (int i = 0; i < 4; i++)
		if (started[i] == 0)
			pthread_join(t[i], NULL);
	CHECK_INT(counter, 80000);

	pthread_t p;
	pthread_mutex_lock(&m);
	int e = pthread_create(&p, NULL, producer, NULL);
	CHECK_INT(e, 0);
	if (e != 0)
		return T_DONE();
	while (!ready)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	pthread_join(p, NULL);
	CHECK_INT(value, 42);
	return T_DONE();
}
