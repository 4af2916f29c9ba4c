// Checks that a system call number Linux does not have fails with ENOSYS and
// that the program then goes on and exits normally.
#define _GNU_SOURCE
#include <unistd.h>
#include <sys/syscall.h>
#include "t.h"

int main(void)
{
	/* Not 335: Linux 6.11+ assigns it to uretprobe, which raises SIGILL. */
	CHECK_ERR(syscall(1000), ENOSYS);
	CHECK_ERR(syscall(-1), ENOSYS);
	CHECK_ERR(syscall(100000, 1, 2, 3), ENOSYS);
	T_SAY("still running after unknown syscalls");
	return T_DONE();
}
