// Checks path errors: a missing component ENOENT, a file used as a
// directory ENOTDIR (also with a trailing slash), an empty path ENOENT,
// O_DIRECTORY on a file ENOTDIR, a path over PATH_MAX ENAMETOOLONG.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *f = "/tmp/cf_paths";
	static char longpath[5000];
	int fd = open(f, O_CREAT | O_WRONLY, 0644);
	close(fd);
	struct stat st;
	CHECK_ERR(open("/tmp/cf_no_such/x", O_RDONLY), ENOENT);
	CHECK_ERR(open("/tmp/cf_paths/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(stat("/tmp/cf_paths/", &st), ENOTDIR);
	CHECK_ERR(open("", O_RDONLY), ENOENT);
	CHECK_ERR(stat("", &st), ENOENT);
	CHECK_ERR(open(f, O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(open("/tmp", O_WRONLY), EISDIR);
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	CHECK_ERR(open(longpath, O_RDONLY), ENAMETOOLONG);
	CHECK(unlink(f) == 0);
	return T_DONE();
}
