// Socket names and ports: an unbound socket's name is 0.0.0.0:0, bind to
// port 0 picks a port, getsockname/getpeername agree across a connection
// (getpeername ENOTCONN before), binding a port in use gives EADDRINUSE
// (with SO_REUSEADDR too while it listens), a second bind EINVAL, and
// after an active close SO_REUSEADDR lets a new listener take the port
// (TIME_WAIT); UDP ports conflict the same way unless both use SO_REUSEADDR.
#include "../conformance/tnet.h"

static int bind_to(int fd, const struct sockaddr_in *a)
{
	return bind(fd, (const struct sockaddr *)a, sizeof *a);
}

int main(void)
{
	T_CASE("unbound");
	int u = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in n;
	socklen_t len = sizeof n;
	memset(&n, 0xff, sizeof n);
	CHECK(getsockname(u, (struct sockaddr *)&n, &len) == 0);
	CHECK(len == sizeof n && n.sin_family == AF_INET && n.sin_port == 0 && n.sin_addr.s_addr == 0);
	len = sizeof n;
	CHECK_ERR(getpeername(u, (struct sockaddr *)&n, &len), ENOTCONN);
	CHECK_ERR(getsockname(u, (struct sockaddr *)&n, NULL), EFAULT);

	T_CASE("port 0 and connection names");
	int one = 1;
	/* before listen: accepted sockets (and their TIME_WAITs) inherit it */
	CHECK(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	CHECK(bind_to(u, &a) == 0);
	len = sizeof a;
	CHECK(getsockname(u, (struct sockaddr *)&a, &len) == 0);
	CHECK(ntohs(a.sin_port) != 0);
	CHECK_ERR(bind_to(u, &a), EINVAL);
	CHECK(listen(u, 4) == 0);
	int c = tn_connect4(&a);
	CHECK(c >= 0);
	struct sockaddr_in cl, cp, sl, sp;
	int s = accept(u, (struct sockaddr *)&sp, &len);
	CHECK(s >= 0);
	len = sizeof cl;
	CHECK(getsockname(c, (struct sockaddr *)&cl, &len) == 0);
	len = sizeof cp;
	CHECK(getpeername(c, (struct sockaddr *)&cp, &len) == 0);
	len = sizeof sl;
	CHECK(getsockname(s, (struct sockaddr *)&sl, &len) == 0);
	CHECK(cp.sin_port == a.sin_port && cp.sin_addr.s_addr == a.sin_addr.s_addr);
	CHECK(sl.sin_port == a.sin_port && sl.sin_addr.s_addr == a.sin_addr.s_addr);
	CHECK(sp.sin_port == cl.sin_port && sp.sin_addr.s_addr == cl.sin_addr.s_addr);
	CHECK(ntohs(cl.sin_port) != 0 && cl.sin_port != a.sin_port);
	struct sockaddr_in tiny;
	len = 4; /* truncated: the full length is reported */
	CHECK(getsockname(c, (struct sockaddr *)&tiny, &len) == 0);
	CHECK_INT(len, sizeof(struct sockaddr_in));

	T_CASE("EADDRINUSE");
	int d = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(bind_to(d, &a), EADDRINUSE);
	CHECK(setsockopt(d, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
	CHECK_ERR(bind_to(d, &a), EADDRINUSE);
	struct sockaddr_in any = a;
	any.sin_addr.s_addr = htonl(INADDR_ANY);
	CHECK_ERR(bind_to(d, &any), EADDRINUSE);
	close(d);

	T_CASE("TIME_WAIT and SO_REUSEADDR");
	/* the server side closes first, so the listener's port holds a TIME_WAIT */
	close(s);
	char buf[4];
	CHECK_INT(read(c, buf, sizeof buf), 0);
	close(c);
	close(u);
	usleep(50000);
	d = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(bind_to(d, &a), EADDRINUSE);
	CHECK(setsockopt(d, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
	CHECK(bind_to(d, &a) == 0);
	CHECK(listen(d, 1) == 0);
	close(d);

	T_CASE("UDP");
	struct sockaddr_in ua;
	int u1 = tn_udp4(&ua);
	int u2 = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK_ERR(bind_to(u2, &ua), EADDRINUSE);
	close(u1);
	CHECK(bind_to(u2, &ua) == 0);
	close(u2);
	u1 = socket(AF_INET, SOCK_DGRAM, 0);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(setsockopt(u1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
	CHECK(setsockopt(u2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
	CHECK(bind_to(u1, &ua) == 0);
	CHECK(bind_to(u2, &ua) == 0);
	close(u1);
	close(u2);

	T_CASE("bad addresses");
	int e = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in bad = a;
	bad.sin_family = AF_INET6;
	CHECK_ERR(bind(e, (struct sockaddr *)&bad, sizeof bad), EAFNOSUPPORT);
	CHECK_ERR(bind(e, (struct sockaddr *)&a, 4), EINVAL);
	bad = a;
	bad.sin_addr.s_addr = inet_addr("192.0.2.1"); /* not one of ours */
	CHECK_ERR(bind_to(e, &bad), EADDRNOTAVAIL);
	close(e);
	return T_DONE();
}
