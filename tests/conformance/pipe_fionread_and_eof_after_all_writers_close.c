// Checks FIONREAD on a pipe, F_GETPIPE_SZ/F_SETPIPE_SZ, and that EOF
// comes only when every write end (dup'd ones included) is closed.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int n = -1;
	CHECK(ioctl(p[0], FIONREAD, &n) == 0);
	CHECK_INT(n, 0);
	CHECK_INT(write(p[1], "12345", 5), 5);
	CHECK(ioctl(p[0], FIONREAD, &n) == 0);
	CHECK_INT(n, 5);
	int w2 = dup(p[1]);
	CHECK(w2 >= 0);
	CHECK(close(p[1]) == 0);
	char buf[8];
	CHECK_INT(read(p[0], buf, sizeof buf), 5);
	CHECK_INT(write(w2, "6", 1), 1);
	CHECK(close(w2) == 0);
	CHECK_INT(read(p[0], buf, sizeof buf), 1);
	CHECK_INT(read(p[0], buf, sizeof buf), 0);
	CHECK_INT(read(p[0], buf, sizeof buf), 0);
	CHECK_INT(fcntl(p[0], F_GETPIPE_SZ), 65536);
	CHECK_INT(fcntl(p[0], F_SETPIPE_SZ, 100000), 131072);
	CHECK_INT(fcntl(p[0], F_GETPIPE_SZ), 131072);
	CHECK_ERR(fcntl(0, F_GETPIPE_SZ), EBADF);
	return T_DONE();
}
