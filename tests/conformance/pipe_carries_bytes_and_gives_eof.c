// Checks pipe2: bytes written come out in order, reading after the write end
// closes gives EOF, writing after the read end closes gives EPIPE (with
// SIGPIPE ignored), O_NONBLOCK gives EAGAIN when empty.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int p[2];
	char buf[64];
	CHECK(pipe(p) == 0);
	CHECK_INT(write(p[1], "abc", 3), 3);
	CHECK_INT(write(p[1], "def", 3), 3);
	CHECK_INT(read(p[0], buf, sizeof buf), 6);
	CHECK(memcmp(buf, "abcdef", 6) == 0);
	CHECK(close(p[1]) == 0);
	CHECK_INT(read(p[0], buf, sizeof buf), 0);
	CHECK(close(p[0]) == 0);

	CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
	CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);
	CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC);
	CHECK((fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);
	/* Fill the pipe: a full pipe says EAGAIN, and holds at least 4 KiB. */
	long total = 0;
	ssize_t n;
	while ((n = write(p[1], buf, sizeof buf)) > 0)
		total += n;
	CHECK(n == -1 && errno == EAGAIN);
	CHECK(total >= 4096);
	signal(SIGPIPE, SIG_IGN);
	CHECK(close(p[0]) == 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(close(p[1]) == 0);
	return T_DONE();
}
