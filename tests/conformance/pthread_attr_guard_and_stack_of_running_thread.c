// Checks pthread attributes: default guard size is at least 0 and can be
// set and read back; pthread_getattr_np of a running thread reports a
// stack that contains a local variable of that thread.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include "t.h"

static void *probe(void *arg)
{
	(void)arg;
	int local;
	pthread_attr_t a;
	void *base;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return (void *)1;
	pthread_attr_getstack(&a, &base, &size);
	pthread_attr_destroy(&a);
	uintptr_t l = (uintptr_t)&local, b = (uintptr_t)base;
	return (l >= b && l < b + size) ? NULL : (void *)2;
}

int main(void)
{
	pthread_attr_t a;
	size_t g;
	CHECK_INT(pthread_attr_init(&a), 0);
	CHECK_INT(pthread_attr_setguardsize(&a, 8192), 0);
	CHECK_INT(pthread_attr_getguardsize(&a, &g), 0);
	CHECK_INT(g, 8192);
	pthread_t t;
	void *r;
	CHECK_INT(pthread_create(&t, &a, probe, NULL), 0);
	CHECK_INT(pthread_join(t, &r), 0);
	CHECK(r == NULL);
	CHECK_INT(pthread_create(&t, NULL, probe, NULL), 0);
	CHECK_INT(pthread_join(t, &r), 0);
	CHECK(r == NULL);
	pthread_attr_destroy(&a);
	return T_DONE();
}
