// Checks that SEEK_CUR past the end of a /tmp file does not change its
// size until a write, which then lands at the new offset and leaves a
// hole that reads as zeros; SEEK_CUR to a negative offset gives EINVAL.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int fd = open("/tmp/hole", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, "head", 4), 4);
	CHECK_INT(lseek(fd, 10000, SEEK_CUR), 10004);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 4);
	char c;
	CHECK_INT(read(fd, &c, 1), 0);
	CHECK_INT(lseek(fd, 0, SEEK_CUR), 10004);
	CHECK_INT(write(fd, "tail", 4), 4);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10008);
	static char buf[10008];
	CHECK_INT(pread(fd, buf, sizeof buf, 0), 10008);
	CHECK(memcmp(buf, "head", 4) == 0);
	CHECK(memcmp(buf + 10004, "tail", 4) == 0);
	int nz = 0;
	for (int i = 4; i < 10004; i++)
		nz += buf[i] != 0;
	CHECK_INT(nz, 0);
	CHECK_ERR(lseek(fd, -20000, SEEK_CUR), EINVAL);
	CHECK_INT(lseek(fd, 0, SEEK_CUR), 10008);
	CHECK_INT(lseek(fd, -8, SEEK_CUR), 10000);
	CHECK_INT(read(fd, buf, 8), 8);
	CHECK(memcmp(buf, "\0\0\0\0tail", 8) == 0);
	close(fd);
	CHECK(unlink("/tmp/hole") == 0);
	return T_DONE();
}
