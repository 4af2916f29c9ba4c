// Checks __thread in several threads: each sees the initial value, its own
// writes only, and the main thread's copy is untouched (TLS set up per
// thread through clone's CLONE_SETTLS).
#include <pthread.h>
#include "../conformance/t.h"

static __thread int tl = 7;

static void *body(void *arg)
{
	int id = *(int *)arg;
	int fresh = tl == 7;
	tl = 100 + id;
	for (volatile int i = 0; i < 100000; i++)
		;
	return (void *)(long)(fresh && tl == 100 + id);
}

int main(void)
{
	tl = 1;
	pthread_t t[4];
	int ids[4], started[4];
	for (int i = 0; i < 4; i++) {
		ids[i] = i;
		started[i] = pthread_create(&t[i], NULL, body, &ids[i]);
		CHECK_INT(started[i], 0);
	}
	int good = 0;
	for (int i = 0; i < 4; i++) {
		void *r = NULL;
		if (started[i] == 0)
			pthread_join(t[i], &r);
		good += r != NULL;
	}
	CHECK_INT(good, 4);
	CHECK_INT(tl, 1);
	return T_DONE();
}
