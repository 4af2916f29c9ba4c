// Checks /dev/full: every write of bytes (small, large, writev) fails with
// ENOSPC, and reads give zeros like /dev/zero. (Zero-length writes are in
// conformance-next/dev_full_zero_length_write_gives_enospc.c.)
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int fd = open("/dev/full", O_RDWR);
	CHECK(fd >= 0);
	CHECK_ERR(write(fd, "x", 1), ENOSPC);
	static char big[65536];
	CHECK_ERR(write(fd, big, sizeof big), ENOSPC);
	struct iovec v[2] = {{"a", 1}, {"b", 1}};
	CHECK_ERR(writev(fd, v, 2), ENOSPC);
	memset(big, 7, 100);
	CHECK_INT(read(fd, big, 100), 100);
	int nz = 0;
	for (int i = 0; i < 100; i++)
		nz += big[i] != 0;
	CHECK_INT(nz, 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
	close(fd);
	return T_DONE();
}
