// Checks getpid/gettid/getppid: positive, stable, and the main thread's tid
// is the pid. The values differ between runs, so only facts are printed.
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	pid_t p = getpid();
	CHECK(p > 0);
	CHECK(getpid() == p);
	CHECK(syscall(SYS_gettid) == p);
	CHECK(getppid() >= 0);
	CHECK(getppid() != p);
	return T_DONE();
}
