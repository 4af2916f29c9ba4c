// Non-blocking TCP over 127.0.0.1 driven by one epoll set: a non-blocking
// listener gives EAGAIN on accept until a client connects, the client's
// connect gives EINPROGRESS (or 0), EPOLLOUT reports it connected with
// SO_ERROR 0, connecting again gives 0 once then EISCONN, accept4 hands out a
// SOCK_NONBLOCK socket, and data is exchanged through epoll readiness.
#define _GNU_SOURCE
#include <fcntl.h>
#include "../conformance/tnet.h"

int main(void)
{
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(ls >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	CHECK(bind(ls, (struct sockaddr *)&a, sizeof a) == 0);
	CHECK(listen(ls, 8) == 0);
	CHECK(getsockname(ls, (struct sockaddr *)&a, &len) == 0);
	CHECK_ERR(accept(ls, NULL, NULL), EAGAIN);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	struct epoll_event e = {.events = EPOLLIN, .data.u32 = 1};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ls, &e) == 0);
	struct epoll_event got[4];
	CHECK_INT(epoll_wait(ep, got, 4, 0), 0);

	T_CASE("connect");
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(c >= 0);
	int r = connect(c, (struct sockaddr *)&a, sizeof a);
	CHECK(r == 0 || errno == EINPROGRESS);
	e.events = EPOLLOUT;
	e.data.u32 = 2;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, c, &e) == 0);
	int saw_listener = 0, saw_client = 0;
	for (int round = 0; round < 10 && !(saw_listener && saw_client); round++) {
		int n = epoll_wait(ep, got, 4, 5000);
		CHECK(n > 0);
		for (int i = 0; i < n; i++) {
			if (got[i].data.u32 == 1 && got[i].events == EPOLLIN)
				saw_listener = 1;
			if (got[i].data.u32 == 2 && got[i].events == EPOLLOUT)
				saw_client = 1;
		}
		if (n <= 0)
			break;
	}
	CHECK(saw_listener);
	CHECK(saw_client);
	int err = -1;
	len = sizeof err;
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	CHECK_INT(err, 0);
	CHECK_INT(len, sizeof(int));
	/* Linux: the first connect after completion reports it (0), later ones EISCONN */
	CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof a), EISCONN);

	T_CASE("accept4");
	struct sockaddr_in peer;
	len = sizeof peer;
	int s = accept4(ls, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(s >= 0);
	CHECK(len == sizeof peer && peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	CHECK((fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
	CHECK((fcntl(s, F_GETFD) & FD_CLOEXEC) != 0);
	CHECK_ERR(accept(ls, NULL, NULL), EAGAIN);
	CHECK_INT(epoll_wait(ep, got, 4, 0), 1);
	CHECK(got[0].data.u32 == 2);

	T_CASE("data through readiness");
	char buf[64];
	CHECK_ERR(read(s, buf, sizeof buf), EAGAIN);
	e.events = EPOLLIN;
	e.data.u32 = 3;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &e) == 0);
	e.events = EPOLLIN;
	e.data.u32 = 2;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, c, &e) == 0);
	CHECK_INT(epoll_wait(ep, got, 4, 0), 0);
	CHECK_INT(write(c, "hello", 5), 5);
	CHECK_INT(epoll_wait(ep, got, 4, 5000), 1);
	CHECK(got[0].data.u32 == 3 && got[0].events == EPOLLIN);
	CHECK_INT(read(s, buf, sizeof buf), 5);
	CHECK_INT(epoll_wait(ep, got, 4, 0), 0);
	CHECK_INT(write(s, "world!", 6), 6);
	CHECK_INT(epoll_wait(ep, got, 4, 5000), 1);
	CHECK(got[0].data.u32 == 2 && got[0].events == EPOLLIN);
	CHECK_INT(read(c, buf, sizeof buf), 6);
	CHECK(memcmp(buf, "world!", 6) == 0);
	close(s);
	close(c);
	close(ls);
	close(ep);
	return T_DONE();
}
