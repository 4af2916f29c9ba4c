// Checks that 150 TCP connections over loopback can be open at once in the
// default VM memory (64 MiB): a listener, 150 clients each connected and
// accepted (301 sockets, each with 64 KiB receive and send buffers in the
// kernel heap: ~38 MiB, more than a default VM's initial heap), every pair
// echoing a few bytes, then all closed and one more connection still
// echoing. The kernel heap must grow on demand; without it connect(2)
// fails with ENOBUFS or a SYN is dropped.
#include "tnet.h"

#define N 150

static int c[N], s[N];

static int echo(int cl, int sv, unsigned i)
{
	unsigned char out[4] = {'e', (unsigned char)i, (unsigned char)(i >> 8), '!'}, mid[4], back[4];
	return tn_write_all(cl, out, 4) == 4 && tn_read_all(sv, mid, 4) == 4 &&
	       tn_write_all(sv, mid, 4) == 4 && tn_read_all(cl, back, 4) == 4 &&
	       memcmp(out, back, 4) == 0;
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

	T_CASE("close all");
	int closed = 0;
	for (int i = 0; i < N; i++) {
		closed += c[i] >= 0 && close(c[i]) == 0;
		closed += s[i] >= 0 && close(s[i]) == 0;
	}
	CHECK_INT(closed, 2 * N);

	T_CASE("one more connection");
	int cl = tn_connect4(&a);
	int sv = cl < 0 ? -1 : accept(ls, NULL, NULL);
	CHECK(cl >= 0 && sv >= 0);
	CHECK(cl >= 0 && sv >= 0 && echo(cl, sv, N));
	close(cl);
	close(sv);
	CHECK(close(ls) == 0);
	return T_DONE();
}
