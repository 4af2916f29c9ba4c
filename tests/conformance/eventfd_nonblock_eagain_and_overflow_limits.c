// Checks eventfd corner cases: EFD_NONBLOCK read of a zero counter gives
// EAGAIN, a write that would pass 0xfffffffffffffffe gives EAGAIN, writing
// 0xffffffffffffffff gives EINVAL, buffers under 8 bytes give EINVAL, and
// a read returns the whole counter and resets it.
#include <stdint.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	int e = eventfd(0, EFD_NONBLOCK);
	CHECK(e >= 0);
	CHECK((fcntl(e, F_GETFL) & O_NONBLOCK) != 0);
	uint64_t v = 0;
	CHECK_ERR(read(e, &v, sizeof v), EAGAIN);
	v = 0xfffffffffffffffeULL;
	CHECK_INT(write(e, &v, sizeof v), 8);
	v = 1;
	CHECK_ERR(write(e, &v, sizeof v), EAGAIN);
	v = 0xffffffffffffffffULL;
	CHECK_ERR(write(e, &v, sizeof v), EINVAL);
	uint32_t small = 1;
	CHECK_ERR(write(e, &small, sizeof small), EINVAL);
	CHECK_ERR(read(e, &small, sizeof small), EINVAL);
	v = 0;
	CHECK_INT(read(e, &v, sizeof v), 8);
	CHECK(v == 0xfffffffffffffffeULL);
	CHECK_ERR(read(e, &v, sizeof v), EAGAIN);
	v = 0;
	CHECK_INT(write(e, &v, sizeof v), 8);
	CHECK_ERR(read(e, &v, sizeof v), EAGAIN);
	v = 3;
	CHECK_INT(write(e, &v, sizeof v), 8);
	CHECK_INT(write(e, &v, sizeof v), 8);
	uint64_t buf[2] = {0, 0};
	CHECK_INT(read(e, buf, sizeof buf), 8);
	CHECK_INT(buf[0], 6);
	CHECK_INT(close(e), 0);
	return T_DONE();
}
