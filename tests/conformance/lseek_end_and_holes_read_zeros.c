// Checks lseek SEEK_END and holes: writing past the end extends the file,
// the gap reads as zeros, and negative results are EINVAL.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *p = "/tmp/cf_hole";
	char buf[8];
	int fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, "head", 4), 4);
	CHECK_INT((int)lseek(fd, 0, SEEK_END), 4);
	CHECK_INT((int)lseek(fd, 10000, SEEK_END), 10004);
	CHECK_INT(write(fd, "tail", 4), 4);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT((int)st.st_size, 10008);
	CHECK_INT((int)pread(fd, buf, 8, 5000), 8);
	int zeros = 1;
	for (int i = 0; i < 8; i++)
		zeros &= buf[i] == 0;
	CHECK(zeros);
	CHECK_INT((int)lseek(fd, -4, SEEK_END), 10004);
	CHECK_INT((int)read(fd, buf, 8), 4);
	CHECK(memcmp(buf, "tail", 4) == 0);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, -20000, SEEK_END), EINVAL);
	close(fd);
	CHECK(unlink(p) == 0);
	return T_DONE();
}
