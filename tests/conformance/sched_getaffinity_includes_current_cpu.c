// Checks sched_getaffinity: the mask is nonempty, the CPU getcpu/
// sched_getcpu reports is in it, setting the same mask back succeeds, and
// an empty mask is EINVAL. (Prints no CPU counts: the host's differ.)
#define _GNU_SOURCE
#include <sched.h>
#include "t.h"

int main(void)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CHECK_INT(sched_getaffinity(0, sizeof s, &s), 0);
	CHECK(CPU_COUNT(&s) >= 1);
	int c = sched_getcpu();
	CHECK(c >= 0);
	CHECK(CPU_ISSET(c, &s));
	CHECK_INT(sched_setaffinity(0, sizeof s, &s), 0);
	cpu_set_t e;
	CPU_ZERO(&e);
	CHECK_ERR(sched_setaffinity(0, sizeof e, &e), EINVAL);
	CHECK_INT(sched_getaffinity(0, sizeof s, &s), 0);
	CHECK(CPU_COUNT(&s) >= 1);
	return T_DONE();
}
