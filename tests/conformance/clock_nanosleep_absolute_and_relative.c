// Checks clock_nanosleep: relative sleeps last at least the time asked; an
// absolute MONOTONIC deadline is reached; a deadline in the past returns at
// once; a bad clock gives EINVAL (returned, not in errno).
#include <time.h>
#include "t.h"

static long long now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	long long a = now();
	struct timespec rel = { 0, 30000000 };
	CHECK_INT(clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, NULL), 0);
	CHECK(now() - a >= 30000000);

	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 40000000;
	if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
	CHECK_INT(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	CHECK(now() >= abs.tv_sec * 1000000000LL + abs.tv_nsec);

	struct timespec past = { 0, 1 };
	long long b = now();
	CHECK_INT(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
	CHECK(now() - b < 1000000000LL);

	struct timespec r;
	clock_gettime(CLOCK_REALTIME, &r);
	r.tv_nsec += 20000000;
	if (r.tv_nsec >= 1000000000) { r.tv_sec++; r.tv_nsec -= 1000000000; }
	CHECK_INT(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &r, NULL), 0);

	CHECK_INT(clock_nanosleep((clockid_t)55, 0, &rel, NULL), EINVAL);
	return T_DONE();
}
