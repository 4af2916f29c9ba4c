// Checks the default SIGPIPE action: a write to a pipe without readers
// kills the program (status 128 + 13).
// status: 141
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(close(p[0]) == 0);
	T_SAY("writing");
	ssize_t n = write(p[1], "x", 1);
	T_SAY("still alive after write: %zd", n);
	return T_DONE();
}
