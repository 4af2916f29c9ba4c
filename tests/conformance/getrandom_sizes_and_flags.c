// Checks getrandom: small and large requests return the full count (up to
// 256 bytes is guaranteed), GRND_NONBLOCK and GRND_INSECURE work, two draws
// differ, zero bytes returns 0, unknown flags are EINVAL, and getentropy
// refuses more than 256 bytes with EIO.
#define _GNU_SOURCE
#include <sys/random.h>
#include <unistd.h>
#include "t.h"

#ifndef GRND_INSECURE
#define GRND_INSECURE 4
#endif

int main(void)
{
	unsigned char a[256], b[256], big[65536];
	CHECK_INT(getrandom(a, sizeof a, 0), 256);
	CHECK_INT(getrandom(b, sizeof b, GRND_NONBLOCK), 256);
	CHECK(memcmp(a, b, sizeof a) != 0);
	CHECK_INT(getrandom(a, 1, 0), 1);
	CHECK_INT(getrandom(a, 0, 0), 0);
	CHECK(getrandom(big, sizeof big, 0) > 256);
	CHECK_INT(getrandom(a, 16, GRND_INSECURE), 16);
	CHECK_ERR(getrandom(a, 16, 0x80), EINVAL);
	CHECK_INT(getentropy(a, 256), 0);
	CHECK_ERR(getentropy(big, 257), EIO);
	return T_DONE();
}
