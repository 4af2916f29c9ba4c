// Checks that gettimeofday, time() and clock_gettime(CLOCK_REALTIME) agree
// to within two seconds, that tv_usec is in range, and that time(&t) stores
// the value it returns.
#include <sys/time.h>
#include <time.h>
#include "t.h"

int main(void)
{
	struct timeval tv;
	struct timespec ts;
	CHECK_INT(gettimeofday(&tv, NULL), 0);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK_INT(clock_gettime(CLOCK_REALTIME, &ts), 0);
	time_t t1, t2 = time(&t1);
	CHECK(t1 == t2);
	long d1 = (long)(ts.tv_sec - tv.tv_sec), d2 = (long)(t1 - ts.tv_sec);
	CHECK(d1 >= 0 && d1 <= 2);
	CHECK(d2 >= 0 && d2 <= 2);
	CHECK(time(NULL) >= t1);
	return T_DONE();
}
