// Checks clock_nanosleep with TIMER_ABSTIME in four threads sharing one
// CLOCK_MONOTONIC deadline 80 ms ahead: each returns 0 and reads the clock
// at or after the deadline; a deadline in the past returns 0 at once; a
// bad clock gives EINVAL (returned, not in errno).
#include <pthread.h>
#include <time.h>
#include "t.h"

static struct timespec deadline;
static int late_ok[4], rc[4];

static int after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

static void *sleeper(void *arg)
{
	long i = (long)arg;
	rc[i] = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	late_ok[i] = after(&now, &deadline);
	return NULL;
}

int main(void)
{
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += 80000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_nsec -= 1000000000;
		deadline.tv_sec++;
	}
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		CHECK_INT(pthread_create(&t[i], NULL, sleeper, (void *)i), 0);
	for (int i = 0; i < 4; i++) {
		CHECK_INT(pthread_join(t[i], NULL), 0);
		CHECK_INT(rc[i], 0);
		CHECK_INT(late_ok[i], 1);
	}
	struct timespec past = {0, 1};
	CHECK_INT(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
	struct timespec d = {0, 1000};
	CHECK_INT(clock_nanosleep((clockid_t)1234, 0, &d, NULL), EINVAL);
	struct timespec badns = {0, 1000000000};
	CHECK_INT(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &badns, NULL), EINVAL);
	return T_DONE();
}
