// Checks anonymous mmap: private and shared mappings start zeroed, are
// writable, page aligned; munmap succeeds; a zero length is EINVAL.
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "t.h"

static int zeroed(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	size_t n = 5 * 4096;
	unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(((uintptr_t)p & 4095) == 0);
	CHECK(zeroed(p, n));
	memset(p, 7, n);
	CHECK(p[n - 1] == 7);
	CHECK_INT(munmap(p, n), 0);
	unsigned char *s = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	CHECK(zeroed(s, n));
	s[100] = 1;
	CHECK(s[100] == 1);
	CHECK_INT(munmap(s, n), 0);
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	return T_DONE();
}
