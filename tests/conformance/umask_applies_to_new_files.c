// Checks umask: it returns the previous mask and masks the modes of new
// files and directories, but not chmod.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	struct stat st;
	umask(022);
	CHECK_INT((int)umask(077), 022);
	int fd = open("/tmp/cf_umask", O_CREAT | O_WRONLY | O_TRUNC, 0666);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT((int)(st.st_mode & 0777), 0600);
	close(fd);
	CHECK(mkdir("/tmp/cf_umask_d", 0777) == 0);
	CHECK(stat("/tmp/cf_umask_d", &st) == 0);
	CHECK_INT((int)(st.st_mode & 0777), 0700);
	CHECK(chmod("/tmp/cf_umask", 0664) == 0);
	CHECK(stat("/tmp/cf_umask", &st) == 0);
	CHECK_INT((int)(st.st_mode & 0777), 0664);
	CHECK_INT((int)umask(022), 077);
	CHECK(rmdir("/tmp/cf_umask_d") == 0);
	CHECK(unlink("/tmp/cf_umask") == 0);
	return T_DONE();
}
