// Checks /dev/null: reads give end of file (0) every time, including
// readv and pread; writes and writev report their full length; poll says
// readable and writable at once.
#include <fcntl.h>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	char b[64];
	CHECK_INT(read(fd, b, sizeof b), 0);
	CHECK_INT(read(fd, b, sizeof b), 0);
	CHECK_INT(pread(fd, b, sizeof b, 100), 0);
	struct iovec r[2] = {{b, 10}, {b + 10, 10}};
	CHECK_INT(readv(fd, r, 2), 0);
	CHECK_INT(write(fd, "12345", 5), 5);
	static char big[1 << 20];
	CHECK_INT(write(fd, big, sizeof big), sizeof big);
	struct iovec w[2] = {{"ab", 2}, {"cde", 3}};
	CHECK_INT(writev(fd, w, 2), 5);
	struct pollfd pf = {.fd = fd, .events = POLLIN | POLLOUT};
	CHECK_INT(poll(&pf, 1, 0), 1);
	CHECK_INT(pf.revents, POLLIN | POLLOUT);
	close(fd);
	return T_DONE();
}
