// AF_UNIX sockets on /tmp paths: bind creates a socket file (S_ISSOCK),
// binding it again gives EADDRINUSE, listen/connect/accept carry data,
// getsockname/getpeername report the path, connecting to a missing path
// gives ENOENT and to a non-socket ECONNREFUSED, unlink removes the name
// (new connects fail, the existing connection lives on) and the path can
// be bound again; datagram sockets send to a path with sendto.
#include <stdlib.h>
#include <sys/stat.h>
#include <stddef.h>
#include <sys/un.h>
#include <fcntl.h>
#include "../conformance/tnet.h"

static socklen_t path_addr(struct sockaddr_un *a, const char *p)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, p);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(p) + 1);
}

int main(void)
{
	char path[64], path2[64], plain[64];
	snprintf(path, sizeof path, "/tmp/rr-conf-unix-%d", getpid());
	snprintf(path2, sizeof path2, "/tmp/rr-conf-unix-%d-dg", getpid());
	snprintf(plain, sizeof plain, "/tmp/rr-conf-unix-%d-file", getpid());
	unlink(path);
	unlink(path2);
	unlink(plain);

	T_CASE("stream on a path");
	struct sockaddr_un a;
	socklen_t alen = path_addr(&a, path);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(ls, (struct sockaddr *)&a, alen) == 0);
	struct stat st;
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	int dup = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(bind(dup, (struct sockaddr *)&a, alen), EADDRINUSE);
	CHECK(listen(ls, 4) == 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a, alen) == 0);
	struct sockaddr_un n;
	socklen_t len = sizeof n;
	int s = accept(ls, (struct sockaddr *)&n, &len);
	CHECK(s >= 0);
	CHECK(len == sizeof(sa_family_t) && n.sun_family == AF_UNIX);
	len = sizeof n;
	CHECK(getsockname(ls, (struct sockaddr *)&n, &len) == 0);
	CHECK(len == alen && strcmp(n.sun_path, path) == 0);
	len = sizeof n;
	CHECK(getpeername(c, (struct sockaddr *)&n, &len) == 0);
	CHECK(len == alen && strcmp(n.sun_path, path) == 0);
	len = sizeof n;
	CHECK(getsockname(s, (struct sockaddr *)&n, &len) == 0);
	CHECK(len == alen && strcmp(n.sun_path, path) == 0);
	CHECK_INT(write(c, "over a path", 11), 11);
	char b[32];
	CHECK_INT(tn_read_all(s, b, 11), 11);
	CHECK(memcmp(b, "over a path", 11) == 0);

	T_CASE("unlink");
	CHECK(unlink(path) == 0);
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(connect(c2, (struct sockaddr *)&a, alen), ENOENT);
	CHECK_INT(write(s, "still here", 10), 10);
	CHECK_INT(tn_read_all(c, b, 10), 10);
	CHECK(bind(dup, (struct sockaddr *)&a, alen) == 0);
	CHECK(listen(dup, 1) == 0);
	CHECK(connect(c2, (struct sockaddr *)&a, alen) == 0);
	int s2 = accept(dup, NULL, NULL);
	CHECK(s2 >= 0);
	CHECK_INT(write(c2, "new", 3), 3);
	CHECK_INT(tn_read_all(s2, b, 3), 3);
	close(s2);
	close(c2);
	close(dup);
	close(s);
	close(c);
	close(ls);
	CHECK(unlink(path) == 0);

	T_CASE("errors");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, alen), ENOENT);
	int f = open(plain, O_CREAT | O_WRONLY, 0600);
	CHECK(f >= 0);
	close(f);
	struct sockaddr_un pa;
	socklen_t palen = path_addr(&pa, plain);
	CHECK_ERR(connect(c, (struct sockaddr *)&pa, palen), ECONNREFUSED);
	CHECK_ERR(bind(c, (struct sockaddr *)&pa, palen), EADDRINUSE);
	struct sockaddr_un na;
	socklen_t nalen = path_addr(&na, "/tmp/no-such-dir-rr/sock");
	CHECK_ERR(bind(c, (struct sockaddr *)&na, nalen), ENOENT);
	close(c);
	unlink(plain);

	T_CASE("datagrams to a path");
	struct sockaddr_un da;
	socklen_t dalen = path_addr(&da, path2);
	int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(d2, (struct sockaddr *)&da, dalen) == 0);
	CHECK_INT(sendto(d1, "dgram one", 9, 0, (struct sockaddr *)&da, dalen), 9);
	CHECK_INT(sendto(d1, "two", 3, 0, (struct sockaddr *)&da, dalen), 3);
	len = sizeof n;
	CHECK_INT(recvfrom(d2, b, sizeof b, 0, (struct sockaddr *)&n, &len), 9);
	CHECK_INT(len, 0);
	CHECK_INT(recv(d2, b, sizeof b, 0), 3);
	close(d1);
	close(d2);
	CHECK(unlink(path2) == 0);
	return T_DONE();
}
