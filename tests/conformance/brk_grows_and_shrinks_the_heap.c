// Checks the brk system call directly (musl's malloc uses it for small
// allocations): brk(0) reports the break, growing by 1 MiB gives writable
// zeroed memory, shrinking works, and an absurd request leaves the break
// unchanged (Linux returns the old break rather than an error).
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	CHECK(cur != 0);
	uintptr_t want = cur + (1 << 20);
	CHECK((uintptr_t)syscall(SYS_brk, want) == want);
	volatile unsigned char *p = (volatile unsigned char *)cur;
	int nz = 0;
	for (uintptr_t i = 0; i < (1 << 20); i += 512)
		nz |= p[i];
	CHECK_INT(nz, 0);
	for (uintptr_t i = 0; i < (1 << 20); i += 4096)
		p[i] = (unsigned char)i;
	CHECK(p[8192] == (unsigned char)8192 && p[(1 << 20) - 4096] == (unsigned char)((1 << 20) - 4096));
	CHECK((uintptr_t)syscall(SYS_brk, cur + 4096) == cur + 4096);
	CHECK((uintptr_t)syscall(SYS_brk, 0) == cur + 4096);
	CHECK((uintptr_t)syscall(SYS_brk, (uintptr_t)1 << 46) == cur + 4096);
	CHECK((uintptr_t)syscall(SYS_brk, cur) == cur);
	return T_DONE();
}
