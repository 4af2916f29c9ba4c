/*
 * tnet.h: socket helpers for the conformance programs (header only, on top
 * of t.h). Everything works over loopback inside the one process and never
 * prints a port or an address: only facts derived from them.
 *
 *   tn_listen4(&addr)            TCP listener on 127.0.0.1, port 0 (addr gets the port)
 *   tn_connect4(&addr)           blocking TCP connect to addr
 *   tn_accepted_pair(&c, &s)     a connected TCP pair over loopback (client, server)
 *   tn_udp4(&addr)               UDP socket bound to 127.0.0.1, port 0
 *   tn_write_all / tn_read_all   loop over short writes and reads
 *   tn_fill / tn_check           a position- and seed-dependent byte pattern
 *   tn_poll_bits / tn_epoll_bits symbolic names of poll and epoll masks
 */
#ifndef CONFORMANCE_TNET_H
#define CONFORMANCE_TNET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t.h"

#ifndef POLLRDHUP /* glibc hides it without _GNU_SOURCE; musl and Linux: 0x2000 */
#define POLLRDHUP 0x2000
#endif

/* Returns a TCP listener on 127.0.0.1 with a port picked by the kernel,
 * backlog 16; *a gets its address. -1 on failure. */
static inline int tn_listen4(struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof *a;
	if (bind(fd, (struct sockaddr *)a, sizeof *a) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)a, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Returns a blocking TCP socket connected to a, or -1. */
static inline int tn_connect4(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)a, sizeof *a)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Makes a connected TCP pair over 127.0.0.1 (the listener is closed);
 * returns 0 or -1. */
static inline int tn_accepted_pair(int *client, int *server)
{
	struct sockaddr_in a;
	int ls = tn_listen4(&a);
	if (ls < 0)
		return -1;
	*client = tn_connect4(&a);
	*server = *client < 0 ? -1 : accept(ls, NULL, NULL);
	close(ls);
	return *client < 0 || *server < 0 ? -1 : 0;
}

/* Returns a UDP socket bound to 127.0.0.1 with a kernel-picked port; *a
 * gets its address. -1 on failure. */
static inline int tn_udp4(struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof *a;
	if (bind(fd, (struct sockaddr *)a, sizeof *a) || getsockname(fd, (struct sockaddr *)a, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes all n bytes; returns n, or -1 on an error. */
static inline long tn_write_all(int fd, const void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, (const char *)buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return (long)done;
}

/* Reads until n bytes or end of file; returns the count, or -1. */
static inline long tn_read_all(int fd, void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = read(fd, (char *)buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (long)done;
}

/* Returns byte i of the pattern for seed s (not periodic at powers of two). */
static inline unsigned char tn_byte(size_t i, unsigned s)
{
	uint32_t x = (uint32_t)i * 2654435761u + s * 40503u;
	return (unsigned char)(x >> 13 ^ x >> 24 ^ i / 251);
}

/* Fills buf[0..n) with the pattern for seed s, starting at stream offset off. */
static inline void tn_fill(unsigned char *buf, size_t n, size_t off, unsigned s)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = tn_byte(off + i, s);
}

/* Returns the first offset where buf differs from the pattern, or -1. */
static inline long tn_check(const unsigned char *buf, size_t n, size_t off, unsigned s)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != tn_byte(off + i, s))
			return (long)(off + i);
	return -1;
}

/* Formats a mask as names joined by '|' ("0" for none), into a static buffer. */
static inline const char *tn_bits(unsigned m, const unsigned *bits, const char *const *names, int n)
{
	static char out[128];
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (m & bits[i]) {
			if (out[0])
				strcat(out, "|");
			strcat(out, names[i]);
			m &= ~bits[i];
		}
	}
	if (m) {
		char rest[24];
		snprintf(rest, sizeof rest, "%s0x%x", out[0] ? "|" : "", m);
		strcat(out, rest);
	}
	return out[0] ? out : "0";
}

/* Returns the names of poll revents (POLLRDNORM/WRNORM folded away: Linux
 * sets them with IN/OUT). */
static inline const char *tn_poll_bits(short revents)
{
	static const unsigned bits[] = {POLLIN, POLLPRI, POLLOUT, POLLRDHUP, POLLHUP, POLLERR, POLLNVAL};
	static const char *const names[] = {"IN", "PRI", "OUT", "RDHUP", "HUP", "ERR", "NVAL"};
	unsigned m = (unsigned short)revents & ~(unsigned)(POLLRDNORM | POLLWRNORM | POLLRDBAND | POLLWRBAND);
	return tn_bits(m, bits, names, 7);
}

/* Returns the names of epoll events (RDNORM/WRNORM folded away). */
static inline const char *tn_epoll_bits(uint32_t ev)
{
	static const unsigned bits[] = {EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR};
	static const char *const names[] = {"IN", "PRI", "OUT", "RDHUP", "HUP", "ERR"};
	unsigned m = ev & ~(unsigned)(EPOLLRDNORM | EPOLLWRNORM | EPOLLRDBAND | EPOLLWRBAND);
	return tn_bits(m, bits, names, 6);
}

/* Returns the poll revents of fd for every event of interest, waiting up to ms. */
static inline short tn_poll(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP | POLLPRI};
	int r = poll(&p, 1, ms);
	return r == 1 ? p.revents : 0;
}

/* Returns the epoll events of fd (a one-off epoll set, level-triggered), waiting up to ms. */
static inline uint32_t tn_epoll(int fd, int ms)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event e = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI, .data.fd = fd};
	uint32_t got = 0;
	if (ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) == 0 && epoll_wait(ep, &e, 1, ms) == 1)
		got = e.events;
	if (ep >= 0)
		close(ep);
	return got;
}

#endif
