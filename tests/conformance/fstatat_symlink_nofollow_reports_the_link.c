// Checks fstatat relative to a directory fd: without flags it follows a
// symlink to the file (regular, its size); with AT_SYMLINK_NOFOLLOW it
// reports the link itself (S_IFLNK, size = length of the target text); a
// dangling link gives ENOENT only when followed; bad flags give EINVAL.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	CHECK(mkdir("/tmp/fsat", 0755) == 0);
	int dfd = open("/tmp/fsat", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	int fd = openat(dfd, "file", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, "hello world", 11), 11);
	close(fd);
	CHECK(symlinkat("file", dfd, "link") == 0);
	CHECK(symlinkat("nowhere", dfd, "dangling") == 0);
	struct stat st;
	CHECK(fstatat(dfd, "link", &st, 0) == 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_INT(st.st_size, 11);
	CHECK(fstatat(dfd, "link", &st, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_INT(st.st_size, 4);
	CHECK_ERR(fstatat(dfd, "dangling", &st, 0), ENOENT);
	CHECK(fstatat(dfd, "dangling", &st, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_INT(st.st_size, 7);
	CHECK(fstatat(AT_FDCWD, "/tmp/fsat/link", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
	CHECK_ERR(fstatat(dfd, "link", &st, 0x12345), EINVAL);
	CHECK_ERR(fstatat(fd, "link", &st, 0), EBADF);
	CHECK(unlinkat(dfd, "link", 0) == 0);
	CHECK(unlinkat(dfd, "dangling", 0) == 0);
	CHECK(unlinkat(dfd, "file", 0) == 0);
	close(dfd);
	CHECK(rmdir("/tmp/fsat") == 0);
	return T_DONE();
}
