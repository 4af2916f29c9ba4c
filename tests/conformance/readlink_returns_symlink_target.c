// Checks symlinks on /tmp: readlink returns the target without a NUL and
// truncates to the buffer, lstat sees a link, stat follows it, readlink
// of a regular file is EINVAL.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *f = "/tmp/cf_rl_file", *l = "/tmp/cf_rl_link";
	char buf[64];
	unlink(l);
	int fd = open(f, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK_INT(write(fd, "12345", 5), 5);
	close(fd);
	CHECK(symlink("cf_rl_file", l) == 0);
	memset(buf, 'x', sizeof buf);
	CHECK_INT((int)readlink(l, buf, sizeof buf), 10);
	CHECK(memcmp(buf, "cf_rl_file", 10) == 0 && buf[10] == 'x');
	CHECK_INT((int)readlink(l, buf, 4), 4);
	CHECK(memcmp(buf, "cf_r", 4) == 0);
	struct stat st;
	CHECK(lstat(l, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK_INT((int)st.st_size, 10);
	CHECK(stat(l, &st) == 0 && S_ISREG(st.st_mode));
	CHECK_INT((int)st.st_size, 5);
	CHECK_ERR(readlink(f, buf, sizeof buf), EINVAL);
	CHECK_ERR(symlink("x", l), EEXIST);
	CHECK(unlink(l) == 0);
	CHECK(unlink(f) == 0);
	return T_DONE();
}
