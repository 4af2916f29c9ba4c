// Checks vfork(): on Linux the child runs _exit(6) and the parent's
// waitpid sees status 6. The unikernel is a single process (DESIGN.md
// decision 2): vfork fails with ENOSYS (listed in known-differences.txt).
#include <sys/wait.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	pid_t p = vfork();
	if (p == 0)
		_exit(6);
	if (p < 0)
		T_SAY("vfork failed: errno %s", t_errname(errno));
	CHECK(p > 0);
	if (p > 0) {
		int st;
		CHECK(waitpid(p, &st, 0) == p);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 6);
	}
	return T_DONE();
}
