// Checks that four threads each adding 1 to an eventfd 250 times leave a
// counter of exactly 1000, and that a blocked reader thread wakes on the
// first write.
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static int e, w;
static uint64_t woke_with;

static void *adder(void *arg)
{
	(void)arg;
	uint64_t one = 1;
	for (int i = 0; i < 250; i++)
		if (write(e, &one, 8) != 8)
			return (void *)1;
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	if (read(w, &woke_with, 8) != 8)
		woke_with = 999;
	return NULL;
}

int main(void)
{
	e = eventfd(0, 0);
	w = eventfd(0, 0);
	CHECK(e >= 0 && w >= 0);
	pthread_t t[4], r;
	for (int i = 0; i < 4; i++)
		CHECK_INT(pthread_create(&t[i], NULL, adder, NULL), 0);
	void *res;
	int bad = 0;
	for (int i = 0; i < 4; i++) {
		CHECK_INT(pthread_join(t[i], &res), 0);
		bad += res != NULL;
	}
	CHECK_INT(bad, 0);
	uint64_t v = 0;
	CHECK_INT(read(e, &v, 8), 8);
	CHECK_INT(v, 1000);
	CHECK_INT(pthread_create(&r, NULL, waiter, NULL), 0);
	struct timespec d = {0, 20000000};
	nanosleep(&d, NULL);
	CHECK_INT(woke_with, 0);
	v = 7;
	CHECK_INT(write(w, &v, 8), 8);
	CHECK_INT(pthread_join(r, NULL), 0);
	CHECK_INT(woke_with, 7);
	return T_DONE();
}
