// Checks mremap: shrinking keeps the start, growing with MREMAP_MAYMOVE
// keeps the contents, MREMAP_FIXED moves to a chosen address, and growing
// without MAYMOVE into an occupied neighbour gives ENOMEM.
#define _GNU_SOURCE
#include <sys/mman.h>
#include "t.h"

int main(void)
{
	size_t pg = 4096;
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < 4; i++)
		p[i * pg] = (char)('0' + i);
	char *s = mremap(p, 4 * pg, 2 * pg, 0);
	CHECK(s == p);
	CHECK(s[pg] == '1');
	char *g = mremap(s, 2 * pg, 64 * pg, MREMAP_MAYMOVE);
	CHECK(g != MAP_FAILED);
	CHECK(g[0] == '0' && g[pg] == '1');
	g[63 * pg] = 'z';
	char *dst = mmap(NULL, 64 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(dst != MAP_FAILED);
	char *m = mremap(g, 64 * pg, 64 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	CHECK(m == dst);
	CHECK(m[pg] == '1' && m[63 * pg] == 'z');
	char *a = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(munmap(a + pg, pg) == 0);
	char *blk = mmap(a + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(blk == a + pg);
	errno = 0;
	CHECK(mremap(a, pg, 2 * pg, 0) == MAP_FAILED && errno == ENOMEM);
	errno = 0;
	CHECK(mremap(a + 1, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
	return T_DONE();
}
