// Checks O_TRUNC: an existing file opened for writing with O_TRUNC has
// size 0; opened without it, the contents stay.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *p = "/tmp/cf_trunc";
	struct stat st;
	int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, "0123456789", 10), 10);
	close(fd);
	fd = open(p, O_WRONLY);
	close(fd);
	CHECK(stat(p, &st) == 0);
	CHECK_INT((int)st.st_size, 10);
	fd = open(p, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT((int)st.st_size, 0);
	close(fd);
	CHECK(unlink(p) == 0);
	return T_DONE();
}
