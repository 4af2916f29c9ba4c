// Checks pthread_cond_timedwait on a CLOCK_MONOTONIC condvar: with no
// signal it returns ETIMEDOUT no earlier than the deadline; a deadline in
// the past times out at once; a signalled wait returns 0.
#include <pthread.h>
#include <time.h>
#include "t.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c;
static int flag;

static void *signaller(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	flag = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	return NULL;
}

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void)
{
	pthread_condattr_t a;
	CHECK_INT(pthread_condattr_init(&a), 0);
	CHECK_INT(pthread_condattr_setclock(&a, CLOCK_MONOTONIC), 0);
	clockid_t id;
	CHECK_INT(pthread_condattr_getclock(&a, &id), 0);
	CHECK_INT(id, CLOCK_MONOTONIC);
	CHECK_INT(pthread_cond_init(&c, &a), 0);

	struct timespec start, dl, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	dl = start;
	dl.tv_nsec += 50000000;
	if (dl.tv_nsec >= 1000000000) { dl.tv_sec++; dl.tv_nsec -= 1000000000; }
	pthread_mutex_lock(&m);
	int r = pthread_cond_timedwait(&c, &m, &dl);
	clock_gettime(CLOCK_MONOTONIC, &end);
	pthread_mutex_unlock(&m);
	CHECK_INT(r, ETIMEDOUT);
	CHECK(ns(end) >= ns(dl));

	struct timespec past = start;
	pthread_mutex_lock(&m);
	CHECK_INT(pthread_cond_timedwait(&c, &m, &past), ETIMEDOUT);
	pthread_mutex_unlock(&m);

	pthread_t t;
	pthread_mutex_lock(&m);
	CHECK_INT(pthread_create(&t, NULL, signaller, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += 10;
	r = 0;
	while (!flag && r == 0)
		r = pthread_cond_timedwait(&c, &m, &dl);
	pthread_mutex_unlock(&m);
	CHECK_INT(r, 0);
	CHECK_INT(flag, 1);
	pthread_join(t, NULL);
	return T_DONE();
}
