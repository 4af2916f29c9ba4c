// Checks thread identity: pthread_self is equal to itself and to the
// handle pthread_create returned, unequal across threads; gettid differs
// per thread and equals getpid in the main thread only.
#define _GNU_SOURCE
#include <pthread.h>
#include <unistd.h>
#include "t.h"

static pthread_t seen_self;
static pid_t seen_tid;

static void *who(void *arg)
{
	(void)arg;
	seen_self = pthread_self();
	seen_tid = gettid();
	return NULL;
}

int main(void)
{
	pthread_t me = pthread_self();
	CHECK(pthread_equal(me, pthread_self()));
	CHECK_INT(gettid(), getpid());
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, who, NULL), 0);
	pthread_join(t, NULL);
	CHECK(pthread_equal(t, seen_self));
	CHECK(!pthread_equal(me, seen_self));
	CHECK(seen_tid != gettid());
	CHECK(seen_tid != getpid());
	CHECK(seen_tid > 0);
	return T_DONE();
}
