// Checks TCP over loopback in one thread: a listener on 127.0.0.1 with an
// ephemeral port, a non-blocking connect (EINPROGRESS, then writable),
// accept, data both ways, shutdown giving EOF, and getsockname/getpeername
// agreeing.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(ls >= 0);
	int one = 1;
	CHECK(setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	CHECK(bind(ls, (struct sockaddr *)&a, sizeof a) == 0);
	CHECK(listen(ls, 4) == 0);
	socklen_t len = sizeof a;
	CHECK(getsockname(ls, (struct sockaddr *)&a, &len) == 0);
	CHECK(ntohs(a.sin_port) != 0);

	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(c >= 0);
	int r = connect(c, (struct sockaddr *)&a, sizeof a);
	CHECK(r == 0 || errno == EINPROGRESS);
	struct pollfd pl = {.fd = ls, .events = POLLIN};
	CHECK_INT(poll(&pl, 1, 5000), 1);
	int s = accept(ls, NULL, NULL);
	CHECK(s >= 0);
	struct pollfd pc = {.fd = c, .events = POLLOUT};
	CHECK_INT(poll(&pc, 1, 5000), 1);
	int err = -1;
	len = sizeof err;
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0);

	struct sockaddr_in peer, local;
	len = sizeof peer;
	CHECK(getpeername(s, (struct sockaddr *)&peer, &len) == 0);
	len = sizeof local;
	CHECK(getsockname(c, (struct sockaddr *)&local, &len) == 0);
	CHECK(peer.sin_port == local.sin_port && peer.sin_addr.s_addr == local.sin_addr.s_addr);

	CHECK_INT(send(c, "ping", 4, 0), 4);
	char buf[16] = {0};
	struct pollfd ps = {.fd = s, .events = POLLIN};
	CHECK_INT(poll(&ps, 1, 5000), 1);
	CHECK_INT(recv(s, buf, sizeof buf, 0), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	CHECK_INT(write(s, "pong!", 5), 5);
	pc.events = POLLIN;
	CHECK_INT(poll(&pc, 1, 5000), 1);
	CHECK_INT(read(c, buf, sizeof buf), 5);
	CHECK(memcmp(buf, "pong!", 5) == 0);
	CHECK(shutdown(c, SHUT_WR) == 0);
	CHECK_INT(poll(&ps, 1, 5000), 1);
	CHECK_INT(read(s, buf, sizeof buf), 0);
	CHECK_ERR(recv(c, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
	close(s);
	close(c);
	close(ls);
	return T_DONE();
}
