// Checks the break: musl's sbrk(0) reports the current break and is stable,
// musl refuses sbrk with a nonzero increment (ENOMEM), and the raw brk
// system call can still move the break up, make it writable and back.
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	char *b0 = sbrk(0);
	CHECK(b0 != (char *)-1);
	CHECK(sbrk(0) == b0);
	errno = 0;
	CHECK(sbrk(4096) == (void *)-1 && errno == ENOMEM);
	char *cur = (char *)syscall(SYS_brk, 0);
	char *up = (char *)syscall(SYS_brk, cur + 65536);
	CHECK(up == cur + 65536);
	memset(cur, 1, 65536);
	CHECK(cur[65535] == 1);
	char *down = (char *)syscall(SYS_brk, cur + 4096);
	CHECK(down == cur + 4096);
	CHECK(cur[100] == 1);
	CHECK((char *)syscall(SYS_brk, 0) == cur + 4096);
	return T_DONE();
}
