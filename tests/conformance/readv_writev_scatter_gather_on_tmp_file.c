// Checks writev and readv on a /tmp file: three buffers (one empty) are
// written in order as one run, the offset advances by the total, and
// readv spreads the bytes back over differently sized buffers, stopping
// short at end of file; a negative-length iovec gives EINVAL.
#include <fcntl.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int fd = open("/tmp/vio", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	struct iovec w[4] = {
		{"alpha-", 6}, {"", 0}, {"beta-", 5}, {"gamma", 5},
	};
	CHECK_INT(writev(fd, w, 4), 16);
	CHECK_INT(lseek(fd, 0, SEEK_CUR), 16);
	CHECK_INT(lseek(fd, 0, SEEK_SET), 0);
	char a[3], b[10], c[10];
	struct iovec r[3] = {{a, 3}, {b, 10}, {c, 10}};
	memset(c, '#', sizeof c);
	CHECK_INT(readv(fd, r, 3), 16);
	CHECK(memcmp(a, "alp", 3) == 0);
	CHECK(memcmp(b, "ha-beta-ga", 10) == 0);
	CHECK(memcmp(c, "mma#", 4) == 0);
	CHECK_INT(readv(fd, r, 3), 0);
	T_CASE("append_more");
	struct iovec w2[2] = {{"XY", 2}, {"Z", 1}};
	CHECK_INT(writev(fd, w2, 2), 3);
	char all[32];
	CHECK_INT(pread(fd, all, sizeof all, 0), 19);
	CHECK(memcmp(all, "alpha-beta-gammaXYZ", 19) == 0);
	T_CASE("errors");
	struct iovec bad[2] = {{all, 1}, {all, (size_t)-1}};
	CHECK_ERR(writev(fd, bad, 2), EINVAL);
	volatile int neg = -1;
	CHECK_ERR(readv(fd, w, neg), EINVAL);
	CHECK_ERR(writev(99, w, 1), EBADF);
	CHECK_INT(writev(fd, w, 0), 0);
	close(fd);
	CHECK(unlink("/tmp/vio") == 0);
	return T_DONE();
}
