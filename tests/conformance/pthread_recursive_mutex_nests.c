// Checks a recursive mutex: the owner may lock it three times and must
// unlock three times before another thread's trylock succeeds.
#include <pthread.h>
#include "t.h"

static pthread_mutex_t m;

static void *try(void *arg)
{
	(void)arg;
	int r = pthread_mutex_trylock(&m);
	if (r == 0)
		pthread_mutex_unlock(&m);
	return (void *)(long)r;
}

static long try_other(void)
{
	pthread_t t;
	void *r;
	pthread_create(&t, NULL, try, NULL);
	pthread_join(t, &r);
	return (long)r;
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	CHECK_INT(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE), 0);
	CHECK_INT(pthread_mutex_init(&m, &a), 0);
	CHECK_INT(pthread_mutex_lock(&m), 0);
	CHECK_INT(pthread_mutex_lock(&m), 0);
	CHECK_INT(pthread_mutex_trylock(&m), 0);
	CHECK_INT(try_other(), EBUSY);
	CHECK_INT(pthread_mutex_unlock(&m), 0);
	CHECK_INT(pthread_mutex_unlock(&m), 0);
	CHECK_INT(try_other(), EBUSY);
	CHECK_INT(pthread_mutex_unlock(&m), 0);
	CHECK_INT(try_other(), 0);
	return T_DONE();
}
