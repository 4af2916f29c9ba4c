// Checks the *at calls relative to a directory fd: openat, mkdirat,
// fstatat, unlinkat (with and without AT_REMOVEDIR), ENOTDIR through a
// file fd, and absolute paths ignoring dirfd.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *d = "/tmp/cf_at";
	mkdir(d, 0755);
	int dfd = open(d, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	int fd = openat(dfd, "f", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, "hey", 3), 3);
	CHECK(mkdirat(dfd, "sub", 0755) == 0);
	struct stat st;
	CHECK(fstatat(dfd, "f", &st, 0) == 0 && S_ISREG(st.st_mode));
	CHECK_INT((int)st.st_size, 3);
	CHECK(fstatat(dfd, "sub", &st, 0) == 0 && S_ISDIR(st.st_mode));
	CHECK(access("/tmp/cf_at/f", F_OK) == 0);
	CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
	int abs = openat(fd, "/tmp/cf_at/f", O_RDONLY);
	CHECK(abs >= 0);
	close(abs);
	CHECK_ERR(unlinkat(dfd, "sub", 0), EISDIR);
	CHECK(unlinkat(dfd, "sub", AT_REMOVEDIR) == 0);
	CHECK(unlinkat(dfd, "f", 0) == 0);
	CHECK_ERR(fstatat(dfd, "f", &st, 0), ENOENT);
	CHECK_ERR(openat(12345, "f", O_RDONLY), EBADF);
	close(fd);
	close(dfd);
	CHECK(rmdir(d) == 0);
	return T_DONE();
}
