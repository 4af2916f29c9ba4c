// Checks MAP_FIXED over an existing mapping replaces its pages with fresh
// zeroed ones in place, MAP_FIXED_NOREPLACE over it gives EEXIST, and
// MAP_FIXED at an unaligned address gives EINVAL.
#define _GNU_SOURCE
#include <sys/mman.h>
#include "t.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

int main(void)
{
	size_t pg = 4096;
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 'x', 4 * pg);
	char *q = mmap(p + pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + pg);
	CHECK(p[pg] == 0 && p[2 * pg - 1] == 0);
	CHECK(p[0] == 'x' && p[2 * pg] == 'x');
	errno = 0;
	char *r = mmap(p + 2 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(r == MAP_FAILED && errno == EEXIST);
	CHECK(p[2 * pg] == 'x');
	errno = 0;
	r = mmap(p + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(r == MAP_FAILED && errno == EINVAL);
	CHECK_INT(munmap(p + 3 * pg, pg), 0);
	r = mmap(p + 3 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(r == p + 3 * pg);
	CHECK(r[0] == 0);
	CHECK_INT(munmap(p, 4 * pg), 0);
	return T_DONE();
}
