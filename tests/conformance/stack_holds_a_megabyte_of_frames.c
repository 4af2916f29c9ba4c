// Checks that the main thread's stack holds at least 1 MiB of frames
// (Linux gives 8 MiB by default; real programs recurse and put big buffers
// on the stack).
#include <string.h>
#include "t.h"

static int depth_sum(int n)
{
	volatile char frame[4096];
	memset((char *)frame, n & 0xff, sizeof frame);
	if (n == 0)
		return frame[100];
	return depth_sum(n - 1) + (frame[4095] == (char)(n & 0xff));
}

int main(void)
{
	CHECK_INT(depth_sum(256), 256); /* 257 frames of > 4 KiB */
	volatile char big[512 << 10];
	memset((char *)big, 7, sizeof big);
	CHECK(big[0] == 7 && big[sizeof big - 1] == 7);
	return T_DONE();
}
