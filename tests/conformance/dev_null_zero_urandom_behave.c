// Checks the device files: /dev/null swallows writes and reads EOF,
// /dev/zero reads zeros, /dev/urandom reads bytes that are not all equal,
// getrandom fills a buffer.
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	char buf[256];
	int fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, "abc", 3), 3);
	CHECK_INT(read(fd, buf, sizeof buf), 0);
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0);
	memset(buf, 1, sizeof buf);
	CHECK_INT(read(fd, buf, sizeof buf), sizeof buf);
	int nz = 0;
	for (unsigned i = 0; i < sizeof buf; i++)
		nz |= buf[i];
	CHECK_INT(nz, 0);
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_INT(read(fd, buf, sizeof buf), sizeof buf);
	int distinct = 0;
	for (unsigned i = 1; i < sizeof buf; i++)
		distinct |= buf[i] != buf[0];
	CHECK(distinct);
	close(fd);
	CHECK_INT(getrandom(buf, 64, 0), 64);
	return T_DONE();
}
