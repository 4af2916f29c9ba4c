// Checks a timerfd watched by poll and epoll: not ready before the
// expiry, ready after it (epoll_wait waits for it), read resets it.
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	CHECK(t >= 0);
	struct pollfd pf = {.fd = t, .events = POLLIN};
	CHECK_INT(poll(&pf, 1, 0), 0);
	struct itimerspec its = {.it_value = {0, 30000000}};
	CHECK(timerfd_settime(t, 0, &its, NULL) == 0);
	uint64_t n;
	CHECK_ERR(read(t, &n, sizeof n), EAGAIN);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 3};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev) == 0);
	struct epoll_event out[1];
	CHECK_INT(epoll_wait(ep, out, 1, 0), 0);
	CHECK_INT(epoll_wait(ep, out, 1, 5000), 1);
	CHECK(out[0].data.u32 == 3 && out[0].events == EPOLLIN);
	CHECK_INT(poll(&pf, 1, 0), 1);
	CHECK_INT(read(t, &n, sizeof n), 8);
	CHECK_INT(n, 1);
	CHECK_INT(poll(&pf, 1, 0), 0);
	CHECK_INT(epoll_wait(ep, out, 1, 0), 0);
	/* An absolute time in the past expires at once. */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int rt = timerfd_create(CLOCK_REALTIME, 0);
	CHECK(rt >= 0);
	struct itimerspec abs = {.it_value = {now.tv_sec - 1, 0}};
	CHECK(timerfd_settime(rt, TFD_TIMER_ABSTIME, &abs, NULL) == 0);
	CHECK_INT(read(rt, &n, sizeof n), 8);
	CHECK_INT(n, 1);
	return T_DONE();
}
