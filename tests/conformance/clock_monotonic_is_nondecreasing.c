// Checks CLOCK_MONOTONIC: valid timespecs that never go backwards, and some
// time passes over a busy loop.
#include <time.h>
#include "t.h"

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

int main(void)
{
	struct timespec first, prev, now;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &first) == 0);
	prev = first;
	int backwards = 0, bad_nsec = 0;
	for (int i = 0; i < 100000; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
			break;
		if (before(&now, &prev))
			backwards++;
		if (now.tv_nsec < 0 || now.tv_nsec >= 1000000000)
			bad_nsec++;
		prev = now;
	}
	CHECK_INT(backwards, 0);
	CHECK_INT(bad_nsec, 0);
	CHECK(before(&first, &prev));
	struct timespec res;
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
	CHECK(time(NULL) > 0);
	return T_DONE();
}
