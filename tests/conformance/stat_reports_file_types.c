// Checks stat/lstat/fstat file types and device numbers: /dev/null is the
// character device 1:3, /tmp a sticky world-writable directory, "/" a
// directory, a missing path ENOENT, a path through a file ENOTDIR.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	struct stat st;
	CHECK(stat("/dev/null", &st) == 0);
	CHECK(S_ISCHR(st.st_mode));
	CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
	CHECK(stat("/", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK((st.st_mode & 01777) == 01777);
	CHECK_ERR(stat("/no-such-file", &st), ENOENT);
	CHECK_ERR(stat("/dev/null/x", &st), ENOTDIR);
	CHECK_ERR(stat("", &st), ENOENT);
	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 5);
	close(fd);
	CHECK(lstat("/tmp", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(access("/tmp", W_OK) == 0);
	CHECK_ERR(access("/no-such-file", F_OK), ENOENT);
	return T_DONE();
}
