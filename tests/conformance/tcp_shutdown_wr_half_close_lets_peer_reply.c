// shutdown(SHUT_WR) half-closes: the peer reads its data then 0 (EOF)
// while the shutting side can still read; the peer then writes back and
// closes, and the first side reads the reply then 0. Writing after
// SHUT_WR gives EPIPE (MSG_NOSIGNAL, so no SIGPIPE); a bad `how` is EINVAL;
// shutdown on an unconnected socket gives ENOTCONN; SHUT_RD on one side
// gives it EOF while it can still write.
#include "../conformance/tnet.h"

int main(void)
{
	int c = -1, s = -1;
	CHECK(tn_accepted_pair(&c, &s) == 0);
	CHECK_INT(write(c, "request", 7), 7);
	CHECK(shutdown(c, SHUT_WR) == 0);
	char buf[64];
	CHECK_INT(tn_read_all(s, buf, sizeof buf), 7);
	CHECK(memcmp(buf, "request", 7) == 0);
	CHECK_INT(read(s, buf, sizeof buf), 0);
	CHECK_INT(read(s, buf, sizeof buf), 0);
	CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_INT(write(s, "response", 8), 8);
	CHECK_INT(write(s, " more", 5), 5);
	CHECK(close(s) == 0);
	CHECK_INT(tn_read_all(c, buf, sizeof buf), 13);
	CHECK(memcmp(buf, "response more", 13) == 0);
	CHECK_INT(read(c, buf, sizeof buf), 0);
	CHECK_ERR(shutdown(c, 7), EINVAL);
	close(c);

	T_CASE("shutdown on a socket without a connection");
	int u = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(shutdown(u, SHUT_WR), ENOTCONN);
	CHECK_ERR(shutdown(0, SHUT_WR), ENOTSOCK);
	close(u);

	T_CASE("SHUT_RD on the reader side keeps the writer going");
	CHECK(tn_accepted_pair(&c, &s) == 0);
	CHECK(shutdown(s, SHUT_RD) == 0);
	CHECK_INT(read(s, buf, sizeof buf), 0);
	CHECK_INT(write(s, "still", 5), 5);
	CHECK_INT(tn_read_all(c, buf, 5), 5);
	close(s);
	close(c);
	return T_DONE();
}
