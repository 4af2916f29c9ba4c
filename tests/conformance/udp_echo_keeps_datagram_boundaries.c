// UDP over 127.0.0.1: an echo thread returns each datagram to its sender;
// sizes 0, 1, 1472 and 8000 come back whole and in order, one per recv;
// MSG_PEEK leaves the datagram queued; a short buffer truncates (the rest
// is discarded) and MSG_TRUNC makes recv return the real length and
// recvmsg set MSG_TRUNC in msg_flags; FIONREAD gives the next datagram's size.
#include <pthread.h>
#include <sys/ioctl.h>
#include "../conformance/tnet.h"

static int server_fd;

/* Echoes datagrams until it receives the one-byte datagram "q". */
static void *echo(void *arg)
{
	(void)arg;
	static char buf[65536];
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof from;
		ssize_t r = recvfrom(server_fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
		if (r < 0)
			return (void *)-1L;
		if (r == 1 && buf[0] == 'q')
			return NULL;
		if (sendto(server_fd, buf, (size_t)r, 0, (struct sockaddr *)&from, len) != r)
			return (void *)-1L;
	}
}

int main(void)
{
	struct sockaddr_in sa, ca;
	server_fd = tn_udp4(&sa);
	int c = tn_udp4(&ca);
	CHECK(server_fd >= 0 && c >= 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, echo, NULL) == 0);

	T_CASE("echo sizes");
	static unsigned char out[8000], in[9000];
	static const size_t sizes[] = {0, 1, 1472, 8000};
	for (unsigned i = 0; i < 4; i++) {
		tn_fill(out, sizes[i], 0, i);
		CHECK_INT(sendto(c, out, sizes[i], 0, (struct sockaddr *)&sa, sizeof sa), (long)sizes[i]);
	}
	for (unsigned i = 0; i < 4; i++) {
		struct sockaddr_in from;
		socklen_t len = sizeof from;
		ssize_t r = recvfrom(c, in, sizeof in, 0, (struct sockaddr *)&from, &len);
		CHECK_INT(r, (long)sizes[i]);
		CHECK_INT(tn_check(in, sizes[i], 0, i), -1);
		CHECK(len == sizeof from && from.sin_port == sa.sin_port && from.sin_addr.s_addr == sa.sin_addr.s_addr);
	}

	T_CASE("connected socket, peek and truncation");
	CHECK(connect(c, (struct sockaddr *)&sa, sizeof sa) == 0);
	CHECK_INT(send(c, "first datagram", 14, 0), 14);
	CHECK_INT(send(c, "second", 6, 0), 6);
	struct pollfd p = {.fd = c, .events = POLLIN};
	CHECK_INT(poll(&p, 1, 5000), 1);
	usleep(100000); /* let the second echo arrive as well */
	int avail = -1;
	CHECK(ioctl(c, FIONREAD, &avail) == 0);
	CHECK_INT(avail, 14);
	char small[6];
	CHECK_INT(recv(c, small, 5, MSG_PEEK), 5);
	CHECK(memcmp(small, "first", 5) == 0);
	CHECK_INT(recv(c, small, 5, MSG_PEEK | MSG_TRUNC), 14);
	CHECK_INT(recv(c, small, 5, 0), 5);
	CHECK(memcmp(small, "first", 5) == 0);
	/* the rest of "first datagram" is gone: the next recv is "second" */
	struct iovec iov = {.iov_base = small, .iov_len = 3};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK_INT(recvmsg(c, &m, 0), 3);
	CHECK((m.msg_flags & MSG_TRUNC) != 0);
	CHECK(memcmp(small, "sec", 3) == 0);
	CHECK_ERR(recv(c, small, 5, MSG_DONTWAIT), EAGAIN);
	CHECK_INT(send(c, "abcdef", 6, 0), 6);
	CHECK_INT(poll(&p, 1, 5000), 1);
	CHECK_INT(recv(c, small, 2, MSG_TRUNC), 6);
	CHECK(memcmp(small, "ab", 2) == 0);

	T_CASE("zero-length datagram is a datagram");
	CHECK_INT(send(c, "", 0, 0), 0);
	CHECK_INT(poll(&p, 1, 5000), 1);
	CHECK_INT(recv(c, small, sizeof small, 0), 0);

	CHECK_INT(send(c, "q", 1, 0), 1);
	void *res;
	CHECK(pthread_join(t, &res) == 0 && res == NULL);
	close(c);
	close(server_fd);
	return T_DONE();
}
