// Checks clock_getres: REALTIME and MONOTONIC have a resolution of at most
// one millisecond and more than zero; a NULL res is allowed; a bad clock is
// EINVAL.
#include <time.h>
#include "t.h"

int main(void)
{
	struct timespec r;
	CHECK_INT(clock_getres(CLOCK_REALTIME, &r), 0);
	CHECK(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 1000000);
	CHECK_INT(clock_getres(CLOCK_MONOTONIC, &r), 0);
	CHECK(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 1000000);
	CHECK_INT(clock_getres(CLOCK_MONOTONIC, NULL), 0);
	CHECK_ERR(clock_getres((clockid_t)77, &r), EINVAL);
	return T_DONE();
}
