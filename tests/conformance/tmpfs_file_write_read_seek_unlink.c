// Checks a file's life on /tmp (tmpfs in the unikernel): create, write,
// lseek, read back, fstat size, O_EXCL, rename, unlink, then ENOENT.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	char path[64], path2[96];
	snprintf(path, sizeof path, "/tmp/conformance-%d", (int)getpid());
	snprintf(path2, sizeof path2, "%s-renamed", path);
	int fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0);
	const char msg[] = "hello tmpfs\n";
	CHECK_INT(write(fd, msg, sizeof msg - 1), sizeof msg - 1);
	CHECK_INT(lseek(fd, 0, SEEK_CUR), sizeof msg - 1);
	CHECK_INT(lseek(fd, 6, SEEK_SET), 6);
	char buf[32] = {0};
	CHECK_INT(read(fd, buf, sizeof buf), 6);
	CHECK(strcmp(buf, "tmpfs\n") == 0);
	CHECK_INT(read(fd, buf, sizeof buf), 0);
	CHECK_INT(pwrite(fd, "H", 1, 0), 1);
	CHECK_INT(pread(fd, buf, 5, 0), 5);
	CHECK(memcmp(buf, "Hello", 5) == 0);
	/* A hole: seeking past the end and writing gives zeros in between. */
	CHECK_INT(lseek(fd, 100, SEEK_SET), 100);
	CHECK_INT(write(fd, "x", 1), 1);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT(st.st_size, 101);
	CHECK(S_ISREG(st.st_mode));
	CHECK_INT(pread(fd, buf, 4, 50), 4);
	CHECK(buf[0] == 0 && buf[3] == 0);
	CHECK(ftruncate(fd, 5) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 5);
	CHECK(close(fd) == 0);
	CHECK_ERR(open(path, O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST);
	CHECK(rename(path, path2) == 0);
	CHECK_ERR(open(path, O_RDONLY), ENOENT);
	CHECK(unlink(path2) == 0);
	CHECK_ERR(open(path2, O_RDONLY), ENOENT);
	CHECK_ERR(close(fd), EBADF);
	return T_DONE();
}
