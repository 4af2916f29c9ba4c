// sendmmsg sends a batch of five UDP datagrams in one call and recvmmsg
// takes them back in one call with each msg_len set; MSG_WAITFORONE
// returns what is queued after the first; vlen 0 sends nothing.
#define _GNU_SOURCE
#include "../conformance/tnet.h"

int main(void)
{
	struct sockaddr_in ua, ub;
	int u1 = tn_udp4(&ua), u2 = tn_udp4(&ub);
	CHECK(connect(u1, (struct sockaddr *)&ub, sizeof ub) == 0);
	static char payload[5][64];
	struct mmsghdr out[5];
	struct iovec oiov[5];
	memset(out, 0, sizeof out);
	for (int i = 0; i < 5; i++) {
		int n = snprintf(payload[i], sizeof payload[i], "datagram %d%.*s", i, i * 3, "xxxxxxxxxxxxxxxxxxxx");
		oiov[i].iov_base = payload[i];
		oiov[i].iov_len = (size_t)n;
		out[i].msg_hdr.msg_iov = &oiov[i];
		out[i].msg_hdr.msg_iovlen = 1;
	}
	CHECK_INT(sendmmsg(u1, out, 5, 0), 5);
	for (int i = 0; i < 5; i++)
		CHECK_INT(out[i].msg_len, oiov[i].iov_len);
	CHECK_INT(sendmmsg(u1, out, 0, 0), 0);

	struct pollfd p = {.fd = u2, .events = POLLIN};
	CHECK_INT(poll(&p, 1, 5000), 1);
	usleep(50000);
	static char in[6][64];
	struct mmsghdr msgs[6];
	struct iovec iiov[6];
	struct sockaddr_in names[6];
	memset(msgs, 0, sizeof msgs);
	for (int i = 0; i < 6; i++) {
		iiov[i].iov_base = in[i];
		iiov[i].iov_len = sizeof in[i];
		msgs[i].msg_hdr.msg_iov = &iiov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &names[i];
		msgs[i].msg_hdr.msg_namelen = sizeof names[i];
	}
	CHECK_INT(recvmmsg(u2, msgs, 6, MSG_DONTWAIT, NULL), 5);
	for (int i = 0; i < 5; i++) {
		CHECK_INT(msgs[i].msg_len, oiov[i].iov_len);
		CHECK(memcmp(in[i], payload[i], oiov[i].iov_len) == 0);
		CHECK(names[i].sin_port == ua.sin_port);
	}
	CHECK_ERR(recvmmsg(u2, msgs, 6, MSG_DONTWAIT, NULL), EAGAIN);

	T_CASE("MSG_WAITFORONE");
	CHECK_INT(sendmmsg(u1, out, 2, 0), 2);
	CHECK_INT(poll(&p, 1, 5000), 1);
	usleep(50000);
	CHECK_INT(recvmmsg(u2, msgs, 6, MSG_WAITFORONE, NULL), 2);
	CHECK_INT(msgs[1].msg_len, oiov[1].iov_len);
	close(u1);
	close(u2);
	return T_DONE();
}
