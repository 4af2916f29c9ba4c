// Checks munmap of a page in the middle of a mapping leaves both sides
// usable with their contents, that unmapping an already-unmapped range
// succeeds, and that an unaligned address is EINVAL.
#include <sys/mman.h>
#include "t.h"

int main(void)
{
	size_t pg = 4096;
	char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	p[0] = 'a';
	p[pg] = 'b';
	p[2 * pg] = 'c';
	CHECK_INT(munmap(p + pg, pg), 0);
	CHECK(p[0] == 'a');
	CHECK(p[2 * pg] == 'c');
	p[2 * pg + 1] = 'd';
	CHECK(p[2 * pg + 1] == 'd');
	CHECK_INT(munmap(p + pg, pg), 0);
	CHECK_ERR(munmap(p + 1, pg), EINVAL);
	CHECK_ERR(munmap(p, 0), EINVAL);
	char *q = mmap(p + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + pg && q[0] == 0);
	CHECK_INT(munmap(p, 3 * pg), 0);
	return T_DONE();
}
