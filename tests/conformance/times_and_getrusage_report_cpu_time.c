// Checks that burning CPU for a while makes user time in getrusage and
// times() non-decreasing and the process CPU clock advance; the rusage
// fields stay sane (no negative values, maxrss positive).
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include "t.h"

static long long cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	struct rusage r0, r1;
	struct tms t0, t1;
	CHECK_INT(getrusage(RUSAGE_SELF, &r0), 0);
	CHECK(times(&t0) != (clock_t)-1);
	long long c0 = cpu();
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < 200000000UL; i++)
		x += i;
	long long c1 = cpu();
	CHECK(c1 > c0);
	CHECK_INT(getrusage(RUSAGE_SELF, &r1), 0);
	CHECK(times(&t1) != (clock_t)-1);
	CHECK(r1.ru_utime.tv_sec * 1000000L + r1.ru_utime.tv_usec >= r0.ru_utime.tv_sec * 1000000L + r0.ru_utime.tv_usec);
	CHECK(r1.ru_utime.tv_usec >= 0 && r1.ru_utime.tv_usec < 1000000);
	CHECK(r1.ru_stime.tv_usec >= 0 && r1.ru_stime.tv_usec < 1000000);
	CHECK(r1.ru_maxrss > 0);
	CHECK(t1.tms_utime >= t0.tms_utime);
	CHECK(t1.tms_cutime == 0 && t1.tms_cstime == 0);
	CHECK_INT(getrusage(RUSAGE_THREAD, &r1), 0);
	CHECK_ERR(getrusage(12345, &r1), EINVAL);
	return T_DONE();
}
