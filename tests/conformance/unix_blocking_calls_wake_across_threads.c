// AF_UNIX blocking calls woken by another thread: accept by a connect,
// a connect to a full backlog by an accept, read by a write, a datagram
// send to a full receive queue by a recv, a stream write bigger than
// SO_SNDBUF by the reader, and epoll_wait on a listener by a connect.
#include <pthread.h>
#include <stddef.h>
#include <sys/un.h>
#include "../conformance/tnet.h"

static struct sockaddr_un addr;
static socklen_t alen;
static int lsock, dsock;

static void make_addr(const char *tag)
{
	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	int n = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "rr-conf-block-%s-%d", tag, getpid());
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void *late_connect(void *arg)
{
	(void)arg;
	usleep(50000);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&addr, alen) != 0)
		return (void *)-1L;
	if (write(c, "hi", 2) != 2)
		return (void *)-2L;
	return (void *)(long)c;
}

static void *late_accept(void *arg)
{
	(void)arg;
	usleep(50000);
	int s = accept(lsock, NULL, NULL);
	return (void *)(long)s;
}

static void *late_write(void *arg)
{
	usleep(50000);
	return (void *)(long)write(*(int *)arg, "late", 4);
}

static void *late_recv(void *arg)
{
	(void)arg;
	usleep(50000);
	char b[8];
	return (void *)(long)recv(dsock, b, sizeof b, 0);
}

#define BIG (1024 * 1024)
static void *drain(void *arg)
{
	static unsigned char in[BIG];
	usleep(20000);
	return (void *)tn_read_all(*(int *)arg, in, BIG);
}

int main(void)
{
	pthread_t t;
	void *res;

	T_CASE("accept waits for a connect");
	make_addr("acc");
	lsock = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(lsock, (struct sockaddr *)&addr, alen) == 0);
	CHECK(listen(lsock, 0) == 0);
	CHECK(pthread_create(&t, NULL, late_connect, NULL) == 0);
	int s = accept(lsock, NULL, NULL);
	CHECK(s >= 0);
	char b[16];
	CHECK_INT(tn_read_all(s, b, 2), 2);
	CHECK(pthread_join(t, &res) == 0 && (long)res >= 0);
	close((int)(long)res);
	close(s);

	T_CASE("connect waits for room in the backlog");
	int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c1, (struct sockaddr *)&addr, alen) == 0);
	CHECK(pthread_create(&t, NULL, late_accept, NULL) == 0);
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c2, (struct sockaddr *)&addr, alen) == 0);
	CHECK(pthread_join(t, &res) == 0 && (long)res >= 0);
	close((int)(long)res);
	s = accept(lsock, NULL, NULL);
	CHECK(s >= 0);
	CHECK_INT(write(c2, "second", 6), 6);
	CHECK_INT(tn_read_all(s, b, 6), 6);
	close(s);
	close(c1);
	close(c2);

	T_CASE("epoll on a listener");
	int ep = epoll_create1(0);
	struct epoll_event e = {.events = EPOLLIN, .data.fd = lsock};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, lsock, &e) == 0);
	CHECK(pthread_create(&t, NULL, late_connect, NULL) == 0);
	CHECK_INT(epoll_wait(ep, &e, 1, 5000), 1);
	T_SAY("listener epoll %s", tn_epoll_bits(e.events));
	CHECK(pthread_join(t, &res) == 0 && (long)res >= 0);
	s = accept(lsock, NULL, NULL);
	CHECK(s >= 0);
	close(s);
	close((int)(long)res);
	close(ep);
	close(lsock);

	T_CASE("read waits for a write");
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(pthread_create(&t, NULL, late_write, &sv[1]) == 0);
	CHECK_INT(read(sv[0], b, sizeof b), 4);
	CHECK(pthread_join(t, &res) == 0 && (long)res == 4);

	T_CASE("a write bigger than SO_SNDBUF waits for the reader");
	static unsigned char out[BIG];
	tn_fill(out, BIG, 0, 9);
	CHECK(pthread_create(&t, NULL, drain, &sv[1]) == 0);
	CHECK_INT(write(sv[0], out, BIG), BIG);
	CHECK(pthread_join(t, &res) == 0 && (long)res == BIG);
	close(sv[0]);
	close(sv[1]);

	T_CASE("a datagram send waits for room");
	make_addr("dg");
	dsock = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(dsock, (struct sockaddr *)&addr, alen) == 0);
	int snd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(connect(snd, (struct sockaddr *)&addr, alen) == 0);
	int queued = 0;
	while (send(snd, "d", 1, MSG_DONTWAIT) == 1 && queued < 1000)
		queued++;
	CHECK_INT(errno, EAGAIN);
	CHECK(pthread_create(&t, NULL, late_recv, NULL) == 0);
	CHECK_INT(send(snd, "w", 1, 0), 1);
	CHECK(pthread_join(t, &res) == 0 && (long)res == 1);
	close(snd);
	close(dsock);
	return T_DONE();
}
