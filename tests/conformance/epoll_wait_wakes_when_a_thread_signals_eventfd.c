// Checks epoll_wait with no timeout on an eventfd: it sleeps until another
// thread writes the eventfd, then reports EPOLLIN with the user data; a
// timeout of 30 ms on nothing returns 0.
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "../conformance/t.h"

static int efd;

static void *poster(void *arg)
{
	(void)arg;
	struct timespec d = {0, 30000000};
	nanosleep(&d, NULL);
	uint64_t one = 1;
	if (write(efd, &one, sizeof one) != sizeof one)
		return (void *)1;
	return NULL;
}

int main(void)
{
	efd = eventfd(0, 0);
	CHECK(efd >= 0);
	int ep = epoll_create(1);
	CHECK(ep >= 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0xabcdef};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0);
	struct epoll_event out[4];
	CHECK_INT(epoll_wait(ep, out, 4, 30), 0);
	pthread_t t;
	int started = pthread_create(&t, NULL, poster, NULL);
	CHECK_INT(started, 0);
	if (started != 0)
		return T_DONE();
	CHECK_INT(epoll_wait(ep, out, 4, -1), 1);
	CHECK(out[0].events == EPOLLIN && out[0].data.u64 == 0xabcdef);
	void *r = (void *)1;
	CHECK_INT(pthread_join(t, &r), 0);
	CHECK(r == NULL);
	uint64_t v = 0;
	CHECK_INT(read(efd, &v, sizeof v), 8);
	CHECK_INT(v, 1);
	CHECK_INT(epoll_wait(ep, out, 4, 0), 0);
	return T_DONE();
}
