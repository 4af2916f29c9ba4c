// Checks execve(): on Linux /bin/sh replaces the program and its exit
// status 11 becomes the program's. The unikernel is a single program with
// no shell (DESIGN.md decision 2): execve fails with ENOSYS and the program
// goes on (listed in known-differences.txt).
// status: 11
#include <unistd.h>
#include "t.h"

int main(void)
{
	char *argv[] = { "sh", "-c", "exit 11", NULL };
	char *envp[] = { NULL };
	CHECK(argv[0] != NULL);
	T_SAY("calling execve");
	execve("/bin/sh", argv, envp);
	T_SAY("execve failed: errno %s", t_errname(errno));
	return T_DONE();
}
