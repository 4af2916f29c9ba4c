// Checks a periodic CLOCK_MONOTONIC timerfd: a blocking read waits for
// the first expiry, expirations accumulate while nobody reads, gettime
// reports the interval, and a zero value disarms.
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	CHECK(t >= 0);
	struct itimerspec its = {.it_interval = {0, 10000000}, .it_value = {0, 20000000}};
	CHECK(timerfd_settime(t, 0, &its, NULL) == 0);
	uint64_t n = 0;
	CHECK_INT(read(t, &n, sizeof n), 8);
	CHECK(n >= 1);
	struct timespec d = {0, 55000000};
	nanosleep(&d, NULL);
	CHECK_INT(read(t, &n, sizeof n), 8);
	CHECK(n >= 4);
	struct itimerspec cur;
	CHECK(timerfd_gettime(t, &cur) == 0);
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 10000000);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 10000000);
	struct itimerspec off = {{0, 0}, {0, 0}}, old;
	CHECK(timerfd_settime(t, 0, &off, &old) == 0);
	CHECK(old.it_interval.tv_nsec == 10000000);
	CHECK(timerfd_gettime(t, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x10), EINVAL);
	CHECK_ERR(timerfd_settime(0, 0, &its, NULL), EINVAL);
	return T_DONE();
}
