// Checks memfd_create: a writable, seekable anonymous file whose fd has
// FD_CLOEXEC with MFD_CLOEXEC; and O_CLOEXEC/F_DUPFD_CLOEXEC on open files.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	char buf[8] = {0};
	int m = memfd_create("cf", MFD_CLOEXEC);
	CHECK(m >= 0);
	CHECK_INT(fcntl(m, F_GETFD), FD_CLOEXEC);
	CHECK_INT(write(m, "memfd", 5), 5);
	CHECK_INT((int)lseek(m, 0, SEEK_SET), 0);
	CHECK_INT((int)read(m, buf, sizeof buf), 5);
	CHECK(memcmp(buf, "memfd", 5) == 0);
	CHECK(ftruncate(m, 4096) == 0);
	struct stat st;
	CHECK(fstat(m, &st) == 0 && S_ISREG(st.st_mode));
	CHECK_INT((int)st.st_size, 4096);
	int m2 = memfd_create("cf2", 0);
	CHECK_INT(fcntl(m2, F_GETFD), 0);
	int d = fcntl(m2, F_DUPFD_CLOEXEC, 50);
	CHECK(d >= 50);
	CHECK_INT(fcntl(d, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(memfd_create("cf3", 0x100), EINVAL);
	close(d);
	close(m2);
	close(m);
	return T_DONE();
}
