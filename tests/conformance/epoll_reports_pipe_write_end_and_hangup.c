// Checks epoll on both ends of a pipe and several fds at once: the write
// end is EPOLLOUT, EPOLLERR once the reader is gone; closing a watched
// fd removes it from the set; maxevents limits one call.
#include <sys/epoll.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int a[2], b[2];
	CHECK(pipe(a) == 0);
	CHECK(pipe(b) == 0);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = 1};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, a[1], &ev) == 0);
	ev.data.u32 = 2;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, b[1], &ev) == 0);
	struct epoll_event out[4];
	CHECK_INT(epoll_wait(ep, out, 1, 0), 1);
	CHECK_INT(epoll_wait(ep, out, 4, 0), 2);
	CHECK(out[0].events == EPOLLOUT && out[1].events == EPOLLOUT);
	CHECK(close(a[0]) == 0);
	int err = 0;
	int n = epoll_wait(ep, out, 4, 0);
	CHECK_INT(n, 2);
	for (int i = 0; i < n; i++)
		if (out[i].data.u32 == 1)
			err = out[i].events == (EPOLLOUT | EPOLLERR);
	CHECK(err);
	CHECK(close(b[1]) == 0);
	CHECK_INT(epoll_wait(ep, out, 4, 0), 1);
	CHECK(out[0].data.u32 == 1);
	return T_DONE();
}
