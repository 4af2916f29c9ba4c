// A writable anonymous mapping far larger than RAM fails at once with
// ENOMEM (Linux's heuristic overcommit refuses it too), and malloc of the
// same size returns NULL with ENOMEM; a modest mapping still works after.
#include <stdlib.h>
#include <sys/mman.h>
#include "t.h"

int main(void)
{
	size_t huge = (size_t)1 << 46; /* 64 TiB: more than any host or guest has */
	void *p = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p == MAP_FAILED);
	CHECK_INT(errno, ENOMEM);
	errno = 0;
	void *m = malloc(huge);
	CHECK(m == NULL);
	CHECK_INT(errno, ENOMEM);
	char *q = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED);
	q[0] = 1;
	q[(1 << 20) - 1] = 2;
	CHECK_INT(q[0] + q[(1 << 20) - 1], 3);
	return T_DONE();
}
