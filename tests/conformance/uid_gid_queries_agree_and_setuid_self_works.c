// Checks identity calls agree: getuid == geteuid, getgid == getegid,
// getresuid/getresgid report the same triple, setuid/setgid to the current
// ids succeed and leave them unchanged, and getgroups(0) counts consistently.
#define _GNU_SOURCE
#include <unistd.h>
#include <grp.h>
#include "t.h"

int main(void)
{
	uid_t u = getuid(), r, e, s;
	gid_t g = getgid(), gr, ge, gs;
	CHECK(u == geteuid());
	CHECK(g == getegid());
	CHECK_INT(getresuid(&r, &e, &s), 0);
	CHECK(r == u && e == u && s == u);
	CHECK_INT(getresgid(&gr, &ge, &gs), 0);
	CHECK(gr == g && ge == g && gs == g);
	CHECK_INT(setuid(u), 0);
	CHECK_INT(setgid(g), 0);
	CHECK(getuid() == u && getgid() == g);
	CHECK_INT(setreuid(-1, -1), 0);
	CHECK_INT(setresuid(-1, -1, -1), 0);
	CHECK(geteuid() == u);
	int n = getgroups(0, NULL);
	CHECK(n >= 0);
	gid_t list[256];
	CHECK_INT(getgroups(256, list), n);
	return T_DONE();
}
