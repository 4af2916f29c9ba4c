// Checks thread-specific data: each thread sees its own value for a key,
// the destructor runs once per thread with a non-NULL value at exit, and
// not for threads that left the value NULL; deleted keys are gone.
#include <pthread.h>
#include <stdint.h>
#include "t.h"

static pthread_key_t key;
static int destructed, sum;

static void dtor(void *v)
{
	__atomic_add_fetch(&destructed, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sum, (int)(intptr_t)v, __ATOMIC_SEQ_CST);
}

static void *worker(void *arg)
{
	intptr_t n = (intptr_t)arg;
	if (pthread_getspecific(key) != NULL)
		return (void *)1;
	if (n != 0)
		pthread_setspecific(key, (void *)n);
	return pthread_getspecific(key) == (void *)n ? NULL : (void *)1;
}

int main(void)
{
	CHECK_INT(pthread_key_create(&key, dtor), 0);
	CHECK(pthread_getspecific(key) == NULL);
	CHECK_INT(pthread_setspecific(key, (void *)1000), 0);
	pthread_t t[5];
	for (intptr_t i = 0; i < 5; i++)
		CHECK_INT(pthread_create(&t[i], NULL, worker, (void *)i), 0);
	int bad = 0;
	for (int i = 0; i < 5; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += r != NULL;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(destructed, 4);
	CHECK_INT(sum, 1 + 2 + 3 + 4);
	CHECK(pthread_getspecific(key) == (void *)1000);
	CHECK_INT(pthread_key_delete(key), 0);
	return T_DONE();
}
