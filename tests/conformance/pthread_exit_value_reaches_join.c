// Checks pthread_exit from a nested call delivers its value to join, runs
// cleanup handlers in reverse order, and joining a thread twice is not
// needed: the second thread's return value arrives too.
#include <pthread.h>
#include "t.h"

static char order[8];
static int pos;

static void note(void *c) { order[pos++] = *(char *)c; }

static void nested(void) { pthread_exit((void *)77); }

static void *body(void *arg)
{
	(void)arg;
	static char a = 'a', b = 'b';
	pthread_cleanup_push(note, &a);
	pthread_cleanup_push(note, &b);
	nested();
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *plain(void *arg) { return arg; }

int main(void)
{
	pthread_t t, u;
	void *r;
	CHECK_INT(pthread_create(&t, NULL, body, NULL), 0);
	CHECK_INT(pthread_join(t, &r), 0);
	CHECK_INT((long)r, 77);
	CHECK(strcmp(order, "ba") == 0);
	CHECK_INT(pthread_create(&u, NULL, plain, (void *)5), 0);
	CHECK_INT(pthread_join(u, &r), 0);
	CHECK_INT((long)r, 5);
	return T_DONE();
}
