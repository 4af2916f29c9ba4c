// TCP and UDP over ::1: bind port 0, getsockname/getpeername give
// AF_INET6 names of the right length with ::1, data echoes both ways,
// IPV6_V6ONLY round-trips, and a v6 socket connects to a v4-mapped
// 127.0.0.1 listener unless it is V6ONLY (then ENETUNREACH).
#include <netinet/in.h>
#include "../conformance/tnet.h"

int main(void)
{
	T_CASE("TCP over ::1");
	int ls = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(ls >= 0);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	CHECK(bind(ls, (struct sockaddr *)&a, sizeof a) == 0);
	socklen_t len = sizeof a;
	CHECK(getsockname(ls, (struct sockaddr *)&a, &len) == 0);
	CHECK_INT(len, sizeof(struct sockaddr_in6));
	CHECK(a.sin6_family == AF_INET6 && ntohs(a.sin6_port) != 0 && IN6_IS_ADDR_LOOPBACK(&a.sin6_addr));
	CHECK(listen(ls, 4) == 0);
	int c = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0);
	struct sockaddr_in6 peer, local;
	len = sizeof peer;
	int s = accept(ls, (struct sockaddr *)&peer, &len);
	CHECK(s >= 0);
	CHECK(len == sizeof peer && peer.sin6_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&peer.sin6_addr));
	len = sizeof local;
	CHECK(getsockname(c, (struct sockaddr *)&local, &len) == 0);
	CHECK(local.sin6_port == peer.sin6_port);
	len = sizeof peer;
	CHECK(getpeername(c, (struct sockaddr *)&peer, &len) == 0);
	CHECK(peer.sin6_port == a.sin6_port);
	static unsigned char buf[200000];
	tn_fill(buf, sizeof buf, 0, 6);
	CHECK_INT(tn_write_all(c, buf, 100000), 100000);
	memset(buf, 0, sizeof buf);
	CHECK_INT(tn_read_all(s, buf, 100000), 100000);
	CHECK_INT(tn_check(buf, 100000, 0, 6), -1);
	CHECK_INT(tn_write_all(s, "six", 3), 3);
	CHECK_INT(tn_read_all(c, buf, 3), 3);
	close(s);
	close(c);
	close(ls);

	T_CASE("UDP over ::1");
	int u1 = socket(AF_INET6, SOCK_DGRAM, 0), u2 = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 b = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	CHECK(bind(u2, (struct sockaddr *)&b, sizeof b) == 0);
	len = sizeof b;
	CHECK(getsockname(u2, (struct sockaddr *)&b, &len) == 0);
	CHECK_INT(sendto(u1, "v6 datagram", 11, 0, (struct sockaddr *)&b, sizeof b), 11);
	struct sockaddr_in6 from;
	len = sizeof from;
	char d[32];
	CHECK_INT(recvfrom(u2, d, sizeof d, 0, (struct sockaddr *)&from, &len), 11);
	CHECK(len == sizeof from && IN6_IS_ADDR_LOOPBACK(&from.sin6_addr) && ntohs(from.sin6_port) != 0);
	close(u1);
	close(u2);

	T_CASE("IPV6_V6ONLY and v4-mapped addresses");
	int v = socket(AF_INET6, SOCK_STREAM, 0);
	int on = 1, val = -1;
	len = sizeof val;
	CHECK(getsockopt(v, IPPROTO_IPV6, IPV6_V6ONLY, &val, &len) == 0);
	CHECK_INT(val, 0);
	CHECK(setsockopt(v, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) == 0);
	CHECK(getsockopt(v, IPPROTO_IPV6, IPV6_V6ONLY, &val, &len) == 0);
	CHECK_INT(val, 1);
	struct sockaddr_in a4;
	int l4 = tn_listen4(&a4);
	struct sockaddr_in6 mapped = {.sin6_family = AF_INET6, .sin6_port = a4.sin_port};
	mapped.sin6_addr.s6_addr[10] = 0xff;
	mapped.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&mapped.sin6_addr.s6_addr[12], &a4.sin_addr, 4);
	CHECK_ERR(connect(v, (struct sockaddr *)&mapped, sizeof mapped), ENETUNREACH);
	close(v);
	v = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(connect(v, (struct sockaddr *)&mapped, sizeof mapped) == 0);
	close(v);
	close(l4);
	int v4 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(connect(v4, (struct sockaddr *)&a, sizeof a), EAFNOSUPPORT);
	close(v4);
	return T_DONE();
}
