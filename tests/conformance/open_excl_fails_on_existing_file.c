// Checks O_CREAT|O_EXCL: creates once, then EEXIST (also for a dangling
// symlink), while plain O_CREAT reopens the existing file.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	const char *p = "/tmp/cf_excl", *l = "/tmp/cf_excl_link";
	unlink(p);
	unlink(l);
	int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_ERR(open(p, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(symlink("/tmp/cf_excl_nowhere", l) == 0);
	CHECK_ERR(open(l, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	CHECK(unlink(l) == 0);
	CHECK(unlink(p) == 0);
	return T_DONE();
}
