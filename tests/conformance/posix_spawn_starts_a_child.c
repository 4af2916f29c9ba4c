// Checks posix_spawn(): on Linux /bin/sh -c "exit 4" starts and waitpid
// reports exit status 4. The unikernel is a single process (DESIGN.md
// decision 2): posix_spawn returns ENOSYS (listed in known-differences.txt).
#include <spawn.h>
#include <sys/wait.h>
#include "t.h"

extern char **environ;

int main(void)
{
	pid_t pid;
	char *argv[] = { "sh", "-c", "exit 4", NULL };
	int e = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
	T_SAY("posix_spawn: %s", e ? t_errname(e) : "0");
	CHECK_INT(e, 0);
	if (e == 0) {
		int st;
		CHECK(waitpid(pid, &st, 0) == pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
	}
	return T_DONE();
}
