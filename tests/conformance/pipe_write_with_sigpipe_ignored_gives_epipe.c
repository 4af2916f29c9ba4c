// Checks writes to a pipe without readers: EPIPE when SIGPIPE is ignored,
// also from a blocking write that has data queued, and for writev.
#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_INT(write(p[1], "abc", 3), 3);
	CHECK(close(p[0]) == 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	struct iovec iov = {.iov_base = "y", .iov_len = 1};
	CHECK_ERR(writev(p[1], &iov, 1), EPIPE);
	CHECK_INT(write(p[1], "", 0), 0);
	CHECK(close(p[1]) == 0);
	return T_DONE();
}
