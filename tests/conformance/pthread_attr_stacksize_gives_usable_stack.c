// Checks that a thread created with a 4 MiB stack size (pthread_attr_
// setstacksize) can use 3 MiB of it, that getstacksize reports the value
// set, and that a size below PTHREAD_STACK_MIN is refused with EINVAL.
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include "t.h"

static void *deep(void *arg)
{
	(void)arg;
	volatile char big[3 << 20];
	memset((char *)big, 0x5a, sizeof big);
	long s = 0;
	for (size_t i = 0; i < sizeof big; i += 4096)
		s += big[i];
	return (void *)s;
}

int main(void)
{
	pthread_attr_t a;
	size_t sz;
	CHECK_INT(pthread_attr_init(&a), 0);
	CHECK_INT(pthread_attr_setstacksize(&a, 4 << 20), 0);
	CHECK_INT(pthread_attr_getstacksize(&a, &sz), 0);
	CHECK_INT(sz, 4 << 20);
	CHECK_INT(pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN - 1), EINVAL);
	pthread_t t;
	void *r;
	CHECK_INT(pthread_create(&t, &a, deep, NULL), 0);
	CHECK_INT(pthread_join(t, &r), 0);
	CHECK_INT((long)r, 0x5aL * ((3 << 20) / 4096));
	pthread_attr_destroy(&a);
	return T_DONE();
}
