// Stress: 64 threads each take a futex-based pthread mutex 10,000 times
// (640,000 acquisitions, contended whenever a holder is preempted) and the
// shared count is exact; then the same 64 threads pass a token around a ring
// 100 times through per-thread semaphores (6,400 strict handoffs, each one a
// futex wake of a sleeping thread) and every thread sees every round.
// timeout: 300
#include <pthread.h>
#include <semaphore.h>
#include "t.h"

#define NTHREADS 64
#define ITERS 10000
#define ROUNDS 100

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static sem_t turn[NTHREADS];
static int seen[NTHREADS];
static long token;

static void *worker(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
	}
	for (int r = 0; r < ROUNDS; r++) {
		sem_wait(&turn[id]);
		if (token == r * NTHREADS + id)
			seen[id]++;
		token++;
		sem_post(&turn[(id + 1) % NTHREADS]);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	pthread_attr_t attr;
	int created = 0, all_seen = 1;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (int i = 0; i < NTHREADS; i++)
		sem_init(&turn[i], 0, i == 0);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], &attr, worker, (void *)i) == 0)
			created++;
	CHECK_INT(created, NTHREADS);
	for (int i = 0; i < created; i++)
		CHECK_INT(pthread_join(t[i], NULL), 0);
	CHECK_INT(counter, (long)NTHREADS * ITERS);
	CHECK_INT(token, (long)NTHREADS * ROUNDS);
	for (int i = 0; i < NTHREADS; i++)
		if (seen[i] != ROUNDS)
			all_seen = 0;
	CHECK(all_seen);
	return T_DONE();
}
