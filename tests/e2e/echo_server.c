// The end-to-end echo server: echoes TCP streams and UDP datagrams on
// 0.0.0.0:PORT (argv[1], default 7) from one epoll loop, with non-blocking
// sockets, so that hundreds of connections are served at once without
// threads. Prints "echo_server: ready PORT" once listening, then serves
// until killed. A connection whose peer shuts its write side gets its
// remaining echo, then a shutdown, then is closed.
//
// Built with rumprun-cc: the same binary runs in the unikernel (the e2e
// driver reaches it through `rumprun run -p HOST:PORT`) and on the host
// (the driver's --native mode and the TCP benchmark's host baseline).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (64 * 1024)
#define MAX_EVENTS 256

/* One TCP connection: bytes read but not yet echoed live in buf[off..len). */
struct conn {
	int fd;
	size_t off, len;
	int eof; /* the peer shut its write side */
	unsigned char buf[BUF];
};

static int ep;

static void drop(struct conn *c)
{
	close(c->fd);
	free(c);
}

/* Sets the epoll interest: EPOLLOUT while echo bytes wait, else EPOLLIN. */
static int rearm(struct conn *c)
{
	struct epoll_event e = {.events = c->len > c->off ? EPOLLOUT : EPOLLIN | EPOLLRDHUP, .data.ptr = c};
	return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
}

/* Moves as many bytes as the sockets take; returns -1 when done with c. */
static int serve(struct conn *c)
{
	for (;;) {
		while (c->len > c->off) {
			ssize_t w = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
			if (w < 0)
				return errno == EAGAIN ? rearm(c) : -1;
			c->off += (size_t)w;
		}
		c->off = c->len = 0;
		if (c->eof) {
			shutdown(c->fd, SHUT_WR);
			return -1;
		}
		ssize_t r = recv(c->fd, c->buf, BUF, 0);
		if (r < 0)
			return errno == EAGAIN ? rearm(c) : -1;
		if (r == 0)
			c->eof = 1;
		c->len = (size_t)r;
	}
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7;
	signal(SIGPIPE, SIG_IGN);
	ep = epoll_create1(EPOLL_CLOEXEC);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int us = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	if (ep < 0 || ls < 0 || us < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 512) ||
	    bind(us, (struct sockaddr *)&a, sizeof a)) {
		printf("echo_server: setup failed: %s\n", strerror(errno));
		return 1;
	}
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = NULL};
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &e);
	e.data.ptr = &us;
	epoll_ctl(ep, EPOLL_CTL_ADD, us, &e);
	printf("echo_server: ready %d\n", port);
	fflush(stdout);
	static unsigned char dgram[65536];
	struct epoll_event evs[MAX_EVENTS];
	for (;;) {
		int n = epoll_wait(ep, evs, MAX_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			printf("echo_server: epoll_wait: %s\n", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == NULL) {
				int fd;
				while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					struct conn *c = calloc(1, sizeof *c);
					if (!c) {
						close(fd);
						continue;
					}
					c->fd = fd;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					struct epoll_event ce = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce))
						drop(c);
				}
			} else if (p == &us) {
				for (;;) {
					struct sockaddr_in from;
					socklen_t len = sizeof from;
					ssize_t r = recvfrom(us, dgram, sizeof dgram, 0, (struct sockaddr *)&from, &len);
					if (r < 0)
						break;
					sendto(us, dgram, (size_t)r, 0, (struct sockaddr *)&from, len);
				}
			} else if (serve(p) < 0) {
				drop(p);
			}
		}
	}
}
