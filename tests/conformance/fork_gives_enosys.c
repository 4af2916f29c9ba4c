// Checks fork in a single-process unikernel: it fails with ENOSYS (DESIGN.md
// decision 2) where Linux forks. Listed in known-differences.txt; the
// program prints which behaviour it saw, and on Linux the child just exits.
#include <sys/wait.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(5);
	if (p < 0) {
		T_SAY("fork failed: errno %s", t_errname(errno));
	} else {
		int st;
		CHECK(waitpid(p, &st, 0) == p);
		T_SAY("fork worked: child exited %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	return T_DONE();
}
