// Connecting to a 127.0.0.1 port nobody listens on: a blocking connect
// fails with ECONNREFUSED; a non-blocking one gives EINPROGRESS, then poll
// reports OUT|HUP|ERR (IN too: Linux sets it on a hung-up socket), SO_ERROR reads
// ECONNREFUSED once and 0 after, and the socket is not connected
// (getpeername ENOTCONN). A bound-but-not-listening port refuses too.
#include "../conformance/tnet.h"

/* Returns a 127.0.0.1 address whose port was free a moment ago. */
static struct sockaddr_in closed_port(void)
{
	struct sockaddr_in a;
	int fd = tn_listen4(&a);
	close(fd);
	return a;
}

int main(void)
{
	T_CASE("blocking");
	struct sockaddr_in a = closed_port();
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof a), ECONNREFUSED);
	int err = -1;
	socklen_t len = sizeof err;
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	CHECK_INT(err, 0);
	close(c);

	T_CASE("non-blocking");
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r = connect(c, (struct sockaddr *)&a, sizeof a);
	CHECK(r == -1 && errno == EINPROGRESS);
	struct pollfd p = {.fd = c, .events = POLLIN | POLLOUT};
	CHECK_INT(poll(&p, 1, 5000), 1);
	T_SAY("poll %s", tn_poll_bits(p.revents));
	len = sizeof err;
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	CHECK_INT(err, ECONNREFUSED);
	len = sizeof err;
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	CHECK_INT(err, 0);
	struct sockaddr_in peer;
	len = sizeof peer;
	CHECK_ERR(getpeername(c, (struct sockaddr *)&peer, &len), ENOTCONN);
	close(c);

	T_CASE("bound but not listening");
	int b = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in ba = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	CHECK(bind(b, (struct sockaddr *)&ba, sizeof ba) == 0);
	len = sizeof ba;
	CHECK(getsockname(b, (struct sockaddr *)&ba, &len) == 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&ba, sizeof ba), ECONNREFUSED);
	close(c);
	close(b);

	T_CASE("after the listener closes");
	int ls = tn_listen4(&a);
	c = tn_connect4(&a);
	CHECK(c >= 0);
	close(c);
	close(ls);
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof a), ECONNREFUSED);
	close(c);
	return T_DONE();
}
