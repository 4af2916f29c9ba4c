// Checks ftruncate and truncate: growing pads with zeros, shrinking drops
// the tail, the offset does not move, a read-only fd is EINVAL, a negative
// length is EINVAL.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *p = "/tmp/cf_ftrunc";
	char buf[16];
	struct stat st;
	int fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK_INT(write(fd, "abcdef", 6), 6);
	CHECK(ftruncate(fd, 4096) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT((int)st.st_size, 4096);
	CHECK_INT((int)lseek(fd, 0, SEEK_CUR), 6);
	CHECK_INT((int)pread(fd, buf, 4, 100), 4);
	CHECK(buf[0] == 0 && buf[3] == 0);
	CHECK(ftruncate(fd, 3) == 0);
	CHECK_INT((int)pread(fd, buf, sizeof buf, 0), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	CHECK(truncate(p, 1) == 0);
	CHECK(stat(p, &st) == 0);
	CHECK_INT((int)st.st_size, 1);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	int ro = open(p, O_RDONLY);
	CHECK_ERR(ftruncate(ro, 0), EINVAL);
	close(ro);
	close(fd);
	CHECK(unlink(p) == 0);
	return T_DONE();
}
