// Checks rename over an existing file: the target gets the source's
// contents, the source name is gone, an open fd on the old target still
// reads the old data.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *a = "/tmp/cf_ren_a", *b = "/tmp/cf_ren_b";
	char buf[8] = {0};
	int fd = open(a, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK_INT(write(fd, "AAA", 3), 3);
	close(fd);
	fd = open(b, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK_INT(write(fd, "BBBBB", 5), 5);
	close(fd);
	int old = open(b, O_RDONLY);
	CHECK(old >= 0);
	CHECK(rename(a, b) == 0);
	CHECK_ERR(access(a, F_OK), ENOENT);
	fd = open(b, O_RDONLY);
	CHECK_INT((int)read(fd, buf, sizeof buf), 3);
	CHECK(memcmp(buf, "AAA", 3) == 0);
	CHECK_INT((int)read(old, buf, sizeof buf), 5);
	CHECK(memcmp(buf, "BBBBB", 5) == 0);
	close(fd);
	close(old);
	CHECK_ERR(rename(a, b), ENOENT);
	CHECK(unlink(b) == 0);
	return T_DONE();
}
