// status: 139
// A thread that recurses without bound runs into the guard page musl puts
// below its stack and the process dies with SIGSEGV (128 + 11).
#include <pthread.h>
#include <stdio.h>
#include "t.h"

static volatile int limit = 1 << 30;

static int depth(volatile char *prev, int n)
{
	volatile char buf[512];
	buf[0] = (char)n;
	buf[511] = prev ? prev[0] : 0;
	if (n >= limit)
		return 0;
	return depth(buf, n + 1) + buf[0];
}

static void *run(void *arg)
{
	(void)arg;
	T_SAY("thread recursing");
	return (void *)(long)depth(NULL, 0);
}

int main(void)
{
	pthread_t t;
	CHECK(pthread_create(&t, NULL, run, NULL) == 0);
	pthread_join(t, NULL);
	T_SAY("not reached");
	return T_DONE();
}
