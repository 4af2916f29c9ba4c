// Checks process relations: getpid is positive and stable, getppid differs
// from it, getpgrp equals getpgid(0), getsid(0) is not negative
// (it is 0 on Linux when the session leader lives in a parent pid namespace,
// as in CI containers; getsid(2)), getpgid of a
// nonexistent pid is ESRCH.
#include <unistd.h>
#include "t.h"

int main(void)
{
	pid_t p = getpid();
	CHECK(p > 0);
	CHECK(getpid() == p);
	CHECK(getppid() != p);
	CHECK(getppid() >= 0);
	CHECK(getpgrp() == getpgid(0));
	CHECK(getpgid(p) == getpgrp());
	CHECK(getsid(0) >= 0);
	CHECK(getsid(p) == getsid(0));
	CHECK_ERR(getpgid(0x3fffffff), ESRCH);
	CHECK_ERR(getsid(0x3fffffff), ESRCH);
	return T_DONE();
}
