// Checks a blocking read on an empty pipe: the reader thread waits until
// another thread writes, then gets the bytes; a second read waits for the
// writer's close and gets end of file.
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "../conformance/t.h"

static int p[2];
static char got[16];
static ssize_t first = -2, second = -2;

static void *reader(void *arg)
{
	(void)arg;
	first = read(p[0], got, sizeof got);
	second = read(p[0], got + 8, 8);
	return NULL;
}

int main(void)
{
	CHECK(pipe(p) == 0);
	pthread_t t;
	int started = pthread_create(&t, NULL, reader, NULL);
	CHECK_INT(started, 0);
	if (started != 0)
		return T_DONE();
	struct timespec d = {0, 20000000};
	nanosleep(&d, NULL);
	CHECK_INT(first, -2);
	CHECK_INT(write(p[1], "wake", 4), 4);
	nanosleep(&d, NULL);
	CHECK(close(p[1]) == 0);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK_INT(first, 4);
	CHECK(memcmp(got, "wake", 4) == 0);
	CHECK_INT(second, 0);
	return T_DONE();
}
