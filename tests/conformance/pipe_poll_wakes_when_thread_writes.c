// Checks that poll with an infinite timeout on an empty pipe waits until
// another thread writes, then reports POLLIN only, and the bytes are there.
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static int p[2];
static volatile int written;

static void *writer(void *arg)
{
	(void)arg;
	struct timespec d = {0, 30000000};
	nanosleep(&d, NULL);
	written = 1;
	if (write(p[1], "abc", 3) != 3)
		written = -1;
	return NULL;
}

int main(void)
{
	CHECK(pipe(p) == 0);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, writer, NULL), 0);
	struct pollfd pf = {.fd = p[0], .events = POLLIN | POLLOUT};
	pf.events = POLLIN;
	CHECK_INT(poll(&pf, 1, -1), 1);
	CHECK_INT(written, 1);
	CHECK_INT(pf.revents, POLLIN);
	char b[8];
	CHECK_INT(read(p[0], b, sizeof b), 3);
	CHECK(memcmp(b, "abc", 3) == 0);
	CHECK_INT(pthread_join(t, NULL), 0);
	pf.revents = 0;
	CHECK_INT(poll(&pf, 1, 0), 0);
	CHECK_INT(pf.revents, 0);
	return T_DONE();
}
