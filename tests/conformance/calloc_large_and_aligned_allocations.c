// Checks allocator behaviour: a 32 MiB calloc is all zero, posix_memalign
// and aligned_alloc honour alignments up to 64 KiB, posix_memalign rejects
// a non power of two with EINVAL, malloc(0) returns a freeable pointer,
// realloc keeps the prefix, and calloc overflow gives NULL with ENOMEM.
#include <stdint.h>
#include <stdlib.h>
#include "t.h"

int main(void)
{
	size_t n = 32u << 20;
	unsigned char *z = calloc(n, 1);
	CHECK(z != NULL);
	int nz = 0;
	for (size_t i = 0; i < n; i += 4093)
		nz += z[i] != 0;
	CHECK_INT(nz, 0);
	free(z);
	int bad = 0;
	for (size_t al = 8; al <= 65536; al <<= 1) {
		void *p = NULL;
		if (posix_memalign(&p, al, 100) != 0 || ((uintptr_t)p & (al - 1)))
			bad++;
		free(p);
		void *q = aligned_alloc(al, al * 2);
		if (!q || ((uintptr_t)q & (al - 1)))
			bad++;
		free(q);
	}
	CHECK_INT(bad, 0);
	void *p;
	CHECK_INT(posix_memalign(&p, 24, 100), EINVAL);
	void *m0 = malloc(0);
	CHECK(m0 != NULL);
	free(m0);
	char *r = malloc(10);
	memcpy(r, "abcdefghi", 10);
	r = realloc(r, 1 << 20);
	CHECK(r && strcmp(r, "abcdefghi") == 0);
	free(r);
	errno = 0;
	volatile size_t huge = SIZE_MAX / 2;
	CHECK(calloc(huge, 4) == NULL && errno == ENOMEM);
	return T_DONE();
}
