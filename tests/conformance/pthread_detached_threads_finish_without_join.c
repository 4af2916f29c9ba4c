// Checks detached threads: created detached via attr or pthread_detach,
// they run to completion and cannot be joined (EINVAL on the attr state).
#include <pthread.h>
#include <sched.h>
#include "t.h"

static int done;

static void *work(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(void)
{
	pthread_attr_t a;
	int st;
	CHECK_INT(pthread_attr_init(&a), 0);
	CHECK_INT(pthread_attr_getdetachstate(&a, &st), 0);
	CHECK_INT(st, PTHREAD_CREATE_JOINABLE);
	CHECK_INT(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
	CHECK_INT(pthread_attr_getdetachstate(&a, &st), 0);
	CHECK_INT(st, PTHREAD_CREATE_DETACHED);
	CHECK_INT(pthread_attr_setdetachstate(&a, 12345), EINVAL);
	pthread_t t;
	for (int i = 0; i < 6; i++)
		CHECK_INT(pthread_create(&t, &a, work, NULL), 0);
	for (int i = 0; i < 6; i++) {
		CHECK_INT(pthread_create(&t, NULL, work, NULL), 0);
		CHECK_INT(pthread_detach(t), 0);
	}
	for (int i = 0; i < 100000 && __atomic_load_n(&done, __ATOMIC_SEQ_CST) < 12; i++)
		sched_yield();
	CHECK_INT(done, 12);
	pthread_attr_destroy(&a);
	return T_DONE();
}
