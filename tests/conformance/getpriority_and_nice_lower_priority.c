// Checks scheduling priority: getpriority(PRIO_PROCESS, 0) is in -20..19,
// raising niceness by setpriority is reflected, nice(1) adds one, a bad
// 'which' is EINVAL; sched_get_priority_min/max for SCHED_OTHER are 0, and the raw sched_getscheduler/sched_getparam report SCHED_OTHER
// with priority 0 (musl's wrappers are ENOSYS stubs).
#include <sched.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	errno = 0;
	int p = getpriority(PRIO_PROCESS, 0);
	CHECK(errno == 0 && p >= -20 && p <= 19);
	int target = p < 5 ? 5 : p;
	CHECK_INT(setpriority(PRIO_PROCESS, 0, target), 0);
	errno = 0;
	CHECK_INT(getpriority(PRIO_PROCESS, 0), target);
	errno = 0;
	CHECK_INT(nice(1), target + 1);
	CHECK_INT(getpriority(PRIO_PROCESS, 0), target + 1);
	CHECK_ERR(getpriority(42, 0), EINVAL);
	CHECK_INT(sched_get_priority_min(SCHED_OTHER), 0);
	CHECK_INT(sched_get_priority_max(SCHED_OTHER), 0);
	CHECK_INT(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
	struct sched_param sp;
	sp.sched_priority = 32;
	CHECK_INT(syscall(SYS_sched_getparam, 0, &sp), 0);
	CHECK_INT(sp.sched_priority, 0);
	return T_DONE();
}
