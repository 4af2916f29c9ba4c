// Checks system(): on Linux "exit 3" runs in /bin/sh and gives wait status
// 3. The unikernel is a single process with no shell (DESIGN.md decision
// 2): system fails with -1 (listed in known-differences.txt).
#include <stdlib.h>
#include <sys/wait.h>
#include "t.h"

int main(void)
{
	int r = system("exit 3");
	if (r == -1)
		T_SAY("system failed: errno %s", t_errname(errno));
	CHECK(r != -1 && WIFEXITED(r) && WEXITSTATUS(r) == 3);
	return T_DONE();
}
