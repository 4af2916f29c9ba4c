// Checks directory errors: mkdir EEXIST, rmdir ENOTEMPTY and ENOTDIR,
// unlink of a directory EISDIR, rmdir of a missing one ENOENT, rmdir "."
// EINVAL.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *d = "/tmp/cf_dirs";
	CHECK(mkdir(d, 0755) == 0);
	CHECK_ERR(mkdir(d, 0755), EEXIST);
	CHECK(mkdir("/tmp/cf_dirs/inner", 0755) == 0);
	int fd = open("/tmp/cf_dirs/file", O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK_ERR(rmdir(d), ENOTEMPTY);
	CHECK_ERR(rmdir("/tmp/cf_dirs/file"), ENOTDIR);
	CHECK_ERR(unlink("/tmp/cf_dirs/inner"), EISDIR);
	CHECK_ERR(rmdir("/tmp/cf_dirs/none"), ENOENT);
	CHECK_ERR(rmdir("/tmp/cf_dirs/inner/."), EINVAL);
	CHECK_ERR(mkdir("/tmp/cf_dirs/none/deeper", 0755), ENOENT);
	struct stat st;
	CHECK(stat("/tmp/cf_dirs/inner", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(rmdir("/tmp/cf_dirs/inner") == 0);
	CHECK(unlink("/tmp/cf_dirs/file") == 0);
	CHECK(rmdir(d) == 0);
	CHECK_ERR(rmdir(d), ENOENT);
	return T_DONE();
}
