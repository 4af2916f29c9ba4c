// AF_UNIX corners: poll bits through a stream pair's life (unconnected
// OUT|HUP, SHUT_WR seen as RDHUP at the peer, HUP once both directions are
// shut, ERR and ECONNRESET when closed with unread data), a listener's IN
// for a pending connection, SOCK_SEQPACKET records and EOF, SO_PEERCRED
// and SO_ACCEPTCONN, a full backlog giving EAGAIN to a nonblocking connect,
// FIONREAD (bytes for a stream, next record for a datagram) and SIOCOUTQ,
// datagram queue limits, and a type mismatch (EPROTOTYPE on a path,
// ECONNREFUSED for an abstract name: those are looked up per type).
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/un.h>
#include "../conformance/tnet.h"

#ifndef SIOCOUTQ /* linux/sockios.h: TIOCOUTQ */
#define SIOCOUTQ 0x5411
#endif

static socklen_t abstract_addr(struct sockaddr_un *a, const char *tag)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "rr-conf-unix-%s-%d", tag, getpid());
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int main(void)
{
	int sv[2];
	char b[64];

	T_CASE("stream poll bits");
	int lone = socket(AF_UNIX, SOCK_STREAM, 0);
	T_SAY("unconnected %s", tn_poll_bits(tn_poll(lone, 0)));
	CHECK_ERR(recv(lone, b, sizeof b, MSG_DONTWAIT), EINVAL);
	CHECK_ERR(send(lone, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	close(lone);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	T_SAY("fresh %s", tn_poll_bits(tn_poll(sv[0], 0)));
	CHECK_INT(write(sv[0], "abc", 3), 3);
	T_SAY("data %s", tn_poll_bits(tn_poll(sv[1], 0)));
	int n = -1;
	CHECK(ioctl(sv[1], FIONREAD, &n) == 0);
	CHECK_INT(n, 3);
	CHECK(ioctl(sv[0], SIOCOUTQ, &n) == 0);
	CHECK(n > 0);
	CHECK_INT(read(sv[1], b, sizeof b), 3);
	CHECK(shutdown(sv[0], SHUT_WR) == 0);
	T_SAY("peer shut wr %s", tn_poll_bits(tn_poll(sv[1], 0)));
	T_SAY("self shut wr %s", tn_poll_bits(tn_poll(sv[0], 0)));
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(shutdown(sv[1], SHUT_WR) == 0);
	T_SAY("both shut %s", tn_poll_bits(tn_poll(sv[1], 0)));
	T_SAY("epoll both shut %s", tn_epoll_bits(tn_epoll(sv[0], 0)));
	close(sv[0]);
	close(sv[1]);

	T_CASE("close with unread data");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_INT(write(sv[0], "unread", 6), 6);
	close(sv[1]);
	T_SAY("reset %s", tn_poll_bits(tn_poll(sv[0], 0)));
	CHECK_ERR(read(sv[0], b, sizeof b), ECONNRESET);
	CHECK_INT(read(sv[0], b, sizeof b), 0);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[0]);

	T_CASE("seqpacket");
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	CHECK_INT(write(sv[0], "one", 3), 3);
	CHECK_INT(write(sv[0], "second", 6), 6);
	CHECK(ioctl(sv[1], FIONREAD, &n) == 0);
	CHECK_INT(n, 9); /* unix_inq_len: every record for SOCK_SEQPACKET */
	CHECK_INT(read(sv[1], b, sizeof b), 3);
	CHECK_INT(read(sv[1], b, 2), 2);
	CHECK_ERR(recv(sv[1], b, sizeof b, MSG_DONTWAIT), EAGAIN);
	close(sv[0]);
	T_SAY("seqpacket peer closed %s", tn_poll_bits(tn_poll(sv[1], 0)));
	CHECK_INT(recv(sv[1], b, sizeof b, MSG_DONTWAIT), 0);
	CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[1]);

	T_CASE("listener, peer credentials and backlog");
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "bl");
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(ls, (struct sockaddr *)&a, alen) == 0);
	CHECK(listen(ls, 1) == 0);
	int on = 0;
	socklen_t olen = sizeof on;
	CHECK(getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen) == 0 && on == 1);
	T_SAY("listener idle %s", tn_poll_bits(tn_poll(ls, 0)));
	int c[3];
	for (int i = 0; i < 3; i++)
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(connect(c[0], (struct sockaddr *)&a, alen) == 0);
	CHECK(connect(c[1], (struct sockaddr *)&a, alen) == 0);
	CHECK_ERR(connect(c[2], (struct sockaddr *)&a, alen), EAGAIN);
	T_SAY("listener pending %s", tn_poll_bits(tn_poll(ls, 0)));
	struct ucred cr;
	olen = sizeof cr;
	CHECK(getsockopt(c[0], SOL_SOCKET, SO_PEERCRED, &cr, &olen) == 0);
	CHECK_INT(olen, sizeof cr);
	CHECK(cr.uid == geteuid() && cr.gid == getegid() && cr.pid > 0);
	int s = accept(ls, NULL, NULL);
	CHECK(s >= 0);
	olen = sizeof cr;
	CHECK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &olen) == 0);
	CHECK(cr.uid == geteuid() && cr.gid == getegid());
	CHECK(connect(c[2], (struct sockaddr *)&a, alen) == 0);
	int unconnected = socket(AF_UNIX, SOCK_STREAM, 0);
	olen = sizeof cr;
	CHECK(getsockopt(unconnected, SOL_SOCKET, SO_PEERCRED, &cr, &olen) == 0);
	CHECK(cr.pid == 0 && cr.uid == (uid_t)-1 && cr.gid == (gid_t)-1);
	close(ls);
	CHECK_ERR(read(c[1], b, sizeof b), ECONNRESET);
	CHECK_ERR(read(c[0], b, 1), EAGAIN);
	for (int i = 0; i < 3; i++)
		close(c[i]);
	close(s);

	T_CASE("type mismatch");
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	socklen_t dlen = abstract_addr(&a, "dg");
	CHECK(bind(d, (struct sockaddr *)&a, dlen) == 0);
	/* abstract names are looked up per socket type: not found */
	CHECK_ERR(connect(unconnected, (struct sockaddr *)&a, dlen), ECONNREFUSED);
	int same = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(same, (struct sockaddr *)&a, dlen) == 0);
	close(same);
	/* a path names one inode, whatever its socket's type: EPROTOTYPE */
	struct sockaddr_un p;
	memset(&p, 0, sizeof p);
	p.sun_family = AF_UNIX;
	snprintf(p.sun_path, sizeof p.sun_path, "/tmp/rr-conf-unix-ty-%d", getpid());
	unlink(p.sun_path);
	int pd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(bind(pd, (struct sockaddr *)&p, sizeof p) == 0);
	CHECK_ERR(connect(unconnected, (struct sockaddr *)&p, sizeof p), EPROTOTYPE);
	close(pd);
	CHECK(unlink(p.sun_path) == 0);
	close(unconnected);

	T_CASE("datagram queue");
	int snd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	CHECK(connect(snd, (struct sockaddr *)&a, dlen) == 0);
	int sent = 0;
	while (send(snd, "d", 1, 0) == 1 && sent < 1000)
		sent++;
	CHECK_INT(errno, EAGAIN);
	T_SAY("queued to an unconnected receiver: %d", sent);
	T_SAY("sender when full %s", tn_poll_bits(tn_poll(snd, 0)));
	CHECK(ioctl(d, FIONREAD, &n) == 0);
	CHECK_INT(n, 1);
	CHECK_INT(recv(d, b, sizeof b, 0), 1);
	T_SAY("sender after a read %s", tn_poll_bits(tn_poll(snd, 0)));
	close(snd);
	close(d);
	return T_DONE();
}
