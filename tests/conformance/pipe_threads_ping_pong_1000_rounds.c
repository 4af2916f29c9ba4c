// Checks blocking pipes between threads: a token goes back and forth 1000
// times over two pipes, each side blocking in read until the other writes.
#include <pthread.h>
#include <unistd.h>
#include "../conformance/t.h"

static int ab[2], ba[2];

static void *echo(void *arg)
{
	(void)arg;
	unsigned v;
	for (int i = 0; i < 1000; i++) {
		if (read(ab[0], &v, sizeof v) != sizeof v)
			return (void *)1;
		v++;
		if (write(ba[1], &v, sizeof v) != sizeof v)
			return (void *)2;
	}
	return NULL;
}

int main(void)
{
	CHECK(pipe(ab) == 0);
	CHECK(pipe(ba) == 0);
	pthread_t t;
	int started = pthread_create(&t, NULL, echo, NULL);
	CHECK_INT(started, 0);
	if (started != 0)
		return T_DONE();
	unsigned v = 0;
	int ok = 1;
	for (int i = 0; i < 1000 && ok; i++) {
		ok = write(ab[1], &v, sizeof v) == sizeof v;
		ok = ok && read(ba[0], &v, sizeof v) == sizeof v;
	}
	CHECK(ok);
	CHECK_INT(v, 1000);
	void *r = (void *)9;
	CHECK_INT(pthread_join(t, &r), 0);
	CHECK(r == NULL);
	return T_DONE();
}
