// Checks RLIMIT_NOFILE: after lowering the soft limit to 32, opening and
// dup'ing give increasing descriptors up to 31 and then fail with EMFILE; closing
// one frees exactly that number for the next open; dup2 to a number at or
// above the limit gives EBADF and F_DUPFD from there gives EINVAL.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	rl.rlim_cur = 32;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	int fd = open("/tmp/nofile", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0 && fd < 32);
	int last = fd, count = 0, bad = 0, mid = -1;
	for (;;) {
		int d = (count & 1) ? dup(fd) : open("/tmp/nofile", O_RDONLY);
		if (d < 0)
			break;
		if (d <= last || d >= 32)
			bad++;
		last = d;
		if (count == 10)
			mid = d;
		count++;
	}
	CHECK_INT(errno, EMFILE);
	CHECK_INT(bad, 0);
	CHECK_INT(last, 31);
	CHECK_ERR(open("/tmp/nofile", O_RDONLY), EMFILE);
	CHECK_ERR(dup(fd), EMFILE);
	int p[2];
	CHECK_ERR(pipe(p), EMFILE);
	CHECK(close(mid) == 0);
	CHECK(open("/tmp/nofile", O_RDONLY) == mid);
	CHECK_ERR(open("/tmp/nofile", O_RDONLY), EMFILE);
	CHECK_ERR(dup2(fd, 32), EBADF);
	CHECK_ERR(dup2(fd, 40), EBADF);
	CHECK_ERR(fcntl(fd, F_DUPFD, 32), EINVAL);
	CHECK(close(31) == 0);
	CHECK_INT(fcntl(fd, F_DUPFD, 25), 31);
	CHECK(unlink("/tmp/nofile") == 0);
	return T_DONE();
}
