// Checks unnamed POSIX semaphores between threads: sem_trywait on zero is
// EAGAIN, posts wake waiters, getvalue tracks the count, and
// sem_timedwait with a past deadline gives ETIMEDOUT.
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include "t.h"

static sem_t items, done;

static void *consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		sem_wait(&items);
	sem_post(&done);
	return NULL;
}

int main(void)
{
	CHECK_INT(sem_init(&items, 0, 0), 0);
	CHECK_INT(sem_init(&done, 0, 0), 0);
	CHECK_ERR(sem_trywait(&items), EAGAIN);
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, consumer, NULL), 0);
	for (int i = 0; i < 100; i++)
		sem_post(&items);
	CHECK_INT(sem_wait(&done), 0);
	int v;
	CHECK_INT(sem_getvalue(&items, &v), 0);
	CHECK_INT(v, 0);
	sem_post(&items);
	sem_post(&items);
	CHECK_INT(sem_getvalue(&items, &v), 0);
	CHECK_INT(v, 2);
	CHECK_INT(sem_trywait(&items), 0);
	struct timespec past;
	clock_gettime(CLOCK_REALTIME, &past);
	past.tv_sec -= 1;
	CHECK_INT(sem_timedwait(&items, &past), 0);
	CHECK_ERR(sem_timedwait(&items, &past), ETIMEDOUT);
	pthread_join(t, NULL);
	return T_DONE();
}
