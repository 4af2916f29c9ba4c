// setsockopt/getsockopt round trips as Linux reports them: SO_TYPE,
// SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN, SO_REUSEADDR, SO_KEEPALIVE,
// SO_RCVBUF/SO_SNDBUF (Linux doubles the value set), SO_LINGER,
// TCP_NODELAY, TCP_KEEPIDLE/INTVL/CNT, SO_RCVTIMEO (recv gives EAGAIN after
// the timeout), bad levels and names (ENOPROTOOPT), short option lengths.
#include <netinet/tcp.h>
#include <sys/time.h>
#include <time.h>
#include "../conformance/tnet.h"

static int get_int(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof v;
	if (getsockopt(fd, level, name, &v, &len) || len != sizeof v)
		return -12345;
	return v;
}

static int set_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof v);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
	T_CASE("types");
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK_INT(get_int(t, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
	CHECK_INT(get_int(u, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	CHECK_INT(get_int(t, SOL_SOCKET, SO_DOMAIN), AF_INET);
	CHECK_INT(get_int(t, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
	CHECK_INT(get_int(u, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDP);
	CHECK_INT(get_int(t, SOL_SOCKET, SO_ACCEPTCONN), 0);
	CHECK_INT(get_int(t, SOL_SOCKET, SO_ERROR), 0);
	CHECK_ERR(set_int(t, SOL_SOCKET, SO_TYPE, SOCK_DGRAM), ENOPROTOOPT);

	T_CASE("flags");
	static const int flags[] = {SO_REUSEADDR, SO_KEEPALIVE, SO_REUSEPORT};
	static const char *const fnames[] = {"SO_REUSEADDR", "SO_KEEPALIVE", "SO_REUSEPORT"};
	for (int i = 0; i < 3; i++) {
		T_SAY("%s", fnames[i]);
		CHECK_INT(get_int(t, SOL_SOCKET, flags[i]), 0);
		CHECK(set_int(t, SOL_SOCKET, flags[i], 7) == 0);
		CHECK_INT(get_int(t, SOL_SOCKET, flags[i]), 1);
		CHECK(set_int(t, SOL_SOCKET, flags[i], 0) == 0);
		CHECK_INT(get_int(t, SOL_SOCKET, flags[i]), 0);
	}
	CHECK_INT(get_int(t, IPPROTO_TCP, TCP_NODELAY), 0);
	CHECK(set_int(t, IPPROTO_TCP, TCP_NODELAY, 1) == 0);
	CHECK_INT(get_int(t, IPPROTO_TCP, TCP_NODELAY), 1);
	CHECK(set_int(t, IPPROTO_TCP, TCP_KEEPIDLE, 30) == 0);
	CHECK_INT(get_int(t, IPPROTO_TCP, TCP_KEEPIDLE), 30);
	CHECK(set_int(t, IPPROTO_TCP, TCP_KEEPINTVL, 5) == 0);
	CHECK_INT(get_int(t, IPPROTO_TCP, TCP_KEEPINTVL), 5);
	CHECK(set_int(t, IPPROTO_TCP, TCP_KEEPCNT, 4) == 0);
	CHECK_INT(get_int(t, IPPROTO_TCP, TCP_KEEPCNT), 4);
	CHECK_ERR(set_int(t, IPPROTO_TCP, TCP_KEEPIDLE, 0), EINVAL);
	CHECK(set_int(t, IPPROTO_TCP, TCP_DEFER_ACCEPT, 1) == 0);
	CHECK(set_int(t, IPPROTO_TCP, TCP_FASTOPEN, 16) == 0);
	CHECK_ERR(set_int(u, IPPROTO_TCP, TCP_NODELAY, 1), ENOPROTOOPT);

	T_CASE("buffer sizes are doubled");
	CHECK(set_int(t, SOL_SOCKET, SO_RCVBUF, 65536) == 0);
	CHECK_INT(get_int(t, SOL_SOCKET, SO_RCVBUF), 131072);
	CHECK(set_int(t, SOL_SOCKET, SO_SNDBUF, 32768) == 0);
	CHECK_INT(get_int(t, SOL_SOCKET, SO_SNDBUF), 65536);
	CHECK(set_int(u, SOL_SOCKET, SO_RCVBUF, 100000) == 0);
	CHECK_INT(get_int(u, SOL_SOCKET, SO_RCVBUF), 200000);

	T_CASE("linger");
	struct linger lg = {.l_onoff = 1, .l_linger = 5}, lg2 = {9, 9};
	socklen_t len = sizeof lg2;
	CHECK(getsockopt(t, SOL_SOCKET, SO_LINGER, &lg2, &len) == 0);
	CHECK(len == sizeof lg2 && lg2.l_onoff == 0 && lg2.l_linger == 0);
	CHECK(setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
	len = sizeof lg2;
	CHECK(getsockopt(t, SOL_SOCKET, SO_LINGER, &lg2, &len) == 0);
	CHECK(lg2.l_onoff == 1 && lg2.l_linger == 5);
	CHECK_ERR(setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, 4), EINVAL);

	T_CASE("errors");
	int v = 1;
	CHECK_ERR(setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &v, 2), EINVAL);
	CHECK_ERR(setsockopt(t, SOL_SOCKET, 9999, &v, sizeof v), ENOPROTOOPT);
	CHECK_ERR(setsockopt(t, IPPROTO_TCP, 9999, &v, sizeof v), ENOPROTOOPT);
	len = sizeof v;
	CHECK_ERR(getsockopt(t, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
	CHECK_ERR(setsockopt(0, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v), ENOTSOCK);
	CHECK_ERR(getsockopt(t, SOL_SOCKET, SO_TYPE, NULL, &len), EFAULT);

	T_CASE("listener");
	struct sockaddr_in a;
	int ls = tn_listen4(&a);
	CHECK_INT(get_int(ls, SOL_SOCKET, SO_ACCEPTCONN), 1);

	T_CASE("SO_RCVTIMEO");
	int c = tn_connect4(&a);
	CHECK(c >= 0);
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000}, tv2;
	CHECK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
	len = sizeof tv2;
	CHECK(getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len) == 0);
	CHECK(len == sizeof tv2 && tv2.tv_sec == 0 && tv2.tv_usec == 200000);
	char buf[4];
	double t0 = now();
	CHECK_ERR(recv(c, buf, sizeof buf, 0), EAGAIN);
	double waited = now() - t0;
	CHECK(waited >= 0.15);
	CHECK(waited < 5.0);
	CHECK(setsockopt(ls, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
	int s = accept(ls, NULL, NULL);
	CHECK(s >= 0);
	t0 = now();
	CHECK_ERR(accept(ls, NULL, NULL), EAGAIN);
	CHECK(now() - t0 >= 0.15);
	tv.tv_usec = 1000000;
	CHECK_ERR(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), EDOM);
	tv.tv_usec = 100000;
	CHECK(setsockopt(u, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
	len = sizeof tv2;
	CHECK(getsockopt(u, SOL_SOCKET, SO_SNDTIMEO, &tv2, &len) == 0);
	CHECK(tv2.tv_sec == 0 && tv2.tv_usec == 100000);
	close(s);
	close(c);
	close(ls);
	close(t);
	close(u);
	return T_DONE();
}
