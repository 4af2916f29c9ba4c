// Checks O_NONBLOCK pipes: an empty pipe's read is EAGAIN, a full pipe's
// write is EAGAIN, a small write is all or nothing (PIPE_BUF atomicity),
// and fcntl F_SETFL turns O_NONBLOCK on later.
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int p[2];
	static char buf[70000];
	CHECK(pipe2(p, O_NONBLOCK) == 0);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	long total = 0;
	ssize_t n;
	while ((n = write(p[1], buf, 1000)) > 0) {
		if (n != 1000)
			break;
		total += n;
	}
	CHECK(n == -1 && errno == EAGAIN);
	CHECK(total >= 4096);
	CHECK_INT(read(p[0], buf, 1000), 1000);
	CHECK_INT(read(p[0], buf, sizeof buf), total - 1000);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	CHECK(close(p[0]) == 0 && close(p[1]) == 0);

	CHECK(pipe(p) == 0);
	CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	CHECK_INT(PIPE_BUF, 4096);
	return T_DONE();
}
