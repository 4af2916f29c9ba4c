// Checks the fd table: dup/dup2/F_DUPFD_CLOEXEC give lowest or requested
// numbers, duplicates share the file offset, FD_CLOEXEC is per descriptor,
// closing one duplicate leaves the file open.
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/conformance-dup-%d", (int)getpid());
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	CHECK(fd >= 3);
	int d = dup(fd);
	CHECK(d == fd + 1);
	CHECK_INT(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_INT(fcntl(d, F_GETFD), 0);
	CHECK_INT(write(fd, "0123456789", 10), 10);
	CHECK_INT(lseek(d, 0, SEEK_CUR), 10);
	CHECK_INT(lseek(d, 2, SEEK_SET), 2);
	char b[4] = {0};
	CHECK_INT(read(fd, b, 3), 3);
	CHECK(strcmp(b, "234") == 0);
	CHECK_INT(dup2(fd, 50), 50);
	CHECK_INT(lseek(50, 0, SEEK_CUR), 5);
	CHECK_INT(dup2(50, 50), 50);
	CHECK_INT(fcntl(fd, F_DUPFD_CLOEXEC, 40), 40);
	CHECK_INT(fcntl(40, F_GETFD), FD_CLOEXEC);
	CHECK_INT(dup3(fd, 60, O_CLOEXEC), 60);
	CHECK_ERR(dup3(fd, fd, 0), EINVAL);
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK(close(fd) == 0);
	CHECK_INT(read(d, b, 1), 1);
	CHECK(b[0] == '5');
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);
	CHECK_INT(dup(d), fd); /* lowest free number again */
	CHECK(close(d) == 0 && close(fd) == 0 && close(40) == 0 && close(50) == 0 && close(60) == 0);
	CHECK(unlink(path) == 0);
	return T_DONE();
}
