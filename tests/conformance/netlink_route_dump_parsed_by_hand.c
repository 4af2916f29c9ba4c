// A raw NETLINK_ROUTE socket (netlink(7), rtnetlink(7)), read the way
// iproute2 and Go's syscall.NetlinkRIB read it: port ids (0 before bind,
// the pid after, EINVAL/EADDRINUSE for the wrong ones), an RTM_GETLINK
// dump parsed by hand (lo: ARPHRD_LOOPBACK, index 1, IFLA_IFNAME "lo",
// IFLA_MTU 65536, a zero IFLA_ADDRESS; every part NLM_F_MULTI with our
// seq and port; NLMSG_DONE alone at the end), RTM_GETADDR dumps per
// family, RTM_GETLINK for index 1 with an ack, MSG_PEEK|MSG_TRUNC sizing,
// poll bits, and the errors: NLMSG_ERROR -EOPNOTSUPP for a type no one
// handles (the request echoed), EBUSY for a second dump while one runs,
// ENODEV for an unknown index. Only lo is looked at: the unikernel runs
// with --net none and a Linux host may have more interfaces.
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "t.h"

/* linux/netlink.h and linux/rtnetlink.h (musl ships no kernel headers). */
struct nlmsghdr {
	uint32_t nlmsg_len;
	uint16_t nlmsg_type, nlmsg_flags;
	uint32_t nlmsg_seq, nlmsg_pid;
};
struct sockaddr_nl {
	unsigned short nl_family, nl_pad;
	uint32_t nl_pid, nl_groups;
};
struct ifinfomsg {
	unsigned char ifi_family, ifi_pad;
	unsigned short ifi_type;
	int ifi_index;
	unsigned ifi_flags, ifi_change;
};
struct ifaddrmsg {
	uint8_t ifa_family, ifa_prefixlen, ifa_flags, ifa_scope;
	uint32_t ifa_index;
};
struct rtattr {
	unsigned short rta_len, rta_type;
};
#define NETLINK_ROUTE 0
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLM_F_REQUEST 1
#define NLM_F_MULTI 2
#define NLM_F_ACK 4
#define NLM_F_DUMP 0x300
#define NLM_F_CAPPED 0x100
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define IFLA_ADDRESS 1
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define IFA_BROADCAST 4
#define ALIGN4(n) (((n) + 3u) & ~3u)

static unsigned char buf[65536];
static uint32_t me;

static int request(int fd, uint16_t type, uint16_t flags, uint32_t seq, const void *p, size_t n)
{
	unsigned char m[64] = {0};
	struct nlmsghdr h = {.nlmsg_len = sizeof h + n, .nlmsg_type = type, .nlmsg_flags = flags,
			     .nlmsg_seq = seq};
	memcpy(m, &h, sizeof h);
	memcpy(m + sizeof h, p, n);
	struct sockaddr_nl k = {.nl_family = AF_NETLINK};
	return sendto(fd, m, ALIGN4(sizeof h + n), 0, (struct sockaddr *)&k, sizeof k) ==
			       (ssize_t)ALIGN4(sizeof h + n)
		       ? 0
		       : -1;
}

/* Returns the payload of attribute `type` in [p, end), or NULL. */
static const unsigned char *attr(const unsigned char *p, const unsigned char *end, int type,
				 int *len)
{
	while (p + sizeof(struct rtattr) <= end) {
		struct rtattr a;
		memcpy(&a, p, sizeof a);
		if (a.rta_len < sizeof a || p + a.rta_len > end)
			return NULL;
		if (a.rta_type == type) {
			*len = a.rta_len - sizeof a;
			return p + sizeof a;
		}
		p += ALIGN4(a.rta_len);
	}
	return NULL;
}

struct dump {
	int datagrams, parts, bad_headers, done_alone, done_len, lo_seen;
};

/* Reads a dump until NLMSG_DONE; `each` sees every part. */
static struct dump read_dump(int fd, uint32_t seq, void (*each)(const struct nlmsghdr *, struct dump *))
{
	struct dump d = {0};
	for (;;) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n <= 0 || fl != sizeof from || from.nl_pid != 0) {
			T_SAY("recv failed or not from the kernel");
			return d;
		}
		d.datagrams++;
		int in_this = 0;
		for (unsigned char *p = buf; p + sizeof(struct nlmsghdr) <= buf + n;) {
			struct nlmsghdr h;
			memcpy(&h, p, sizeof h);
			if (h.nlmsg_len < sizeof h || p + h.nlmsg_len > buf + n)
				break;
			in_this++;
			if (h.nlmsg_seq != seq || h.nlmsg_pid != me || !(h.nlmsg_flags & NLM_F_MULTI))
				d.bad_headers++;
			if (h.nlmsg_type == NLMSG_DONE) {
				int status;
				memcpy(&status, p + sizeof h, sizeof status);
				d.done_alone = in_this == 1 && h.nlmsg_len == (uint32_t)n;
				d.done_len = h.nlmsg_len;
				if (status != 0)
					d.bad_headers++;
				return d;
			}
			d.parts++;
			each((const struct nlmsghdr *)p, &d);
			p += ALIGN4(h.nlmsg_len);
		}
	}
}

static void link_part(const struct nlmsghdr *h, struct dump *d)
{
	struct ifinfomsg ifi;
	memcpy(&ifi, (const unsigned char *)h + sizeof *h, sizeof ifi);
	const unsigned char *a = (const unsigned char *)h + sizeof *h + sizeof ifi;
	const unsigned char *end = (const unsigned char *)h + h->nlmsg_len;
	int len = 0;
	const unsigned char *name = attr(a, end, IFLA_IFNAME, &len);
	if (h->nlmsg_type != RTM_NEWLINK || !name || strcmp((const char *)name, "lo"))
		return;
	d->lo_seen++;
	T_SAY("lo link: type %d index %d up %d loopback %d running %d lower_up %d", ifi.ifi_type,
	      ifi.ifi_index, !!(ifi.ifi_flags & 1), !!(ifi.ifi_flags & 8), !!(ifi.ifi_flags & 0x40),
	      !!(ifi.ifi_flags & 0x10000));
	const unsigned char *mtu = attr(a, end, IFLA_MTU, &len);
	unsigned v = 0;
	if (mtu && len == 4)
		memcpy(&v, mtu, 4);
	T_SAY("lo link: mtu %u", v);
	const unsigned char *mac = attr(a, end, IFLA_ADDRESS, &len);
	T_SAY("lo link: address length %d zero %d", mac ? len : -1,
	      mac && len == 6 && !memcmp(mac, "\0\0\0\0\0\0", 6));
}

static void addr_part(const struct nlmsghdr *h, struct dump *d)
{
	struct ifaddrmsg ifa;
	memcpy(&ifa, (const unsigned char *)h + sizeof *h, sizeof ifa);
	if (h->nlmsg_type != RTM_NEWADDR || ifa.ifa_index != 1)
		return;
	d->lo_seen++;
	const unsigned char *a = (const unsigned char *)h + sizeof *h + sizeof ifa;
	const unsigned char *end = (const unsigned char *)h + h->nlmsg_len;
	int len = 0, llen = 0;
	const unsigned char *addr = attr(a, end, IFA_ADDRESS, &len);
	const unsigned char *local = attr(a, end, IFA_LOCAL, &llen);
	const unsigned char *label = attr(a, end, IFA_LABEL, &llen);
	int brd = 0;
	attr(a, end, IFA_BROADCAST, &brd) ? (void)0 : (void)(brd = -1);
	char txt[64] = "?";
	if (addr && len == 4)
		snprintf(txt, sizeof txt, "%d.%d.%d.%d", addr[0], addr[1], addr[2], addr[3]);
	if (addr && len == 16) {
		int loop = !memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
		snprintf(txt, sizeof txt, "%s", loop ? "::1" : "other");
	}
	T_SAY("lo addr: family %d prefix %d scope %d %s local %s label %s broadcast %s",
	      ifa.ifa_family, ifa.ifa_prefixlen, ifa.ifa_scope, txt, local ? "yes" : "no",
	      label ? (const char *)label : "(none)", brd < 0 ? "no" : "yes");
}

int main(void)
{
	T_CASE("socket and port ids");
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	CHECK(fd >= 0);
	struct sockaddr_nl sa;
	socklen_t sl = sizeof sa;
	memset(&sa, 0xff, sizeof sa);
	CHECK(getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
	CHECK_INT(sl, 12);
	CHECK_INT(sa.nl_family, AF_NETLINK);
	CHECK_INT(sa.nl_pid, 0);
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	CHECK_ERR(bind(fd, (struct sockaddr *)&sa, 8), EINVAL);
	CHECK(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
	me = sa.nl_pid;
	CHECK(me == (uint32_t)getpid());
	sa.nl_pid = me + 1;
	CHECK_ERR(bind(fd, (struct sockaddr *)&sa, sizeof sa), EINVAL);
	sa.nl_pid = me;
	CHECK(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	int other = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	CHECK(other >= 0);
	CHECK_ERR(bind(other, (struct sockaddr *)&sa, sizeof sa), EADDRINUSE);
	CHECK_ERR(socket(AF_NETLINK, SOCK_STREAM, 0), ESOCKTNOSUPPORT);
	CHECK_ERR(socket(AF_NETLINK, SOCK_RAW, 99), EPROTONOSUPPORT);
	CHECK_ERR(listen(fd, 1), EOPNOTSUPP);
	int v = 0;
	CHECK_ERR(ioctl(fd, FIONREAD, &v), ENOTTY);

	T_CASE("RTM_GETLINK dump");
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
	unsigned char gen[4] = {0}; /* struct rtgenmsg, AF_UNSPEC, padded */
	CHECK(request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 41, gen, 4) == 0);
	CHECK(poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLOUT));
	ssize_t peeked = recv(fd, buf, 1, MSG_PEEK | MSG_TRUNC);
	CHECK(peeked > 16);
	struct dump d = read_dump(fd, 41, link_part);
	CHECK_INT(d.bad_headers, 0);
	CHECK_INT(d.lo_seen, 1);
	CHECK(d.datagrams >= 2 && d.done_alone && d.done_len == 20);
	CHECK_ERR(recv(fd, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);

	T_CASE("RTM_GETADDR dumps");
	gen[0] = AF_INET;
	CHECK(request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 42, gen, 4) == 0);
	d = read_dump(fd, 42, addr_part);
	CHECK_INT(d.bad_headers, 0);
	CHECK_INT(d.lo_seen, 1);
	gen[0] = AF_INET6;
	CHECK(request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 43, gen, 4) == 0);
	d = read_dump(fd, 43, addr_part);
	CHECK_INT(d.bad_headers, 0);
	CHECK_INT(d.lo_seen, 1);

	T_CASE("RTM_GETLINK for one index");
	struct ifinfomsg ifi = {.ifi_index = 1};
	CHECK(request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 44, &ifi, sizeof ifi) == 0);
	ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	struct nlmsghdr h;
	memcpy(&h, buf, sizeof h);
	CHECK(n >= 32 && h.nlmsg_type == RTM_NEWLINK && h.nlmsg_flags == 0 && h.nlmsg_seq == 44);
	int len = 0;
	const unsigned char *name = attr(buf + 32, buf + n, IFLA_IFNAME, &len);
	CHECK(name && !strcmp((const char *)name, "lo"));
	n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	memcpy(&h, buf, sizeof h);
	int e = -1;
	memcpy(&e, buf + 16, 4);
	CHECK(n == 36 && h.nlmsg_type == NLMSG_ERROR && h.nlmsg_flags == NLM_F_CAPPED && e == 0);
	ifi.ifi_index = 0x7ffffff0;
	CHECK(request(fd, RTM_GETLINK, NLM_F_REQUEST, 45, &ifi, sizeof ifi) == 0);
	n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	memcpy(&e, buf + 16, 4);
	CHECK(n == 52 && e == -ENODEV);

	T_CASE("errors come back as NLMSG_ERROR");
	unsigned char pay[4] = {0xaa, 0, 0, 0};
	CHECK(request(fd, 1000, NLM_F_REQUEST, 46, pay, 4) == 0);
	n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	memcpy(&h, buf, sizeof h);
	memcpy(&e, buf + 16, 4);
	CHECK_INT(n, 40);
	CHECK(h.nlmsg_type == NLMSG_ERROR && h.nlmsg_flags == 0 && h.nlmsg_seq == 46 &&
	      h.nlmsg_pid == me);
	CHECK_INT(e, -EOPNOTSUPP);
	struct nlmsghdr echoed;
	memcpy(&echoed, buf + 20, sizeof echoed);
	CHECK(echoed.nlmsg_type == 1000 && echoed.nlmsg_len == 20 && buf[36] == 0xaa);
	gen[0] = 0;
	CHECK(request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 47, gen, 4) == 0);
	CHECK(request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 48, gen, 4) == 0);
	CHECK(recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0); /* links */
	n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	memcpy(&h, buf, sizeof h);
	memcpy(&e, buf + 16, 4);
	CHECK(h.nlmsg_type == NLMSG_ERROR && h.nlmsg_seq == 48 && e == -EBUSY);
	n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	memcpy(&h, buf, sizeof h);
	CHECK(n == 20 && h.nlmsg_type == NLMSG_DONE && h.nlmsg_seq == 47);
	CHECK(request(fd, RTM_GETLINK, NLM_F_ACK, 49, gen, 4) == 0);
	n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	memcpy(&e, buf + 16, 4);
	CHECK(n == 36 && e == 0);
	sa.nl_pid = 0x7fff0001;
	CHECK_ERR(sendto(fd, buf, 20, 0, (struct sockaddr *)&sa, sizeof sa), ECONNREFUSED);
	close(other);
	close(fd);
	return T_DONE();
}
