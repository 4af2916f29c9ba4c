// AF_UNIX abstract names (sun_path[0] == 0): bind, listen, connect and
// accept work without a file, getsockname reports the exact name and
// length, a second bind gives EADDRINUSE, closing the listener frees the
// name (connect then ECONNREFUSED) and it can be bound again; autobind
// (an address of just the family) gives a 5-hex-digit abstract name.
#include <stddef.h>
#include <sys/un.h>
#include "../conformance/tnet.h"

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	size_t n = strlen(name);
	memcpy(a->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int main(void)
{
	char name[64];
	snprintf(name, sizeof name, "rr-conformance-abstract-%d", getpid());
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, name);

	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(ls, (struct sockaddr *)&a, alen) == 0);
	CHECK(listen(ls, 2) == 0);
	int other = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(bind(other, (struct sockaddr *)&a, alen), EADDRINUSE);
	struct sockaddr_un n;
	socklen_t len = sizeof n;
	CHECK(getsockname(ls, (struct sockaddr *)&n, &len) == 0);
	CHECK(len == alen && n.sun_path[0] == 0 && memcmp(n.sun_path + 1, name, strlen(name)) == 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a, alen) == 0);
	int s = accept(ls, NULL, NULL);
	CHECK(s >= 0);
	len = sizeof n;
	CHECK(getpeername(c, (struct sockaddr *)&n, &len) == 0);
	CHECK(len == alen);
	CHECK_INT(write(c, "abstract", 8), 8);
	char b[16];
	CHECK_INT(tn_read_all(s, b, 8), 8);
	CHECK(memcmp(b, "abstract", 8) == 0);
	/* a shorter name is a different name */
	struct sockaddr_un shorter = a;
	int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(connect(c3, (struct sockaddr *)&shorter, alen - 1), ECONNREFUSED);
	close(c3);
	close(s);
	close(c);
	close(ls);

	T_CASE("the name goes with the socket");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, alen), ECONNREFUSED);
	close(c);
	CHECK(bind(other, (struct sockaddr *)&a, alen) == 0);
	close(other);

	T_CASE("autobind");
	int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un fam = {.sun_family = AF_UNIX};
	CHECK(bind(ab, (struct sockaddr *)&fam, sizeof(sa_family_t)) == 0);
	len = sizeof n;
	CHECK(getsockname(ab, (struct sockaddr *)&n, &len) == 0);
	CHECK_INT(len, offsetof(struct sockaddr_un, sun_path) + 6);
	CHECK(n.sun_path[0] == 0);
	int hex = 1;
	for (int i = 1; i < 6; i++)
		hex &= (n.sun_path[i] >= '0' && n.sun_path[i] <= '9') || (n.sun_path[i] >= 'a' && n.sun_path[i] <= 'f');
	CHECK(hex);
	int snd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_INT(sendto(snd, "to autobound", 12, 0, (struct sockaddr *)&n, len), 12);
	CHECK_INT(recv(ab, b, sizeof b, 0), 12);
	close(snd);
	close(ab);
	return T_DONE();
}
