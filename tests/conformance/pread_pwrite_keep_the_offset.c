// Checks pread/pwrite: they use the given offset and leave the file
// offset alone; a negative offset is EINVAL; reading past the end gives 0.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *p = "/tmp/cf_pread";
	char buf[16] = {0};
	int fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK_INT(write(fd, "0123456789", 10), 10);
	CHECK_INT((int)lseek(fd, 2, SEEK_SET), 2);
	CHECK_INT((int)pwrite(fd, "XY", 2, 5), 2);
	CHECK_INT((int)pread(fd, buf, 4, 4), 4);
	CHECK(memcmp(buf, "4XY7", 4) == 0);
	CHECK_INT((int)lseek(fd, 0, SEEK_CUR), 2);
	CHECK_INT((int)read(fd, buf, 3), 3);
	CHECK(memcmp(buf, "234", 3) == 0);
	CHECK_INT((int)pread(fd, buf, 4, 100), 0);
	CHECK_ERR(pread(fd, buf, 4, -1), EINVAL);
	CHECK_ERR(pwrite(fd, buf, 4, -1), EINVAL);
	close(fd);
	CHECK(unlink(p) == 0);
	return T_DONE();
}
