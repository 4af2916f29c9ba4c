// Checks close-on-exec bookkeeping: O_CLOEXEC shows as FD_CLOEXEC in
// F_GETFD, F_SETFD clears and sets it, dup drops it, dup3 with O_CLOEXEC
// and F_DUPFD_CLOEXEC set it, pipe2(O_CLOEXEC) sets it on both ends, and
// the flag is per descriptor (not in F_GETFL).
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int a = open("/tmp/cloexec", O_CREAT | O_RDWR | O_CLOEXEC, 0644);
	CHECK(a >= 0);
	CHECK_INT(fcntl(a, F_GETFD), FD_CLOEXEC);
	int b = open("/tmp/cloexec", O_RDWR);
	CHECK_INT(fcntl(b, F_GETFD), 0);
	int d = dup(a);
	CHECK_INT(fcntl(d, F_GETFD), 0);
	CHECK_INT(fcntl(a, F_GETFD), FD_CLOEXEC);
	CHECK_INT(fcntl(a, F_SETFD, 0), 0);
	CHECK_INT(fcntl(a, F_GETFD), 0);
	CHECK_INT(fcntl(a, F_SETFD, FD_CLOEXEC), 0);
	CHECK_INT(fcntl(a, F_GETFD), FD_CLOEXEC);
	CHECK_INT(dup3(b, 30, O_CLOEXEC), 30);
	CHECK_INT(fcntl(30, F_GETFD), FD_CLOEXEC);
	CHECK_INT(dup2(b, 30), 30);
	CHECK_INT(fcntl(30, F_GETFD), 0);
	CHECK_ERR(dup3(b, b, O_CLOEXEC), EINVAL);
	int e = fcntl(b, F_DUPFD_CLOEXEC, 40);
	CHECK_INT(e, 40);
	CHECK_INT(fcntl(e, F_GETFD), FD_CLOEXEC);
	CHECK_INT(fcntl(b, F_GETFD), 0);
	CHECK_INT(fcntl(a, F_GETFL) & O_CLOEXEC, 0);
	int p[2];
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	CHECK_INT(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	CHECK_INT(fcntl(p[1], F_GETFD), FD_CLOEXEC);
	CHECK(unlink("/tmp/cloexec") == 0);
	return T_DONE();
}
