// Checks personality(0xffffffff) queries without changing: the base
// personality is PER_LINUX, and setting PER_LINUX returns the old value.
#include <sys/personality.h>
#include "t.h"

int main(void)
{
	int p = personality(0xffffffff);
	CHECK(p != -1);
	CHECK_INT(p & PER_MASK, PER_LINUX);
	int old = personality(PER_LINUX);
	CHECK_INT(old, p);
	CHECK_INT(personality(0xffffffff) & PER_MASK, PER_LINUX);
	return T_DONE();
}
