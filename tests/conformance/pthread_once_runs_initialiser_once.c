// Checks pthread_once: eight threads racing through the same once control
// run the initialiser exactly once, and all see its effect afterwards.
#include <pthread.h>
#include "t.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int runs, value, saw_value;

static void init(void)
{
	__atomic_add_fetch(&runs, 1, __ATOMIC_SEQ_CST);
	value = 99;
}

static void *go(void *arg)
{
	(void)arg;
	pthread_once(&once, init);
	if (value == 99)
		__atomic_add_fetch(&saw_value, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(void)
{
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		CHECK_INT(pthread_create(&t[i], NULL, go, NULL), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(runs, 1);
	CHECK_INT(saw_value, 8);
	CHECK_INT(pthread_once(&once, init), 0);
	CHECK_INT(runs, 1);
	return T_DONE();
}
