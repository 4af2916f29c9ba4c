// Checks that an unlinked file stays usable through an open fd: reads,
// writes and fstat work, st_nlink is 0, the name is gone.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *p = "/tmp/cf_unlinked";
	char buf[16] = {0};
	int fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK_INT(write(fd, "still here", 10), 10);
	CHECK(unlink(p) == 0);
	CHECK_ERR(open(p, O_RDONLY), ENOENT);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT((int)st.st_nlink, 0);
	CHECK_INT((int)st.st_size, 10);
	CHECK_INT((int)pread(fd, buf, sizeof buf, 0), 10);
	CHECK(memcmp(buf, "still here", 10) == 0);
	CHECK_INT(write(fd, "!", 1), 1);
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT((int)st.st_size, 11);
	CHECK(close(fd) == 0);
	return T_DONE();
}
