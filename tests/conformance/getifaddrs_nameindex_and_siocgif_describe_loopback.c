// Interface enumeration as programs do it, checked on lo only (the
// unikernel runs with --net none; a Linux host may have more interfaces):
// getifaddrs(3) (musl: an rtnetlink dump) lists lo as AF_PACKET (ARPHRD
// 772, a zero MAC, statistics), AF_INET 127.0.0.1/255.0.0.0 and AF_INET6
// ::1/128 with IFF_UP|IFF_LOOPBACK|IFF_RUNNING; if_nametoindex,
// if_indextoname and if_nameindex agree that lo is 1; the SIOCGIF*
// ioctls (netdevice(7)) describe lo the same way on any socket, the
// address ones only on AF_INET sockets (ENOTTY elsewhere), and unknown
// interfaces are ENODEV. No SIOCS* request: as root on Linux it would
// really reconfigure the host.
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "t.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

static const char *ntop(const struct sockaddr *sa, char *buf, size_t n)
{
	if (!sa)
		return "(none)";
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, n);
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, n);
	return "(other family)";
}

static void say_flags(const char *what, unsigned f)
{
	T_SAY("%s flags: up %d loopback %d running %d broadcast %d", what, !!(f & IFF_UP),
	      !!(f & IFF_LOOPBACK), !!(f & IFF_RUNNING), !!(f & IFF_BROADCAST));
}

static int ask(int fd, unsigned long req, const char *name, struct ifreq *r)
{
	memset(r, 0, sizeof *r);
	strncpy(r->ifr_name, name, IFNAMSIZ - 1);
	return ioctl(fd, req, r);
}

int main(void)
{
	char a[64], b[64];

	T_CASE("getifaddrs lists lo");
	struct ifaddrs *ifs = NULL;
	CHECK(getifaddrs(&ifs) == 0);
	int packet = 0, inet = 0, inet6 = 0;
	for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		if (strcmp(i->ifa_name, "lo") || !i->ifa_addr)
			continue;
		int fam = i->ifa_addr->sa_family;
		if (fam == AF_PACKET) {
			packet++;
			const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;
			T_SAY("lo packet: ifindex %d hatype %d halen %d", ll->sll_ifindex, ll->sll_hatype,
			      ll->sll_halen);
			int zero = 1;
			for (int k = 0; k < ll->sll_halen && k < 8; k++)
				zero &= ll->sll_addr[k] == 0;
			T_SAY("lo packet: address all zero %d, statistics %s", zero,
			      i->ifa_data ? "present" : "absent");
			say_flags("lo packet", i->ifa_flags);
			T_SAY("lo packet: lower_up %d", !!(i->ifa_flags & IFF_LOWER_UP));
		} else if (fam == AF_INET) {
			inet++;
			T_SAY("lo inet: %s netmask %s", ntop(i->ifa_addr, a, sizeof a),
			      ntop(i->ifa_netmask, b, sizeof b));
			// musl reads IFA_ADDRESS then IFA_LOCAL as a point-to-point
			// pair: the second address lands in ifa_ifu on Linux too.
			T_SAY("lo inet: ifu %s", ntop(i->ifa_ifu.ifu_broadaddr, a, sizeof a));
			say_flags("lo inet", i->ifa_flags);
		} else if (fam == AF_INET6) {
			inet6++;
			T_SAY("lo inet6: %s netmask %s", ntop(i->ifa_addr, a, sizeof a),
			      ntop(i->ifa_netmask, b, sizeof b));
			say_flags("lo inet6", i->ifa_flags);
		}
	}
	CHECK_INT(packet, 1);
	CHECK_INT(inet, 1);
	CHECK_INT(inet6, 1);
	freeifaddrs(ifs);

	T_CASE("if_nametoindex, if_indextoname, if_nameindex");
	CHECK_INT(if_nametoindex("lo"), 1);
	char name[IF_NAMESIZE] = "";
	CHECK(if_indextoname(1, name) == name);
	CHECK(strcmp(name, "lo") == 0);
	errno = 0;
	CHECK_INT(if_nametoindex("nosuch0"), 0);
	CHECK_INT(errno, ENODEV);
	errno = 0;
	CHECK(if_indextoname(99999, name) == NULL);
	CHECK_INT(errno, ENXIO);
	struct if_nameindex *ni = if_nameindex();
	CHECK(ni != NULL);
	int seen = 0;
	for (struct if_nameindex *p = ni; p && p->if_index; p++)
		if (!strcmp(p->if_name, "lo"))
			seen = p->if_index;
	CHECK_INT(seen, 1);
	if_freenameindex(ni);

	T_CASE("SIOCGIFCONF");
	int s4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int su = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(s4 >= 0 && su >= 0);
	struct ifconf c = {.ifc_len = 0, .ifc_buf = NULL};
	CHECK(ioctl(s4, SIOCGIFCONF, &c) == 0);
	CHECK(c.ifc_len >= (int)sizeof(struct ifreq) && c.ifc_len % (int)sizeof(struct ifreq) == 0);
	struct ifreq reqs[64];
	c.ifc_len = sizeof reqs;
	c.ifc_req = reqs;
	CHECK(ioctl(su, SIOCGIFCONF, &c) == 0);
	int lo4 = 0;
	for (int k = 0; k < c.ifc_len / (int)sizeof(struct ifreq); k++)
		if (!strcmp(reqs[k].ifr_name, "lo")) {
			lo4++;
			T_SAY("ifconf lo: %s", ntop(&reqs[k].ifr_addr, a, sizeof a));
		}
	CHECK_INT(lo4, 1);
	c.ifc_len = sizeof(struct ifreq) - 1;
	CHECK(ioctl(s4, SIOCGIFCONF, &c) == 0);
	CHECK_INT(c.ifc_len, 0);

	T_CASE("SIOCGIF* on lo");
	struct ifreq r;
	CHECK(ask(su, SIOCGIFFLAGS, "lo", &r) == 0);
	say_flags("SIOCGIFFLAGS lo", (unsigned short)r.ifr_flags);
	CHECK(ask(s4, SIOCGIFMTU, "lo", &r) == 0);
	CHECK_INT(r.ifr_mtu, 65536);
	CHECK(ask(s4, SIOCGIFINDEX, "lo", &r) == 0);
	CHECK_INT(r.ifr_ifindex, 1);
	CHECK(ask(s4, SIOCGIFHWADDR, "lo", &r) == 0);
	CHECK_INT(r.ifr_hwaddr.sa_family, 772);
	CHECK(memcmp(r.ifr_hwaddr.sa_data, "\0\0\0\0\0\0", 6) == 0);
	CHECK(ask(s4, SIOCGIFTXQLEN, "lo", &r) == 0);
	CHECK_INT(r.ifr_qlen, 1000);
	memset(&r, 0, sizeof r);
	r.ifr_ifindex = 1;
	CHECK(ioctl(su, SIOCGIFNAME, &r) == 0);
	CHECK(strcmp(r.ifr_name, "lo") == 0);
	r.ifr_ifindex = 99999;
	CHECK_ERR(ioctl(su, SIOCGIFNAME, &r), ENODEV);
	CHECK(ask(s4, SIOCGIFADDR, "lo", &r) == 0);
	T_SAY("SIOCGIFADDR lo: %s", ntop(&r.ifr_addr, a, sizeof a));
	CHECK(ask(s4, SIOCGIFNETMASK, "lo", &r) == 0);
	T_SAY("SIOCGIFNETMASK lo: %s", ntop(&r.ifr_netmask, a, sizeof a));
	CHECK(ask(s4, SIOCGIFBRDADDR, "lo", &r) == 0);
	T_SAY("SIOCGIFBRDADDR lo: %s", ntop(&r.ifr_broadaddr, a, sizeof a));
	CHECK(ask(s4, SIOCGIFDSTADDR, "lo", &r) == 0);
	T_SAY("SIOCGIFDSTADDR lo: %s", ntop(&r.ifr_dstaddr, a, sizeof a));

	T_CASE("SIOCGIF* errors");
	CHECK_ERR(ask(su, SIOCGIFADDR, "lo", &r), ENOTTY);
	CHECK_ERR(ask(s4, SIOCGIFFLAGS, "nosuch0", &r), ENODEV);
	CHECK_ERR(ask(su, SIOCGIFINDEX, "nosuch0", &r), ENODEV);
	CHECK_ERR(ask(s4, SIOCGIFADDR, "nosuch0", &r), ENODEV);
	CHECK_ERR(ask(s4, SIOCGIFMTU, "", &r), ENODEV);
	int fd = open("/dev/null", 0);
	CHECK_ERR(ask(fd, SIOCGIFFLAGS, "lo", &r), ENOTTY);
	close(fd);
	close(s4);
	close(su);
	return T_DONE();
}
