// Checks clock_gettime on REALTIME, MONOTONIC, PROCESS_CPUTIME_ID,
// THREAD_CPUTIME_ID, MONOTONIC_RAW, REALTIME_COARSE, MONOTONIC_COARSE and
// BOOTTIME: each succeeds with tv_nsec in range; an invalid id is EINVAL.
#define _GNU_SOURCE
#include <time.h>
#include "t.h"

static int valid(clockid_t id)
{
	struct timespec ts = { -1, -1 };
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000;
}

int main(void)
{
	CHECK(valid(CLOCK_REALTIME));
	CHECK(valid(CLOCK_MONOTONIC));
	CHECK(valid(CLOCK_PROCESS_CPUTIME_ID));
	CHECK(valid(CLOCK_THREAD_CPUTIME_ID));
	CHECK(valid(CLOCK_MONOTONIC_RAW));
	CHECK(valid(CLOCK_REALTIME_COARSE));
	CHECK(valid(CLOCK_MONOTONIC_COARSE));
	CHECK(valid(CLOCK_BOOTTIME));
	struct timespec ts;
	CHECK_ERR(clock_gettime((clockid_t)99, &ts), EINVAL);
	struct timespec r1, m1;
	clock_gettime(CLOCK_REALTIME, &r1);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	CHECK(r1.tv_sec > 1600000000);
	return T_DONE();
}
