// Checks ppoll and pselect with timespec timeouts on an empty pipe: both
// return 0 after at least the time asked, and report readiness at once.
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>
#include "../conformance/t.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	struct pollfd pf = {.fd = p[0], .events = POLLIN};
	struct timespec ts = {0, 30000000};
	sigset_t none;
	sigemptyset(&none);
	long long t0 = now_ms();
	CHECK_INT(ppoll(&pf, 1, &ts, &none), 0);
	CHECK(now_ms() - t0 >= 30);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	t0 = now_ms();
	CHECK_INT(pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL), 0);
	CHECK(now_ms() - t0 >= 30);
	CHECK_INT(write(p[1], "z", 1), 1);
	CHECK_INT(ppoll(&pf, 1, &ts, NULL), 1);
	FD_SET(p[0], &r);
	CHECK_INT(pselect(p[0] + 1, &r, NULL, NULL, &ts, &none), 1);
	CHECK(FD_ISSET(p[0], &r));
	return T_DONE();
}
