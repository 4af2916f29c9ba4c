// Checks that a timerfd armed for 40 ms and disarmed (zero it_value)
// before it expires never becomes readable: gettime reports zero, the old
// value returned by settime is nonzero and at most 40 ms, poll times out
// and a nonblocking read gives EAGAIN.
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	CHECK(t >= 0);
	uint64_t n;
	CHECK_ERR(read(t, &n, 8), EAGAIN);
	struct itimerspec on = {.it_value = {0, 40000000}};
	CHECK(timerfd_settime(t, 0, &on, NULL) == 0);
	struct itimerspec off = {{0, 0}, {0, 0}}, old;
	CHECK(timerfd_settime(t, 0, &off, &old) == 0);
	CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec > 0 && old.it_value.tv_nsec <= 40000000);
	CHECK(old.it_interval.tv_sec == 0 && old.it_interval.tv_nsec == 0);
	struct itimerspec cur;
	CHECK(timerfd_gettime(t, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	struct pollfd pf = {.fd = t, .events = POLLIN};
	CHECK_INT(poll(&pf, 1, 80), 0);
	CHECK_ERR(read(t, &n, 8), EAGAIN);
	CHECK_ERR(read(t, &n, 4), EINVAL);
	return T_DONE();
}
