// Checks O_APPEND: every write lands at the end even after lseek to 0,
// and the offset afterwards is the new end.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *p = "/tmp/cf_append";
	char buf[32] = {0};
	int fd = open(p, O_CREAT | O_RDWR | O_TRUNC | O_APPEND, 0644);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, "abc", 3), 3);
	CHECK_INT((int)lseek(fd, 0, SEEK_SET), 0);
	CHECK_INT(write(fd, "def", 3), 3);
	CHECK_INT((int)lseek(fd, 0, SEEK_CUR), 6);
	CHECK_INT((int)pread(fd, buf, sizeof buf, 0), 6);
	CHECK(memcmp(buf, "abcdef", 6) == 0);
	CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0);
	close(fd);
	CHECK(unlink(p) == 0);
	return T_DONE();
}
