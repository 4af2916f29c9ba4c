// Checks access and faccessat: F_OK and R_OK on existing paths, ENOENT
// for missing ones, ENOTDIR through a file, EINVAL for bad mode bits.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int fd = open("/tmp/cf_access", O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK(access("/tmp/cf_access", F_OK) == 0);
	CHECK(access("/tmp/cf_access", R_OK | W_OK) == 0);
	CHECK(access("/tmp", F_OK | X_OK) == 0);
	CHECK(access("/", F_OK) == 0);
	CHECK_ERR(access("/tmp/cf_access_missing", F_OK), ENOENT);
	CHECK_ERR(access("/tmp/cf_access/x", F_OK), ENOTDIR);
	CHECK_ERR(access("/tmp/cf_access", 0100), EINVAL);
	CHECK(faccessat(AT_FDCWD, "/tmp/cf_access", F_OK, 0) == 0);
	CHECK(unlink("/tmp/cf_access") == 0);
	CHECK_ERR(access("/tmp/cf_access", F_OK), ENOENT);
	return T_DONE();
}
