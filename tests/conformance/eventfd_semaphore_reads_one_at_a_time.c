// Checks eventfd with EFD_SEMAPHORE: each read returns 1 and decrements,
// EAGAIN (nonblocking) at zero; without the flag a read takes the whole
// counter.
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	int s = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(s >= 0);
	uint64_t v = 0;
	for (int i = 0; i < 3; i++) {
		CHECK_INT(read(s, &v, sizeof v), 8);
		CHECK_INT(v, 1);
	}
	CHECK_ERR(read(s, &v, sizeof v), EAGAIN);
	v = 2;
	CHECK_INT(write(s, &v, sizeof v), 8);
	CHECK_INT(read(s, &v, sizeof v), 8);
	CHECK_INT(v, 1);

	int c = eventfd(0, EFD_NONBLOCK);
	CHECK(c >= 0);
	v = 7;
	CHECK_INT(write(c, &v, sizeof v), 8);
	CHECK_INT(write(c, &v, sizeof v), 8);
	CHECK_INT(read(c, &v, sizeof v), 8);
	CHECK_INT(v, 14);
	CHECK_ERR(read(c, &v, sizeof v), EAGAIN);
	CHECK_ERR(read(c, &v, 4), EINVAL);
	v = UINT64_MAX;
	CHECK_ERR(write(c, &v, sizeof v), EINVAL);
	v = UINT64_MAX - 1;
	CHECK_INT(write(c, &v, sizeof v), 8);
	v = 1;
	CHECK_ERR(write(c, &v, sizeof v), EAGAIN);
	CHECK_ERR(eventfd(0, 0x10), EINVAL);
	return T_DONE();
}
