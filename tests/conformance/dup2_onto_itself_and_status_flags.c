// Checks dup2 onto itself (returns the fd, nothing closed), dup3 with
// oldfd == newfd (EINVAL), F_GETFL access modes and F_SETFL changing
// O_APPEND/O_NONBLOCK but not the access mode, and FD_CLOEXEC per fd.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *p = "/tmp/cf_flags";
	int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_INT(dup2(fd, fd), fd);
	CHECK_INT(write(fd, "x", 1), 1);
	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK_INT(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	CHECK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDWR) == 0);
	int fl = fcntl(fd, F_GETFL);
	CHECK_INT(fl & O_ACCMODE, O_WRONLY);
	CHECK((fl & O_APPEND) && (fl & O_NONBLOCK));
	int ro = open(p, O_RDONLY | O_CLOEXEC);
	CHECK_INT(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_INT(fcntl(ro, F_GETFD), FD_CLOEXEC);
	int d = dup(ro);
	CHECK_INT(fcntl(d, F_GETFD), 0);
	CHECK(fcntl(ro, F_SETFD, 0) == 0);
	CHECK_INT(fcntl(ro, F_GETFD), 0);
	CHECK_ERR(fcntl(99, F_GETFD), EBADF);
	close(d);
	close(ro);
	close(fd);
	CHECK(unlink(p) == 0);
	return T_DONE();
}
