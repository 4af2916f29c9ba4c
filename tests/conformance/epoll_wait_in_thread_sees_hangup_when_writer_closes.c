// Checks a thread blocked in epoll_wait on a pipe's read end: it wakes
// with EPOLLIN when the main thread writes, and after the main thread
// closes the write end a second wait reports EPOLLHUP (with EPOLLIN while
// bytes remain, EPOLLHUP alone once drained).
#include <pthread.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static int p[2], ep;
static unsigned ev1, ev2, ev3;
static int n1 = -2, n2 = -2, n3 = -2;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int step;

static void *waiter(void *arg)
{
	(void)arg;
	struct epoll_event e;
	n1 = epoll_wait(ep, &e, 1, 5000);
	ev1 = e.events;
	pthread_mutex_lock(&mu);
	step = 1;
	pthread_cond_broadcast(&cv);
	while (step != 2)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	n2 = epoll_wait(ep, &e, 1, 5000);
	ev2 = e.events;
	char b[16];
	if (read(p[0], b, sizeof b) != 2)
		n2 = -3;
	n3 = epoll_wait(ep, &e, 1, 5000);
	ev3 = e.events;
	return NULL;
}

int main(void)
{
	CHECK(pipe(p) == 0);
	ep = epoll_create1(0);
	CHECK(ep >= 0);
	struct epoll_event e = {.events = EPOLLIN};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == 0);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, waiter, NULL), 0);
	struct timespec d = {0, 30000000};
	nanosleep(&d, NULL);
	CHECK_INT(n1, -2);
	CHECK_INT(write(p[1], "hi", 2), 2);
	pthread_mutex_lock(&mu);
	while (step != 1)
		pthread_cond_wait(&cv, &mu);
	CHECK(close(p[1]) == 0);
	step = 2;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK_INT(n1, 1);
	CHECK_INT(ev1, EPOLLIN);
	CHECK_INT(n2, 1);
	CHECK_INT(ev2, EPOLLIN | EPOLLHUP);
	CHECK_INT(n3, 1);
	CHECK_INT(ev3, EPOLLHUP);
	return T_DONE();
}
