// poll and epoll report exactly what Linux does on TCP sockets at each
// state: a fresh socket, a listener without and with a pending connection,
// an idle connection, data queued, the peer's SHUT_WR, both directions
// shut, and a connection reset by the peer.
#include "../conformance/tnet.h"

static void both(const char *state, int fd)
{
	short pr = tn_poll(fd, 0);
	uint32_t er = tn_epoll(fd, 0);
	T_SAY("%s: poll %s", state, tn_poll_bits(pr));
	T_SAY("%s: epoll %s", state, tn_epoll_bits(er));
}

int main(void)
{
	int fresh = socket(AF_INET, SOCK_STREAM, 0);
	both("fresh socket", fresh);
	close(fresh);

	struct sockaddr_in a;
	int ls = tn_listen4(&a);
	both("listener idle", ls);
	int c = tn_connect4(&a);
	CHECK(c >= 0);
	struct pollfd p = {.fd = ls, .events = POLLIN};
	CHECK_INT(poll(&p, 1, 5000), 1);
	both("listener with a pending connection", ls);
	int s = accept(ls, NULL, NULL);
	CHECK(s >= 0);
	both("listener after accept", ls);
	both("connected idle", c);

	CHECK_INT(write(s, "data", 4), 4);
	p.fd = c;
	CHECK_INT(poll(&p, 1, 5000), 1);
	both("data queued", c);
	char buf[16];
	CHECK_INT(read(c, buf, sizeof buf), 4);
	both("data read", c);

	CHECK(shutdown(s, SHUT_WR) == 0);
	CHECK_INT(poll(&p, 1, 5000), 1);
	both("peer shut its write side", c);
	both("after SHUT_WR", s);
	CHECK(shutdown(c, SHUT_WR) == 0);
	p.fd = s;
	CHECK_INT(poll(&p, 1, 5000), 1);
	both("both shut (first)", s);
	both("both shut (second)", c);
	close(s);
	close(c);

	CHECK(tn_accepted_pair(&c, &s) == 0);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
	close(s);
	p.fd = c;
	CHECK_INT(poll(&p, 1, 5000), 1);
	both("reset by peer", c);
	int err = -1;
	socklen_t len = sizeof err;
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	CHECK_INT(err, ECONNRESET);
	both("reset, error taken", c);
	close(c);
	close(ls);
	return T_DONE();
}
