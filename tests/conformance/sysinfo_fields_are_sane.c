// Checks sysinfo: total RAM is positive and at least the free RAM, the unit
// is nonzero, uptime is nonnegative, procs is at least one; a NULL pointer
// gives EFAULT.
#include <sys/sysinfo.h>
#include "t.h"

int main(void)
{
	struct sysinfo si;
	memset(&si, 0xff, sizeof si);
	CHECK_INT(sysinfo(&si), 0);
	CHECK(si.totalram > 0);
	CHECK(si.freeram <= si.totalram);
	CHECK(si.mem_unit >= 1);
	CHECK(si.uptime >= 0);
	CHECK(si.procs >= 1);
	CHECK(si.freeswap <= si.totalswap);
	CHECK_ERR(sysinfo(NULL), EFAULT);
	return T_DONE();
}
