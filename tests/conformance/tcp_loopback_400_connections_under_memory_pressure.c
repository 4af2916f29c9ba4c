// Checks that 400 TCP connections over loopback can be open at once in the
// default VM memory (64 MiB), and that every one carries data: a listener,
// 400 clients each connected and accepted (801 sockets). The kernel heap
// must grow on demand (from 4 MiB at boot; without growth connection 60
// got ENOBUFS), and at smoltcp's 64 KiB per buffer 801 sockets would need
// about 100 MiB, more than a 64 MiB VM's heap can ever grow to, so once
// memory runs short new connections must get smaller buffers (as Linux
// moderates them under tcp_mem pressure) instead of connect(2) failing
// with ENOBUFS (which it did at connection 220 with growth alone).
// Then the last connection (the smallest buffers) moves 256 KiB each way
// in 1 KiB steps, every byte checked, and everything is closed.
#include "tnet.h"

#define N 400
#define STEP 1024
#define BULK (256 * 1024)

static int c[N], s[N];

static int echo(int cl, int sv, unsigned i)
{
	unsigned char out[4] = {'e', (unsigned char)i, (unsigned char)(i >> 8), '!'}, mid[4], back[4];
	return tn_write_all(cl, out, 4) == 4 && tn_read_all(sv, mid, 4) == 4 &&
	       tn_write_all(sv, mid, 4) == 4 && tn_read_all(cl, back, 4) == 4 &&
	       memcmp(out, back, 4) == 0;
}

// Sends BULK bytes from cl through sv and back, STEP at a time (any
// window of at least STEP bytes keeps this moving); returns the bytes
// that came back intact.
static long bulk(int cl, int sv)
{
	static unsigned char out[STEP], mid[STEP], back[STEP];
	long ok = 0;
	for (long off = 0; off < BULK; off += STEP) {
		tn_fill(out, STEP, (size_t)off, 7);
		if (tn_write_all(cl, out, STEP) != STEP || tn_read_all(sv, mid, STEP) != STEP ||
		    tn_write_all(sv, mid, STEP) != STEP || tn_read_all(cl, back, STEP) != STEP)
			break;
		if (tn_check(back, STEP, (size_t)off, 7) >= 0)
			break;
		ok += STEP;
	}
	return ok;
}

int main(void)
{
	struct sockaddr_in a;
	int ls = tn_listen4(&a);
	CHECK(ls >= 0);
	CHECK(listen(ls, N) == 0);

	T_CASE("open");
	int connected = 0, accepted = 0;
	for (int i = 0; i < N; i++) {
		c[i] = tn_connect4(&a);
		s[i] = c[i] < 0 ? -1 : accept(ls, NULL, NULL);
		connected += c[i] >= 0;
		accepted += s[i] >= 0;
		if (c[i] < 0 || s[i] < 0) {
			T_SAY("connection %d failed: errno %s", i, t_errname(errno));
			break;
		}
	}
	CHECK_INT(connected, N);
	CHECK_INT(accepted, N);

	T_CASE("echo on every connection");
	int echoed = 0;
	for (int i = 0; i < connected && i < accepted; i++)
		echoed += echo(c[i], s[i], (unsigned)i);
	CHECK_INT(echoed, N);

	T_CASE("bulk on the last connection");
	if (connected == N && accepted == N)
		CHECK_INT(bulk(c[N - 1], s[N - 1]), BULK);

	T_CASE("close all");
	int closed = 0;
	for (int i = 0; i < N; i++) {
		closed += c[i] >= 0 && close(c[i]) == 0;
		closed += s[i] >= 0 && close(s[i]) == 0;
	}
	CHECK_INT(closed, 2 * N);
	CHECK(close(ls) == 0);
	return T_DONE();
}
