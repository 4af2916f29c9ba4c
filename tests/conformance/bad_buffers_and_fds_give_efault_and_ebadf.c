// Checks that the kernel validates what a program hands it: a closed fd
// gives EBADF, a NULL or kernel-half buffer gives EFAULT (and must not print
// kernel memory), a zero-length write gives 0.
#include <stdint.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	CHECK_ERR(write(99, "x", 1), EBADF);
	CHECK_ERR(write(-1, "x", 1), EBADF);
	char c;
	CHECK_ERR(read(99, &c, 1), EBADF);
	CHECK_INT(write(1, "", 0), 0);
	const void *volatile null = NULL; /* volatile: hide it from -Wnonnull */
	CHECK_ERR(write(1, null, 5), EFAULT);
	CHECK_ERR(write(1, (const void *)(uintptr_t)0xffffffff80000000ull, 16), EFAULT);
	CHECK_ERR(write(1, (const void *)(uintptr_t)0xffff800000000000ull, 16), EFAULT);
	/* Non-canonical: between the two halves of the address space. */
	CHECK_ERR(write(1, (const void *)(uintptr_t)0x0000800000000000ull, 16), EFAULT);
	return T_DONE();
}
