// Checks select on pipes: the write end is writable, the read end only
// after a write, EOF counts as readable, a closed fd in a set is EBADF,
// and a zero timeout returns 0 at once.
#include <sys/select.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	fd_set r, w;
	struct timeval tv = {0, 0};
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	int n = p[1] + 1;
	CHECK_INT(select(n, &r, &w, NULL, &tv), 1);
	CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.tv_usec = 20000;
	CHECK_INT(select(n, &r, NULL, NULL, &tv), 0);
	CHECK(!FD_ISSET(p[0], &r));
	CHECK_INT(write(p[1], "hi", 2), 2);
	FD_SET(p[0], &r);
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	CHECK_INT(select(n, &r, &w, NULL, NULL), 2);
	CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
	char buf[4];
	CHECK_INT(read(p[0], buf, sizeof buf), 2);
	CHECK(close(p[1]) == 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_INT(select(n, &r, NULL, NULL, NULL), 1);
	CHECK(FD_ISSET(p[0], &r));
	FD_ZERO(&r);
	FD_SET(p[1], &r);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	CHECK_ERR(select(n, &r, NULL, NULL, &tv), EBADF);
	CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
	return T_DONE();
}
