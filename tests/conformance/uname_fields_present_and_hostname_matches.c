// Checks uname: sysname is Linux, machine is x86_64, release and version
// are nonempty, and gethostname returns the same string as nodename.
#include <sys/utsname.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	struct utsname u;
	CHECK_INT(uname(&u), 0);
	CHECK(strcmp(u.sysname, "Linux") == 0);
	CHECK(strcmp(u.machine, "x86_64") == 0);
	CHECK(u.release[0] != 0);
	CHECK(u.version[0] != 0);
	char h[256];
	CHECK_INT(gethostname(h, sizeof h), 0);
	CHECK(strcmp(h, u.nodename) == 0);
	size_t n = strlen(h);
	CHECK(n > 0);
	return T_DONE();
}
