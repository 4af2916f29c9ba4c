// Checks nanosleep and clock_nanosleep: the monotonic clock advances by at
// least the time asked (20 ms), EINVAL for a bad tv_nsec.
#include <time.h>
#include "../conformance/t.h"

static long long ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	long long t0 = ns();
	struct timespec d = {0, 20000000};
	CHECK(nanosleep(&d, NULL) == 0);
	CHECK(ns() - t0 >= 20000000);
	t0 = ns();
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL) == 0);
	CHECK(ns() - t0 >= 20000000);
	struct timespec bad = {0, 1000000000};
	CHECK_ERR(nanosleep(&bad, NULL), EINVAL);
	return T_DONE();
}
