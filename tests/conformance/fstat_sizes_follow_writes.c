// Checks st_size and file types through fstat as a file grows, for a
// directory fd and for /dev/null (a character device).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	struct stat st;
	int fd = open("/tmp/cf_fstat", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	CHECK_INT((int)st.st_size, 0);
	static char block[10000];
	CHECK_INT(write(fd, block, sizeof block), 10000);
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT((int)st.st_size, 10000);
	CHECK_INT((int)st.st_nlink, 1);
	CHECK(pwrite(fd, "z", 1, 19999) == 1);
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT((int)st.st_size, 20000);
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	CHECK(fstat(d, &st) == 0 && S_ISDIR(st.st_mode));
	int n = open("/dev/null", O_RDWR);
	CHECK(fstat(n, &st) == 0 && S_ISCHR(st.st_mode));
	close(n);
	close(d);
	close(fd);
	CHECK(unlink("/tmp/cf_fstat") == 0);
	return T_DONE();
}
