// Checks pthread_create/pthread_join: eight threads each compute a value
// from their argument and return it through join (clone with CLONE_VM |
// CLONE_THREAD, set_tid_address/futex wake on exit).
#include <pthread.h>
#include <stdint.h>
#include "../conformance/t.h"

static void *work(void *arg)
{
	uintptr_t n = (uintptr_t)arg;
	uintptr_t sum = 0;
	for (uintptr_t i = 0; i <= n * 1000; i++)
		sum += i;
	return (void *)sum;
}

int main(void)
{
	pthread_t t[8];
	int started[8];
	for (uintptr_t i = 0; i < 8; i++) {
		started[i] = pthread_create(&t[i], NULL, work, (void *)i);
		CHECK_INT(started[i], 0); /* an error number, not -1/errno */
	}
	int wrong = 0;
	for (uintptr_t i = 0; i < 8; i++) {
		void *r = NULL;
		if (started[i] == 0)
			CHECK_INT(pthread_join(t[i], &r), 0);
		uintptr_t m = i * 1000;
		if ((uintptr_t)r != m * (m + 1) / 2)
			wrong++;
	}
	CHECK_INT(wrong, 0);
	CHECK(pthread_equal(pthread_self(), pthread_self()));
	return T_DONE();
}
