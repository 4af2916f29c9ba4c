// Checks that a zero-length write(2) to /dev/full fails with ENOSPC like
// every other write to it (Linux's write_full returns -ENOSPC whatever the
// count), while a writev whose iovecs total zero bytes returns 0 (Linux's
// vfs_writev returns before calling the device).
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int fd = open("/dev/full", O_WRONLY);
	CHECK(fd >= 0);
	char c = 0;
	CHECK_ERR(write(fd, &c, 0), ENOSPC);
	struct iovec v[1] = {{&c, 0}};
	CHECK_INT(writev(fd, v, 1), 0);
	CHECK_ERR(write(fd, "x", 1), ENOSPC);
	close(fd);
	return T_DONE();
}
