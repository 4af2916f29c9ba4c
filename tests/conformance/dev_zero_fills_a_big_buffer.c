// Checks /dev/zero: one read of 2 MiB into a buffer filled with 0xAA
// returns the full count and zeros every byte; writes are swallowed with
// their full count; lseek succeeds; fstat says character device.
// memory: 128M
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

#define SZ (2u << 20)

int main(void)
{
	unsigned char *b = malloc(SZ);
	CHECK(b != NULL);
	if (!b)
		return T_DONE();
	memset(b, 0xaa, SZ);
	int fd = open("/dev/zero", O_RDWR);
	CHECK(fd >= 0);
	CHECK_INT(read(fd, b, SZ), SZ);
	size_t nz = 0;
	for (size_t i = 0; i < SZ; i++)
		nz += b[i] != 0;
	CHECK_INT(nz, 0);
	memset(b, 0x55, 4096);
	CHECK_INT(read(fd, b + 1, 4095), 4095);
	CHECK_INT(b[0], 0x55);
	CHECK_INT(b[1], 0);
	CHECK_INT(b[4095], 0);
	CHECK_INT(write(fd, b, SZ), SZ);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
	close(fd);
	return T_DONE();
}
