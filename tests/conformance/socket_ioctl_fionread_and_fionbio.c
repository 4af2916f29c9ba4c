// ioctl on sockets: FIONREAD counts the queued bytes of a TCP stream (0
// when empty) and the size of the next datagram of a UDP socket; FIONBIO
// switches non-blocking mode on (recv and accept give EAGAIN, F_GETFL
// shows O_NONBLOCK) and off again.
#include <fcntl.h>
#include <sys/ioctl.h>
#include "../conformance/tnet.h"

static int pending(int fd)
{
	int n = -1;
	return ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

int main(void)
{
	T_CASE("FIONREAD on TCP");
	int c = -1, s = -1;
	CHECK(tn_accepted_pair(&c, &s) == 0);
	CHECK_INT(pending(s), 0);
	CHECK_INT(write(c, "0123456789", 10), 10);
	CHECK_INT(write(c, "abc", 3), 3);
	struct pollfd p = {.fd = s, .events = POLLIN};
	CHECK_INT(poll(&p, 1, 5000), 1);
	usleep(50000);
	CHECK_INT(pending(s), 13);
	char buf[16];
	CHECK_INT(recv(s, buf, 4, 0), 4);
	CHECK_INT(pending(s), 9);
	CHECK_INT(tn_read_all(s, buf, 9), 9);
	CHECK_INT(pending(s), 0);

	T_CASE("FIONBIO");
	int on = 1, off = 0;
	CHECK(ioctl(s, FIONBIO, &on) == 0);
	CHECK((fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
	CHECK_ERR(recv(s, buf, sizeof buf, 0), EAGAIN);
	CHECK_ERR(read(s, buf, sizeof buf), EAGAIN);
	CHECK(ioctl(s, FIONBIO, &off) == 0);
	CHECK((fcntl(s, F_GETFL) & O_NONBLOCK) == 0);
	CHECK_INT(write(c, "x", 1), 1);
	CHECK_INT(recv(s, buf, sizeof buf, 0), 1);
	struct sockaddr_in a;
	int ls = tn_listen4(&a);
	CHECK(ioctl(ls, FIONBIO, &on) == 0);
	CHECK_ERR(accept(ls, NULL, NULL), EAGAIN);
	close(ls);
	close(c);
	close(s);

	T_CASE("FIONREAD on UDP");
	struct sockaddr_in ua, ub;
	int u1 = tn_udp4(&ua), u2 = tn_udp4(&ub);
	CHECK_INT(pending(u2), 0);
	CHECK_INT(sendto(u1, "twelve bytes", 12, 0, (struct sockaddr *)&ub, sizeof ub), 12);
	CHECK_INT(sendto(u1, "four", 4, 0, (struct sockaddr *)&ub, sizeof ub), 4);
	p.fd = u2;
	CHECK_INT(poll(&p, 1, 5000), 1);
	usleep(50000);
	CHECK_INT(pending(u2), 12);
	CHECK_INT(recv(u2, buf, sizeof buf, 0), 12);
	CHECK_INT(pending(u2), 4);
	CHECK_INT(recv(u2, buf, sizeof buf, 0), 4);
	CHECK_INT(pending(u2), 0);
	close(u1);
	close(u2);
	return T_DONE();
}
