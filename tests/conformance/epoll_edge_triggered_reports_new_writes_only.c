// Checks EPOLLET on a pipe: an item is reported once per write, not again
// while the data just sits there; a level-triggered item on the same
// pipe keeps being reported.
#include <sys/epoll.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int et = epoll_create1(0), lt = epoll_create1(0);
	CHECK(et >= 0 && lt >= 0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u32 = 1};
	CHECK(epoll_ctl(et, EPOLL_CTL_ADD, p[0], &ev) == 0);
	ev.events = EPOLLIN;
	CHECK(epoll_ctl(lt, EPOLL_CTL_ADD, p[0], &ev) == 0);
	struct epoll_event out[2];
	CHECK_INT(epoll_wait(et, out, 2, 0), 0);
	CHECK_INT(write(p[1], "a", 1), 1);
	CHECK_INT(epoll_wait(et, out, 2, 0), 1);
	CHECK(out[0].events == EPOLLIN && out[0].data.u32 == 1);
	CHECK_INT(epoll_wait(et, out, 2, 0), 0);
	CHECK_INT(epoll_wait(lt, out, 2, 0), 1);
	CHECK_INT(epoll_wait(lt, out, 2, 0), 1);
	CHECK_INT(write(p[1], "b", 1), 1);
	CHECK_INT(epoll_wait(et, out, 2, 0), 1);
	CHECK_INT(epoll_wait(et, out, 2, 0), 0);
	char buf[4];
	CHECK_INT(read(p[0], buf, sizeof buf), 2);
	CHECK_INT(epoll_wait(et, out, 2, 0), 0);
	CHECK_INT(epoll_wait(lt, out, 2, 0), 0);
	return T_DONE();
}
