// Checks madvise(MADV_DONTNEED) on private anonymous memory makes the pages
// read back as zero while neighbours keep their data; MADV_NORMAL and
// MADV_WILLNEED succeed; an unaligned address is EINVAL.
#include <sys/mman.h>
#include "t.h"

int main(void)
{
	size_t pg = 4096;
	unsigned char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 0xab, 3 * pg);
	CHECK_INT(madvise(p + pg, pg, MADV_DONTNEED), 0);
	CHECK(p[pg] == 0 && p[2 * pg - 1] == 0);
	CHECK(p[0] == 0xab && p[2 * pg] == 0xab);
	CHECK_INT(madvise(p, 3 * pg, MADV_NORMAL), 0);
	CHECK_INT(madvise(p, 3 * pg, MADV_WILLNEED), 0);
	CHECK_ERR(madvise(p + 1, pg, MADV_DONTNEED), EINVAL);
	CHECK_INT(munmap(p, 3 * pg), 0);
	return T_DONE();
}
