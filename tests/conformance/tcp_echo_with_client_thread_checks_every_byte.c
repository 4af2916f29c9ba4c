// TCP echo over 127.0.0.1: an echo server thread, a writer thread sending
// 1 B, 1000 B, 64 KiB and 1 MiB (then SHUT_WR), and main reading the echo
// back on the same connection and checking every byte against the pattern.
// timeout: 60
// memory: 256M
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include "../conformance/tnet.h"

struct job {
	int fd;
	size_t size;
	unsigned seed;
};

/* Echoes everything it reads until EOF, then closes. */
static void *echo_server(void *arg)
{
	int fd = *(int *)arg;
	static unsigned char buf[32768];
	long total = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r <= 0)
			break;
		if (tn_write_all(fd, buf, (size_t)r) != r)
			return (void *)-1L;
		total += r;
	}
	close(fd);
	return (void *)total;
}

/* Sends the pattern in uneven pieces, then shuts the write side down. */
static void *writer(void *arg)
{
	struct job *j = arg;
	unsigned char buf[7001];
	size_t off = 0;
	while (off < j->size) {
		size_t n = j->size - off < sizeof buf ? j->size - off : sizeof buf;
		tn_fill(buf, n, off, j->seed);
		if (tn_write_all(j->fd, buf, n) != (long)n)
			return (void *)-1L;
		off += n;
	}
	return (void *)(long)(shutdown(j->fd, SHUT_WR) == 0 ? 0 : -1);
}

static void round_trip(int ls, const struct sockaddr_in *a, size_t size, unsigned seed)
{
	T_SAY("size %zu", size);
	int c = tn_connect4(a);
	CHECK(c >= 0);
	int s = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	CHECK(s >= 0);
	pthread_t ts, tw;
	struct job j = {.fd = c, .size = size, .seed = seed};
	CHECK(pthread_create(&ts, NULL, echo_server, &s) == 0);
	CHECK(pthread_create(&tw, NULL, writer, &j) == 0);
	unsigned char *buf = malloc(size + 1);
	CHECK(buf != NULL);
	long got = tn_read_all(c, buf, size + 1);
	CHECK_INT(got, (long)size);
	CHECK_INT(tn_check(buf, size, 0, seed), -1);
	void *wr, *sr;
	CHECK(pthread_join(tw, &wr) == 0 && wr == NULL);
	CHECK(pthread_join(ts, &sr) == 0);
	CHECK_INT((long)sr, (long)size);
	free(buf);
	close(c);
}

int main(void)
{
	struct sockaddr_in a;
	int ls = tn_listen4(&a);
	CHECK(ls >= 0);
	static const size_t sizes[] = {1, 1000, 65536, 1 << 20};
	for (unsigned i = 0; i < 4; i++)
		round_trip(ls, &a, sizes[i], i + 1);
	close(ls);
	return T_DONE();
}
