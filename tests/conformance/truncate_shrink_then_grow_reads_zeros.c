// Checks that shrinking a file with truncate and growing it again with
// ftruncate leaves zeros where the old data was: bytes past the cut read
// as 0 through read, pread and a fresh descriptor, and the size follows.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int fd = open("/tmp/trunc0", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	char buf[3000];
	memset(buf, 'x', sizeof buf);
	CHECK_INT(write(fd, buf, 3000), 3000);
	CHECK(truncate("/tmp/trunc0", 10) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10);
	CHECK(ftruncate(fd, 5000) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 5000);
	CHECK_INT(lseek(fd, 0, SEEK_SET), 0);
	static char r[6000];
	memset(r, 'q', sizeof r);
	CHECK_INT(read(fd, r, sizeof r), 5000);
	int xs = 0, zeros = 0;
	for (int i = 0; i < 5000; i++) {
		xs += r[i] == 'x';
		zeros += r[i] == 0;
	}
	CHECK_INT(xs, 10);
	CHECK_INT(zeros, 4990);
	CHECK(r[5000] == 'q');
	char c = 1;
	CHECK_INT(pread(fd, &c, 1, 2999), 1);
	CHECK_INT(c, 0);
	int fd2 = open("/tmp/trunc0", O_RDONLY);
	CHECK(fd2 >= 0);
	c = 1;
	CHECK_INT(pread(fd2, &c, 1, 10), 1);
	CHECK_INT(c, 0);
	CHECK_INT(pread(fd2, &c, 1, 9), 1);
	CHECK_INT(c, 'x');
	CHECK_INT(pread(fd2, &c, 1, 5000), 0);
	CHECK(ftruncate(fd, 0) == 0);
	CHECK_INT(pread(fd2, &c, 1, 0), 0);
	CHECK_ERR(truncate("/tmp/trunc0", -1), EINVAL);
	close(fd2);
	close(fd);
	CHECK(unlink("/tmp/trunc0") == 0);
	return T_DONE();
}
