// Checks poll timeouts on an empty pipe: 0 returns at once with 0, 50 ms
// waits at least 50 ms (CLOCK_MONOTONIC) and returns 0, and a ready fd
// returns at once even with a long timeout.
#include <poll.h>
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
	CHECK_INT(poll(&pf, 1, 0), 0);
	CHECK_INT(pf.revents, 0);
	long long t0 = now_ms();
	CHECK_INT(poll(&pf, 1, 50), 0);
	long long dt = now_ms() - t0;
	CHECK(dt >= 50);
	CHECK_INT(write(p[1], "x", 1), 1);
	t0 = now_ms();
	CHECK_INT(poll(&pf, 1, 10000), 1);
	CHECK(now_ms() - t0 < 5000);
	CHECK_INT(pf.revents, POLLIN);
	CHECK_INT(poll(NULL, 0, 20), 0);
	return T_DONE();
}
