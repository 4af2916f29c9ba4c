// AF_UNIX socketpair: a stream pair carries 256 KiB each way with a
// thread (every byte checked), shutdown gives EOF, close gives EPIPE (with
// MSG_NOSIGNAL); a datagram pair keeps boundaries and truncates long
// datagrams; SOCK_NONBLOCK/SOCK_CLOEXEC apply to both ends; SO_TYPE and
// names (AF_UNIX, unnamed) are reported; AF_INET pairs give EOPNOTSUPP.
#include <fcntl.h>
#include <pthread.h>
#include <sys/un.h>
#include "../conformance/tnet.h"

#define BIG (256 * 1024)

static int sv[2];

static void *reader(void *arg)
{
	(void)arg;
	static unsigned char in[BIG];
	if (tn_read_all(sv[1], in, BIG) != BIG || tn_check(in, BIG, 0, 3) != -1)
		return (void *)-1L;
	tn_fill(in, BIG, 0, 4);
	if (tn_write_all(sv[1], in, BIG) != BIG)
		return (void *)-2L;
	return NULL;
}

int main(void)
{
	T_CASE("stream");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	CHECK((fcntl(sv[0], F_GETFD) & FD_CLOEXEC) && (fcntl(sv[1], F_GETFD) & FD_CLOEXEC));
	int ty = -1;
	socklen_t len = sizeof ty;
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &ty, &len) == 0 && ty == SOCK_STREAM);
	struct sockaddr_un n;
	len = sizeof n;
	CHECK(getsockname(sv[0], (struct sockaddr *)&n, &len) == 0);
	CHECK(len == sizeof(sa_family_t) && n.sun_family == AF_UNIX);
	len = sizeof n;
	CHECK(getpeername(sv[0], (struct sockaddr *)&n, &len) == 0);
	CHECK(len == sizeof(sa_family_t));
	pthread_t t;
	CHECK(pthread_create(&t, NULL, reader, NULL) == 0);
	static unsigned char out[BIG];
	tn_fill(out, BIG, 0, 3);
	CHECK_INT(tn_write_all(sv[0], out, BIG), BIG);
	CHECK_INT(tn_read_all(sv[0], out, BIG), BIG);
	CHECK_INT(tn_check(out, BIG, 0, 4), -1);
	void *res;
	CHECK(pthread_join(t, &res) == 0 && res == NULL);
	CHECK(shutdown(sv[0], SHUT_WR) == 0);
	char b[8];
	CHECK_INT(read(sv[1], b, sizeof b), 0);
	CHECK_INT(write(sv[1], "back", 4), 4);
	CHECK_INT(read(sv[0], b, sizeof b), 4);
	close(sv[1]);
	CHECK_INT(read(sv[0], b, sizeof b), 0);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[0]);

	T_CASE("dgram");
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) == 0);
	CHECK((fcntl(sv[0], F_GETFL) & O_NONBLOCK) && (fcntl(sv[1], F_GETFL) & O_NONBLOCK));
	len = sizeof ty;
	CHECK(getsockopt(sv[1], SOL_SOCKET, SO_TYPE, &ty, &len) == 0 && ty == SOCK_DGRAM);
	CHECK_ERR(recv(sv[1], b, sizeof b, 0), EAGAIN);
	CHECK_INT(send(sv[0], "alpha", 5, 0), 5);
	CHECK_INT(send(sv[0], "be", 2, 0), 2);
	CHECK_INT(send(sv[0], "", 0, 0), 0);
	CHECK_INT(send(sv[0], "gamma-long", 10, 0), 10);
	CHECK_INT(recv(sv[1], b, sizeof b, 0), 5);
	CHECK_INT(recv(sv[1], b, sizeof b, MSG_PEEK), 2);
	CHECK_INT(recv(sv[1], b, sizeof b, 0), 2);
	CHECK_INT(recv(sv[1], b, sizeof b, 0), 0);
	struct iovec iov = {b, 4};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK_INT(recvmsg(sv[1], &m, 0), 4);
	CHECK((m.msg_flags & MSG_TRUNC) != 0);
	CHECK(memcmp(b, "gamm", 4) == 0);
	CHECK_ERR(recv(sv[1], b, sizeof b, 0), EAGAIN);
	CHECK_INT(send(sv[1], "reply", 5, 0), 5);
	CHECK_INT(recv(sv[0], b, sizeof b, 0), 5);
	close(sv[0]);
	CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), ECONNREFUSED);
	close(sv[1]);

	T_CASE("errors");
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, IPPROTO_TCP, sv), EPROTONOSUPPORT);
	return T_DONE();
}
