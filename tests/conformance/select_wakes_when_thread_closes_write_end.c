// Checks that select on a pipe's read end waits while the pipe is empty
// and becomes readable when another thread closes the only write end; the
// read then gives end of file.
#include <pthread.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static int p[2];
static volatile int closed;

static void *closer(void *arg)
{
	(void)arg;
	struct timespec d = {0, 30000000};
	nanosleep(&d, NULL);
	closed = 1;
	close(p[1]);
	return NULL;
}

int main(void)
{
	CHECK(pipe(p) == 0);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = {0, 0};
	CHECK_INT(select(p[0] + 1, &r, NULL, NULL, &tv), 0);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, closer, NULL), 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_INT(select(p[0] + 1, &r, NULL, NULL, NULL), 1);
	CHECK_INT(closed, 1);
	CHECK(FD_ISSET(p[0], &r));
	char c;
	CHECK_INT(read(p[0], &c, 1), 0);
	CHECK_INT(pthread_join(t, NULL), 0);
	return T_DONE();
}
