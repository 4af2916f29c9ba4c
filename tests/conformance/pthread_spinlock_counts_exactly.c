// Checks pthread spinlocks: trylock on a held lock gives EBUSY, and four
// threads incrementing under the spinlock lose no updates.
#include <pthread.h>
#include <sched.h>
#include "t.h"

static pthread_spinlock_t s;
static long n;

static void *inc(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10000; i++) {
		pthread_spin_lock(&s);
		n++;
		pthread_spin_unlock(&s);
		if (i % 100 == 0)
			sched_yield();
	}
	return NULL;
}

int main(void)
{
	CHECK_INT(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE), 0);
	CHECK_INT(pthread_spin_lock(&s), 0);
	CHECK_INT(pthread_spin_trylock(&s), EBUSY);
	CHECK_INT(pthread_spin_unlock(&s), 0);
	CHECK_INT(pthread_spin_trylock(&s), 0);
	CHECK_INT(pthread_spin_unlock(&s), 0);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		CHECK_INT(pthread_create(&t[i], NULL, inc, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(n, 40000);
	CHECK_INT(pthread_spin_destroy(&s), 0);
	return T_DONE();
}
