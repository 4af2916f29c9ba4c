// Checks that a failing assert prints musl's message to stderr and aborts
// with status 134.
// status: 134
#include <assert.h>
#include "t.h"

int main(int argc, char **argv)
{
	(void)argv;
	CHECK(argc == 1);
	T_SAY("asserting");
	assert(argc == 42);
	return T_DONE();
}
