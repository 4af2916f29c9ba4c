// Checks nanosleep argument validation: tv_nsec of 1e9 or negative, and a
// negative tv_sec, give EINVAL; a zero sleep succeeds; clock_nanosleep
// returns EINVAL for the same bad values.
#include <time.h>
#include "t.h"

int main(void)
{
	struct timespec big = { 0, 1000000000 }, neg = { 0, -1 }, negsec = { -1, 0 }, zero = { 0, 0 };
	CHECK_ERR(nanosleep(&big, NULL), EINVAL);
	CHECK_ERR(nanosleep(&neg, NULL), EINVAL);
	CHECK_ERR(nanosleep(&negsec, NULL), EINVAL);
	CHECK_INT(nanosleep(&zero, NULL), 0);
	CHECK_INT(clock_nanosleep(CLOCK_MONOTONIC, 0, &big, NULL), EINVAL);
	CHECK_INT(clock_nanosleep(CLOCK_MONOTONIC, 0, &neg, NULL), EINVAL);
	CHECK_INT(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &big, NULL), EINVAL);
	return T_DONE();
}
