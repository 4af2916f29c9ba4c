// Checks rwlock semantics: two read locks coexist, a write lock is refused
// while read-locked, and writers from 4 threads never lose an update.
#include <pthread.h>
#include "t.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long total;

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5000; i++) {
		pthread_rwlock_wrlock(&rw);
		total++;
		pthread_rwlock_unlock(&rw);
		pthread_rwlock_rdlock(&rw);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

int main(void)
{
	CHECK_INT(pthread_rwlock_rdlock(&rw), 0);
	CHECK_INT(pthread_rwlock_tryrdlock(&rw), 0);
	CHECK_INT(pthread_rwlock_trywrlock(&rw), EBUSY);
	CHECK_INT(pthread_rwlock_unlock(&rw), 0);
	CHECK_INT(pthread_rwlock_unlock(&rw), 0);
	CHECK_INT(pthread_rwlock_trywrlock(&rw), 0);
	CHECK_INT(pthread_rwlock_tryrdlock(&rw), EBUSY);
	CHECK_INT(pthread_rwlock_unlock(&rw), 0);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		CHECK_INT(pthread_create(&t[i], NULL, writer, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(total, 20000);
	return T_DONE();
}
