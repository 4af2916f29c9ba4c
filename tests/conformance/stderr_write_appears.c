// Checks that writes to stderr appear. The unikernel console carries stdout
// and stderr on one serial port, so the harness compares the merged stream
// (it runs the native side with fd 1 and 2 on one file); stdout is flushed
// before each stderr write so the order is the same on both sides.
#include <string.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	T_SAY("to stdout first");
	fprintf(stderr, "to stderr via stdio\n");
	T_SAY("to stdout second");
	const char m[] = "to stderr via write(2)\n";
	CHECK(write(2, m, strlen(m)) == (ssize_t)strlen(m));
	CHECK(fflush(stderr) == 0);
	return T_DONE();
}
