// Checks sleep ordering between threads: three threads started in reverse
// order sleep 250, 150 and 50 ms (nanosleep, clock_nanosleep, usleep) and
// record when they wake; they wake shortest first, and each slept at
// least what it asked (measured on CLOCK_MONOTONIC).
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int order[3], n;
static long long slept[3];

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *sleeper(void *arg)
{
	long i = (long)arg;
	long long ms = 50 + 100 * i;
	long long t0 = now_ns();
	if (i == 0) {
		usleep((useconds_t)(ms * 1000));
	} else if (i == 1) {
		struct timespec d = {0, ms * 1000000};
		clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL);
	} else {
		struct timespec d = {0, ms * 1000000};
		nanosleep(&d, NULL);
	}
	slept[i] = now_ns() - t0;
	pthread_mutex_lock(&mu);
	order[n++] = (int)i;
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(void)
{
	pthread_t t[3];
	for (long i = 2; i >= 0; i--)
		CHECK_INT(pthread_create(&t[i], NULL, sleeper, (void *)i), 0);
	for (int i = 0; i < 3; i++)
		CHECK_INT(pthread_join(t[i], NULL), 0);
	CHECK_INT(n, 3);
	CHECK_INT(order[0], 0);
	CHECK_INT(order[1], 1);
	CHECK_INT(order[2], 2);
	CHECK(slept[0] >= 50000000LL);
	CHECK(slept[1] >= 150000000LL);
	CHECK(slept[2] >= 250000000LL);
	return T_DONE();
}
