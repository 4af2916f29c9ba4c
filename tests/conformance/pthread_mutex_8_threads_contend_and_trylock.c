// Checks a normal mutex under contention by eight threads (no lost updates),
// trylock giving EBUSY on a held mutex, and an error-checking mutex
// reporting EDEADLK on relock and EPERM on unlock by a non-owner.
#include <pthread.h>
#include "t.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t em;
static long count;

static void *inc(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&m);
		long c = count;
		count = c + 1;
		pthread_mutex_unlock(&m);
	}
	return NULL;
}

static void *unlock_other(void *arg)
{
	(void)arg;
	return (void *)(long)pthread_mutex_unlock(&em);
}

int main(void)
{
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		CHECK_INT(pthread_create(&t[i], NULL, inc, NULL), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(count, 80000);

	CHECK_INT(pthread_mutex_lock(&m), 0);
	CHECK_INT(pthread_mutex_trylock(&m), EBUSY);
	CHECK_INT(pthread_mutex_unlock(&m), 0);

	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	CHECK_INT(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK), 0);
	CHECK_INT(pthread_mutex_init(&em, &a), 0);
	CHECK_INT(pthread_mutex_lock(&em), 0);
	CHECK_INT(pthread_mutex_lock(&em), EDEADLK);
	pthread_t o;
	void *r;
	CHECK_INT(pthread_create(&o, NULL, unlock_other, NULL), 0);
	pthread_join(o, &r);
	CHECK_INT((long)r, EPERM);
	CHECK_INT(pthread_mutex_unlock(&em), 0);
	CHECK_INT(pthread_mutex_unlock(&em), EPERM);
	return T_DONE();
}
