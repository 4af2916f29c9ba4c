// A burst of connects before any accept: 40 non-blocking connects to a
// 127.0.0.1 listener with backlog 64 all complete (POLLOUT, SO_ERROR 0,
// none reset), then 40 accepts hand out 40 connections, each carrying the
// byte its client wrote; a blocking burst from threads does the same.
#define _GNU_SOURCE
#include <pthread.h>
#include "../conformance/tnet.h"

#define N 40

static struct sockaddr_in addr;

static void *blocking_client(void *arg)
{
	long i = (long)arg;
	int c = tn_connect4(&addr);
	if (c < 0)
		return (void *)-1L;
	unsigned char b = (unsigned char)i;
	long ok = write(c, &b, 1) == 1 && read(c, &b, 1) == 0;
	close(c);
	return (void *)(ok ? 0L : -2L);
}

int main(void)
{
	int ls = tn_listen4(&addr);
	CHECK(ls >= 0);
	CHECK(listen(ls, 64) == 0);

	T_CASE("non-blocking burst");
	int c[N], done = 0, errors = 0;
	for (int i = 0; i < N; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		int r = connect(c[i], (struct sockaddr *)&addr, sizeof addr);
		if (r != 0 && errno != EINPROGRESS)
			errors++;
	}
	CHECK_INT(errors, 0);
	for (int i = 0; i < N; i++) {
		struct pollfd p = {.fd = c[i], .events = POLLOUT};
		int err = -1;
		socklen_t len = sizeof err;
		if (poll(&p, 1, 10000) == 1 && getsockopt(c[i], SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
			unsigned char b = (unsigned char)i;
			done += write(c[i], &b, 1) == 1;
		}
	}
	CHECK_INT(done, N);
	unsigned char seen[N] = {0};
	int accepted = 0;
	for (int i = 0; i < N; i++) {
		int s = accept(ls, NULL, NULL);
		unsigned char b = 0xff;
		if (s >= 0 && read(s, &b, 1) == 1 && b < N && !seen[b]) {
			seen[b] = 1;
			accepted++;
		}
		if (s >= 0)
			close(s);
	}
	CHECK_INT(accepted, N);
	for (int i = 0; i < N; i++)
		close(c[i]);

	T_CASE("blocking burst from threads");
	pthread_t t[N];
	for (long i = 0; i < N; i++)
		CHECK(pthread_create(&t[i], NULL, blocking_client, (void *)i) == 0);
	memset(seen, 0, sizeof seen);
	accepted = 0;
	for (int i = 0; i < N; i++) {
		int s = accept(ls, NULL, NULL);
		unsigned char b = 0xff;
		if (s >= 0 && read(s, &b, 1) == 1 && b < N && !seen[b]) {
			seen[b] = 1;
			accepted++;
		}
		if (s >= 0)
			close(s);
	}
	CHECK_INT(accepted, N);
	int joined = 0;
	for (int i = 0; i < N; i++) {
		void *res;
		joined += pthread_join(t[i], &res) == 0 && res == NULL;
	}
	CHECK_INT(joined, N);
	close(ls);
	return T_DONE();
}
