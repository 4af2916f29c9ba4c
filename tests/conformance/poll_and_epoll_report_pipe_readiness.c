// Checks poll and epoll on a pipe: not readable when empty (timeout 0),
// readable after a write, POLLHUP/EPOLLHUP after the writer closes.
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	T_CASE("poll");
	struct pollfd pf = {.fd = p[0], .events = POLLIN};
	CHECK_INT(poll(&pf, 1, 0), 0);
	struct pollfd wf = {.fd = p[1], .events = POLLOUT};
	CHECK_INT(poll(&wf, 1, 0), 1);
	CHECK(wf.revents == POLLOUT);
	CHECK_INT(write(p[1], "z", 1), 1);
	CHECK_INT(poll(&pf, 1, 1000), 1);
	CHECK(pf.revents == POLLIN);
	struct pollfd bad = {.fd = 999, .events = POLLIN};
	CHECK_INT(poll(&bad, 1, 0), 1);
	CHECK(bad.revents == POLLNVAL);

	T_CASE("epoll");
	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	struct epoll_event out[4];
	CHECK_INT(epoll_wait(ep, out, 4, 0), 1);
	CHECK(out[0].events == EPOLLIN && out[0].data.u64 == 0x1234);
	char c;
	CHECK_INT(read(p[0], &c, 1), 1);
	CHECK_INT(epoll_wait(ep, out, 4, 10), 0);
	CHECK(close(p[1]) == 0);
	CHECK_INT(epoll_wait(ep, out, 4, 1000), 1);
	CHECK(out[0].events == EPOLLHUP);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	CHECK_INT(epoll_wait(ep, out, 4, 0), 0);
	pf.revents = 0;
	CHECK_INT(poll(&pf, 1, 0), 1);
	CHECK(pf.revents == POLLHUP);
	return T_DONE();
}
