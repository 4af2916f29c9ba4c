// Checks malloc/realloc/free under churn: thousands of allocations of mixed
// sizes from 1 byte to 4 MiB (small ones come from brk/heap pages, large
// ones from mmap), each filled with a pattern and verified before free,
// then one 64 MiB block (so the VM needs more than the default 64M).
// memory: 256M
#include <stdint.h>
#include <stdlib.h>
#include "t.h"

#define SLOTS 256
#define ROUNDS 6000

static uint32_t rng = 12345;
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static size_t pick_size(void)
{
	uint32_t r = next() % 100;
	if (r < 60)
		return 1 + next() % 256;          /* small */
	if (r < 90)
		return 257 + next() % 65536;      /* medium */
	if (r < 99)
		return 65536 + next() % (512 << 10); /* large: mmap territory */
	return (1 << 20) + next() % (3 << 20);   /* up to 4 MiB */
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 31);
}

static int verify(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 31))
			return 0;
	return 1;
}

int main(void)
{
	static unsigned char *slot[SLOTS];
	static size_t len[SLOTS];
	static unsigned seed[SLOTS];
	int bad = 0, misaligned = 0, nulls = 0;

	for (int round = 0; round < ROUNDS; round++) {
		int i = next() % SLOTS;
		if (slot[i]) {
			if (!verify(slot[i], len[i], seed[i]))
				bad++;
			if (next() % 4 == 0) {
				size_t n = pick_size();
				unsigned char *q = realloc(slot[i], n);
				if (!q) {
					nulls++;
					continue;
				}
				size_t keep = n < len[i] ? n : len[i];
				if (!verify(q, keep, seed[i]))
					bad++;
				slot[i] = q;
				len[i] = n;
				fill(q, n, seed[i]);
				continue;
			}
			free(slot[i]);
			slot[i] = NULL;
		} else {
			len[i] = pick_size();
			seed[i] = next();
			slot[i] = malloc(len[i]);
			if (!slot[i]) {
				nulls++;
				continue;
			}
			if ((uintptr_t)slot[i] % 16)
				misaligned++;
			fill(slot[i], len[i], seed[i]);
		}
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slot[i] && !verify(slot[i], len[i], seed[i]))
			bad++;
		free(slot[i]);
	}
	CHECK_INT(bad, 0);
	CHECK_INT(misaligned, 0);
	CHECK_INT(nulls, 0);

	T_CASE("calloc_zeroes_reused_memory");
	unsigned char *a = malloc(100000);
	CHECK(a != NULL);
	memset(a, 0xAB, 100000);
	free(a);
	unsigned char *z = calloc(100000, 1);
	CHECK(z != NULL);
	int nonzero = 0;
	for (int i = 0; i < 100000; i++)
		nonzero |= z[i];
	CHECK_INT(nonzero, 0);
	free(z);

	T_CASE("one_64_mib_block_is_usable");
	size_t big = 64u << 20;
	unsigned char *b = malloc(big);
	CHECK(b != NULL);
	if (b) {
		for (size_t i = 0; i < big; i += 4096)
			b[i] = (unsigned char)(i >> 12);
		int ok = 1;
		for (size_t i = 0; i < big; i += 4096)
			ok &= b[i] == (unsigned char)(i >> 12);
		CHECK(ok);
		free(b);
	}
	return T_DONE();
}
