// Checks poll's unrequested bits: POLLHUP on a read end whose writer
// closed, POLLERR on a write end whose reader closed, POLLNVAL for a
// closed fd, and a negative fd is skipped.
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int a[2], b[2];
	CHECK(pipe(a) == 0);
	CHECK(pipe(b) == 0);
	CHECK(close(a[1]) == 0);
	CHECK(close(b[0]) == 0);
	struct pollfd pf[4] = {
		{.fd = a[0], .events = POLLIN},
		{.fd = b[1], .events = POLLOUT},
		{.fd = 250, .events = POLLIN},
		{.fd = -1, .events = POLLIN},
	};
	CHECK_INT(poll(pf, 4, 0), 3);
	CHECK_INT(pf[0].revents, POLLHUP);
	CHECK_INT(pf[1].revents, POLLOUT | POLLERR);
	CHECK_INT(pf[2].revents, POLLNVAL);
	CHECK_INT(pf[3].revents, 0);
	pf[1].events = 0;
	CHECK_INT(poll(&pf[1], 1, 0), 1);
	CHECK_INT(pf[1].revents, POLLERR);
	return T_DONE();
}
