// Checks a thread blocked in read on an empty pipe when another thread
// sends it a signal with pthread_kill: without SA_RESTART the read fails
// with EINTR; with SA_RESTART the handler runs and the read goes on and
// returns the bytes written afterwards. The handler runs in the reader.
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static int p[2];
static volatile int hits;
static volatile pthread_t handled_by;
static ssize_t got;
static int got_errno;
static char buf[8];

static void handler(int sig)
{
	(void)sig;
	hits++;
	handled_by = pthread_self();
}

static void *reader(void *arg)
{
	(void)arg;
	errno = 0;
	got = read(p[0], buf, sizeof buf);
	got_errno = errno;
	return NULL;
}

static void one(int flags)
{
	struct sigaction sa = {0};
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(pipe(p) == 0);
	hits = 0;
	got = -2;
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, reader, NULL), 0);
	struct timespec d = {0, 40000000};
	nanosleep(&d, NULL);
	CHECK_INT(pthread_kill(t, SIGUSR1), 0);
	nanosleep(&d, NULL);
	CHECK_INT(hits, 1);
	CHECK(pthread_equal(handled_by, t));
	if (flags & SA_RESTART) {
		CHECK_INT(got, -2);
		CHECK_INT(write(p[1], "later", 5), 5);
		CHECK_INT(pthread_join(t, NULL), 0);
		CHECK_INT(got, 5);
		CHECK(memcmp(buf, "later", 5) == 0);
	} else {
		CHECK_INT(pthread_join(t, NULL), 0);
		CHECK_INT(got, -1);
		CHECK(got_errno == EINTR);
	}
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	T_CASE("without_sa_restart");
	one(0);
	T_CASE("with_sa_restart");
	one(SA_RESTART);
	return T_DONE();
}
