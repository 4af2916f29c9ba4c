// A peer that closes with SO_LINGER {1, 0} resets the connection: poll on
// the other side reports IN|RDHUP|HUP|ERR, the first send reports the
// reset (ECONNRESET, no signal), later sends give EPIPE with SIGPIPE
// (caught here), or without it under MSG_NOSIGNAL; read then gives 0.
// A write to a peer that closed normally and then answered with a reset
// gives EPIPE too.
#include <signal.h>
#include "../conformance/tnet.h"

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

int main(void)
{
	struct sigaction sa = {.sa_handler = on_sigpipe};
	CHECK(sigaction(SIGPIPE, &sa, NULL) == 0);

	T_CASE("reset by SO_LINGER zero");
	int c = -1, s = -1;
	CHECK(tn_accepted_pair(&c, &s) == 0);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
	CHECK(close(s) == 0);
	struct pollfd p = {.fd = c, .events = POLLIN | POLLOUT | POLLRDHUP};
	CHECK_INT(poll(&p, 1, 5000), 1);
	T_SAY("poll %s", tn_poll_bits(p.revents));
	CHECK_ERR(send(c, "a", 1, 0), ECONNRESET);
	CHECK_INT(sigpipes, 0);
	CHECK_ERR(send(c, "b", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_INT(sigpipes, 0);
	CHECK_ERR(write(c, "c", 1), EPIPE);
	CHECK_INT(sigpipes, 1);
	CHECK_ERR(send(c, "d", 1, 0), EPIPE);
	CHECK_INT(sigpipes, 2);
	char buf[8];
	CHECK_INT(read(c, buf, sizeof buf), 0);
	close(c);

	T_CASE("reset read before any write");
	CHECK(tn_accepted_pair(&c, &s) == 0);
	CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
	CHECK(close(s) == 0);
	CHECK_INT(poll(&p, 1, 5000), 1);
	CHECK_ERR(read(c, buf, sizeof buf), ECONNRESET);
	CHECK_INT(read(c, buf, sizeof buf), 0);
	int err = -1;
	socklen_t len = sizeof err;
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	CHECK_INT(err, 0);
	close(c);

	T_CASE("write after the peer closed");
	CHECK(tn_accepted_pair(&c, &s) == 0);
	CHECK(close(s) == 0);
	p.events = POLLIN | POLLRDHUP;
	CHECK_INT(poll(&p, 1, 5000), 1);
	T_SAY("poll %s", tn_poll_bits(p.revents));
	CHECK_INT(send(c, "x", 1, MSG_NOSIGNAL), 1); /* the closed peer answers RST */
	int tries = 0;
	long r;
	do {
		usleep(20000);
		r = send(c, "y", 1, MSG_NOSIGNAL);
	} while (r == 1 && ++tries < 100);
	CHECK(r == -1 && (errno == EPIPE || errno == ECONNRESET));
	CHECK_ERR(send(c, "z", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_INT(sigpipes, 2);
	close(c);
	return T_DONE();
}
