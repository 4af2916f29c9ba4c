// Checks that CLOCK_REALTIME carries the wall-clock date (a unikernel must
// read it from the RTC or the VMM): after 2020-01-01, before 2100.
#include <sys/time.h>
#include <time.h>
#include "t.h"

int main(void)
{
	struct timespec ts;
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
	CHECK(ts.tv_sec > 1577836800);
	CHECK(ts.tv_sec < 4102444800);
	struct timeval tv;
	CHECK(gettimeofday(&tv, NULL) == 0);
	CHECK(tv.tv_sec >= ts.tv_sec && tv.tv_sec - ts.tv_sec < 60);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	return T_DONE();
}
