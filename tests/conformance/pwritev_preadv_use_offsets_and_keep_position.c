// Checks pwritev/preadv on a /tmp file: writes land at the given offsets
// (a write past the end leaves zeros between), the file position stays
// where it was, and preadv reads back from an offset into two buffers.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int fd = open("/tmp/pv", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, "0123456789", 10), 10);
	CHECK_INT(lseek(fd, 3, SEEK_SET), 3);
	struct iovec w[2] = {{"ab", 2}, {"cd", 2}};
	CHECK_INT(pwritev(fd, w, 2, 4), 4);
	CHECK_INT(lseek(fd, 0, SEEK_CUR), 3);
	CHECK_INT(pwritev(fd, w, 2, 20), 4);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 24);
	CHECK_INT(lseek(fd, 0, SEEK_CUR), 3);
	char x[5], y[30];
	memset(y, '#', sizeof y);
	struct iovec r[2] = {{x, 5}, {y, 30}};
	CHECK_INT(preadv(fd, r, 2, 2), 22);
	CHECK(memcmp(x, "23abc", 5) == 0);
	CHECK(memcmp(y, "d89\0\0\0\0\0\0\0\0\0\0abcd#", 18) == 0);
	CHECK_INT(lseek(fd, 0, SEEK_CUR), 3);
	char c;
	CHECK_INT(read(fd, &c, 1), 1);
	CHECK_INT(c, '3');
	CHECK_ERR(pwritev(fd, w, 2, -1), EINVAL);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK_ERR(pwritev(p[1], w, 2, 0), ESPIPE);
	close(fd);
	CHECK(unlink("/tmp/pv") == 0);
	return T_DONE();
}
