// Checks epoll over eight pipes, each written once by its own thread: the
// main thread's blocking epoll_wait calls together report every pipe
// exactly once with the data cookie it was registered with.
#include <pthread.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "t.h"

#define N 8
static int p[N][2];

static void *writer(void *arg)
{
	long i = (long)arg;
	char c = (char)('a' + i);
	if (write(p[i][1], &c, 1) != 1)
		return (void *)1;
	return NULL;
}

int main(void)
{
	int ep = epoll_create1(0);
	CHECK(ep >= 0);
	int ok = 1;
	for (long i = 0; i < N; i++) {
		ok &= pipe(p[i]) == 0;
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
		ok &= epoll_ctl(ep, EPOLL_CTL_ADD, p[i][0], &ev) == 0;
	}
	CHECK(ok);
	pthread_t t[N];
	for (long i = 0; i < N; i++)
		CHECK_INT(pthread_create(&t[i], NULL, writer, (void *)i), 0);
	int seen[N] = {0}, total = 0, bad = 0;
	while (total < N) {
		struct epoll_event evs[N];
		int n = epoll_wait(ep, evs, N, 5000);
		if (n <= 0) {
			bad++;
			break;
		}
		for (int k = 0; k < n; k++) {
			uint64_t i = evs[k].data.u64;
			char c;
			if (i >= N || evs[k].events != EPOLLIN || read(p[i][0], &c, 1) != 1 || c != (char)('a' + i))
				bad++;
			else if (seen[i]++ == 0)
				total++;
		}
	}
	CHECK_INT(bad, 0);
	CHECK_INT(total, N);
	int twice = 0;
	for (int i = 0; i < N; i++)
		twice += seen[i] != 1;
	CHECK_INT(twice, 0);
	for (int i = 0; i < N; i++)
		CHECK_INT(pthread_join(t[i], NULL), 0);
	struct epoll_event e;
	CHECK_INT(epoll_wait(ep, &e, 1, 0), 0);
	return T_DONE();
}
