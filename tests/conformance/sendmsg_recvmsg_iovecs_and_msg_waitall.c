// sendmsg/recvmsg scatter and gather: TCP data from three iovecs lands in
// two, MSG_WAITALL waits for a writer thread's slow pieces and returns the
// whole count (or what came before EOF), UDP recvmsg fills msg_name and
// msg_namelen, sendmsg with msg_name on an unconnected UDP socket, and
// sendmsg without an address on one gives EDESTADDRREQ.
#include <pthread.h>
#include "../conformance/tnet.h"

static int slow_fd;

/* Writes 10 pieces of 1000 bytes with pauses, then shuts down. */
static void *slow_writer(void *arg)
{
	(void)arg;
	unsigned char piece[1000];
	for (int i = 0; i < 10; i++) {
		tn_fill(piece, sizeof piece, (size_t)i * 1000, 7);
		if (tn_write_all(slow_fd, piece, sizeof piece) != 1000)
			return (void *)-1L;
		usleep(20000);
	}
	CHECK_INT(tn_write_all(slow_fd, "tail", 4), 4);
	shutdown(slow_fd, SHUT_WR);
	return NULL;
}

int main(void)
{
	T_CASE("TCP gather and scatter");
	int c = -1, s = -1;
	CHECK(tn_accepted_pair(&c, &s) == 0);
	char a1[] = "one-", a2[] = "two-", a3[] = "three";
	struct iovec out[3] = {{a1, 4}, {a2, 4}, {a3, 5}};
	struct msghdr m = {.msg_iov = out, .msg_iovlen = 3};
	CHECK_INT(sendmsg(c, &m, 0), 13);
	char b1[6] = {0}, b2[16] = {0};
	struct iovec in[2] = {{b1, 6}, {b2, 7}};
	struct msghdr r = {.msg_iov = in, .msg_iovlen = 2};
	CHECK_INT(recvmsg(s, &r, MSG_WAITALL), 13);
	CHECK(memcmp(b1, "one-tw", 6) == 0 && memcmp(b2, "o-three", 7) == 0);
	CHECK_INT(r.msg_flags, 0);
	struct iovec none[1] = {{NULL, 0}};
	struct msghdr z = {.msg_iov = none, .msg_iovlen = 1};
	CHECK_INT(sendmsg(c, &z, 0), 0);

	T_CASE("MSG_WAITALL with a slow writer");
	slow_fd = s;
	pthread_t t;
	CHECK(pthread_create(&t, NULL, slow_writer, NULL) == 0);
	static unsigned char big[10000];
	CHECK_INT(recv(c, big, sizeof big, MSG_WAITALL), 10000);
	CHECK_INT(tn_check(big, sizeof big, 0, 7), -1);
	CHECK_INT(recv(c, big, 100, MSG_WAITALL), 4);
	CHECK(memcmp(big, "tail", 4) == 0);
	CHECK_INT(recv(c, big, 100, MSG_WAITALL), 0);
	void *res;
	CHECK(pthread_join(t, &res) == 0 && res == NULL);
	close(c);
	close(s);

	T_CASE("UDP names");
	struct sockaddr_in ua, ub;
	int u1 = tn_udp4(&ua), u2 = tn_udp4(&ub);
	struct iovec uo[2] = {{a1, 4}, {a3, 5}};
	struct msghdr um = {.msg_name = &ub, .msg_namelen = sizeof ub, .msg_iov = uo, .msg_iovlen = 2};
	CHECK_INT(sendmsg(u1, &um, 0), 9);
	struct sockaddr_in from;
	memset(&from, 0, sizeof from);
	char ubuf[32] = {0};
	struct iovec ui = {ubuf, sizeof ubuf};
	struct msghdr ur = {.msg_name = &from, .msg_namelen = sizeof from + 8, .msg_iov = &ui, .msg_iovlen = 1};
	CHECK_INT(recvmsg(u2, &ur, 0), 9);
	CHECK(memcmp(ubuf, "one-three", 9) == 0);
	CHECK_INT(ur.msg_namelen, sizeof from);
	CHECK(from.sin_family == AF_INET && from.sin_port == ua.sin_port);
	CHECK_INT(ur.msg_flags, 0);
	struct msghdr noaddr = {.msg_iov = uo, .msg_iovlen = 2};
	CHECK_ERR(sendmsg(u1, &noaddr, 0), EDESTADDRREQ);
	CHECK_ERR(send(u1, "x", 1, 0), EDESTADDRREQ);
	close(u1);
	close(u2);
	return T_DONE();
}
