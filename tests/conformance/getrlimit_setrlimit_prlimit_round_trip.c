// Checks resource limits: getrlimit NOFILE has soft <= hard; lowering the
// soft limit is reflected by getrlimit and prlimit(0); soft above hard is
// EINVAL; RLIMIT_STACK soft is at least 1 MiB or infinite; bad resource is
// EINVAL.
#define _GNU_SOURCE
#include <sys/resource.h>
#include "t.h"

int main(void)
{
	struct rlimit r, r2;
	CHECK_INT(getrlimit(RLIMIT_NOFILE, &r), 0);
	CHECK(r.rlim_cur <= r.rlim_max);
	CHECK(r.rlim_cur >= 64);
	struct rlimit lower = { 64, r.rlim_max };
	CHECK_INT(setrlimit(RLIMIT_NOFILE, &lower), 0);
	CHECK_INT(getrlimit(RLIMIT_NOFILE, &r2), 0);
	CHECK(r2.rlim_cur == 64 && r2.rlim_max == r.rlim_max);
	struct rlimit old;
	CHECK_INT(prlimit(0, RLIMIT_NOFILE, &r, &old), 0);
	CHECK(old.rlim_cur == 64);
	CHECK_INT(getrlimit(RLIMIT_NOFILE, &r2), 0);
	CHECK(r2.rlim_cur == r.rlim_cur);
	if (r.rlim_max != RLIM_INFINITY) {
		struct rlimit bad = { r.rlim_max + 1, r.rlim_max };
		CHECK_ERR(setrlimit(RLIMIT_NOFILE, &bad), EINVAL);
	} else {
		CHECK(1);
	}
	CHECK_INT(getrlimit(RLIMIT_STACK, &r), 0);
	CHECK(r.rlim_cur == RLIM_INFINITY || r.rlim_cur >= (1u << 20));
	CHECK_ERR(getrlimit(1000, &r), EINVAL);
	return T_DONE();
}
