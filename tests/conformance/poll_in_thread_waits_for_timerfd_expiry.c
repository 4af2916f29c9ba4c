// Checks a timerfd shared between threads: a thread blocked in poll with
// no timeout wakes when the main thread's 60 ms one-shot timer expires,
// reads one expiration, and the timer is then disarmed; re-arming with a
// new value while a thread waits also wakes it.
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static int tfd;
static int pr = -2;
static short rev;
static uint64_t count;

static void *waiter(void *arg)
{
	(void)arg;
	struct pollfd pf = {.fd = tfd, .events = POLLIN};
	pr = poll(&pf, 1, -1);
	rev = pf.revents;
	if (read(tfd, &count, 8) != 8)
		count = 999;
	return NULL;
}

int main(void)
{
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	CHECK(tfd >= 0);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, waiter, NULL), 0);
	struct timespec d = {0, 20000000};
	nanosleep(&d, NULL);
	CHECK_INT(pr, -2);
	struct itimerspec its = {.it_value = {0, 60000000}};
	CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK_INT(pr, 1);
	CHECK_INT(rev, POLLIN);
	CHECK_INT(count, 1);
	struct itimerspec cur;
	CHECK(timerfd_gettime(tfd, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	T_CASE("rearm_while_waiting");
	struct itimerspec far = {.it_value = {30, 0}};
	CHECK(timerfd_settime(tfd, 0, &far, NULL) == 0);
	pr = -2;
	CHECK_INT(pthread_create(&t, NULL, waiter, NULL), 0);
	nanosleep(&d, NULL);
	CHECK_INT(pr, -2);
	struct itimerspec soon = {.it_value = {0, 30000000}};
	CHECK(timerfd_settime(tfd, 0, &soon, NULL) == 0);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK_INT(pr, 1);
	CHECK_INT(count, 1);
	return T_DONE();
}
