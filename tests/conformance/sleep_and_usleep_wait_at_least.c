// Checks sleep(1) returns 0 after at least a second, usleep(20000) after at
// least 20 ms, and sleep(0)/usleep(0) return at once.
#include <time.h>
#include <unistd.h>
#include "t.h"

static long long now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	long long a = now();
	CHECK_INT(sleep(1), 0);
	long long b = now();
	CHECK(b - a >= 1000000000LL);
	CHECK_INT(usleep(20000), 0);
	long long c = now();
	CHECK(c - b >= 20000000LL);
	CHECK_INT(sleep(0), 0);
	CHECK_INT(usleep(0), 0);
	CHECK(now() - c < 1000000000LL);
	return T_DONE();
}
