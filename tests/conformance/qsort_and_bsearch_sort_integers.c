// Checks qsort on a few thousand pseudo-random integers and bsearch on the
// result (deterministic input, so the printed checksum is the same anywhere).
#include <stdlib.h>
#include "t.h"

static int cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	enum { N = 5000 };
	static int v[N];
	unsigned s = 1;
	for (int i = 0; i < N; i++) {
		s = s * 1103515245 + 12345;
		v[i] = (int)(s >> 8) % 100000 - 50000;
	}
	qsort(v, N, sizeof v[0], cmp);
	int sorted = 1;
	long long sum = 0;
	for (int i = 0; i < N; i++) {
		if (i && v[i - 1] > v[i])
			sorted = 0;
		sum += (long long)v[i] * (i % 7);
	}
	CHECK(sorted);
	T_SAY("min %d max %d median %d weighted %lld", v[0], v[N - 1], v[N / 2], sum);
	int key = v[1234];
	int *hit = bsearch(&key, v, N, sizeof v[0], cmp);
	CHECK(hit != NULL && *hit == key);
	key = 60000;
	CHECK(bsearch(&key, v, N, sizeof v[0], cmp) == NULL);
	return T_DONE();
}
