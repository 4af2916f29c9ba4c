// Checks EPOLLONESHOT: after one report the item is disabled (even when
// more data arrives) until EPOLL_CTL_MOD re-arms it.
#include <sys/epoll.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 5};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
	CHECK_INT(write(p[1], "x", 1), 1);
	struct epoll_event out[1];
	CHECK_INT(epoll_wait(ep, out, 1, 0), 1);
	CHECK(out[0].data.u64 == 5);
	CHECK_INT(epoll_wait(ep, out, 1, 0), 0);
	CHECK_INT(write(p[1], "y", 1), 1);
	CHECK_INT(epoll_wait(ep, out, 1, 20), 0);
	ev.data.u64 = 6;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev) == 0);
	CHECK_INT(epoll_wait(ep, out, 1, 0), 1);
	CHECK(out[0].data.u64 == 6 && out[0].events == EPOLLIN);
	CHECK_INT(epoll_wait(ep, out, 1, 0), 0);
	return T_DONE();
}
