// Checks that a pthread barrier for 5 holds every thread until the last
// arrives, then releases all of them, exactly one getting SERIAL_THREAD.
#include <pthread.h>
#include "t.h"

static pthread_barrier_t b;
static int arrived, serial, after_bad;

static void *worker(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	int r = pthread_barrier_wait(&b);
	if (r == PTHREAD_BARRIER_SERIAL_THREAD)
		__atomic_add_fetch(&serial, 1, __ATOMIC_SEQ_CST);
	else if (r != 0)
		__atomic_add_fetch(&after_bad, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) != 5)
		__atomic_add_fetch(&after_bad, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	CHECK_INT(pthread_barrier_init(&b, NULL, 5), 0);
	for (int i = 0; i < 4; i++)
		CHECK_INT(pthread_create(&t[i], NULL, worker, NULL), 0);
	worker(NULL);
	for (int i = 0; i < 4; i++)
		CHECK_INT(pthread_join(t[i], NULL), 0);
	CHECK_INT(serial, 1);
	CHECK_INT(after_bad, 0);
	CHECK_INT(pthread_barrier_destroy(&b), 0);
	return T_DONE();
}
