// Checks qsort on 1000 struct records with a two-key comparator gives a
// fully ordered array, bsearch finds every key and misses absent ones, and
// qsort of zero or one element is harmless.
#include <stdlib.h>
#include "t.h"

struct rec { int key, sub; };

static int cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->sub > y->sub) - (x->sub < y->sub);
}

int main(void)
{
	static struct rec r[1000];
	unsigned s = 12345;
	for (int i = 0; i < 1000; i++) {
		s = s * 1103515245u + 12345u;
		r[i].key = (int)((s >> 16) % 500) * 2;
		r[i].sub = i;
	}
	qsort(r, 1000, sizeof r[0], cmp);
	int bad = 0;
	for (int i = 1; i < 1000; i++)
		bad += cmp(&r[i - 1], &r[i]) > 0;
	CHECK_INT(bad, 0);
	int miss = 0;
	for (int i = 0; i < 1000; i++)
		miss += bsearch(&r[i], r, 1000, sizeof r[0], cmp) == NULL;
	CHECK_INT(miss, 0);
	struct rec odd = { 7, 0 };
	CHECK(bsearch(&odd, r, 1000, sizeof r[0], cmp) == NULL);
	qsort(r, 0, sizeof r[0], cmp);
	qsort(r, 1, sizeof r[0], cmp);
	CHECK(cmp(&r[0], &r[1]) <= 0);
	return T_DONE();
}
