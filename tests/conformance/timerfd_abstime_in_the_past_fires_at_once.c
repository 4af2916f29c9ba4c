// Checks TFD_TIMER_ABSTIME with a deadline already in the past: the timer
// expires at once (one expiration, readable immediately), and after the
// read it is disarmed (no interval) so a nonblocking read gives EAGAIN.
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
	struct timespec now;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &now) == 0);
	struct itimerspec its = {.it_value = {0, 1}};
	if (now.tv_sec > 1)
		its.it_value.tv_sec = now.tv_sec - 1;
	CHECK(timerfd_settime(t, TFD_TIMER_ABSTIME, &its, NULL) == 0);
	struct pollfd pf = {.fd = t, .events = POLLIN};
	CHECK_INT(poll(&pf, 1, 1000), 1);
	CHECK_INT(pf.revents, POLLIN);
	uint64_t n = 0;
	CHECK_INT(read(t, &n, 8), 8);
	CHECK_INT(n, 1);
	CHECK_ERR(read(t, &n, 8), EAGAIN);
	struct itimerspec cur;
	CHECK(timerfd_gettime(t, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	T_CASE("realtime_past");
	int r = timerfd_create(CLOCK_REALTIME, 0);
	CHECK(r >= 0);
	struct timespec rt;
	CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0);
	struct itimerspec past = {.it_value = {rt.tv_sec - 100, 0}};
	CHECK(timerfd_settime(r, TFD_TIMER_ABSTIME, &past, NULL) == 0);
	n = 0;
	CHECK_INT(read(r, &n, 8), 8);
	CHECK_INT(n, 1);
	return T_DONE();
}
