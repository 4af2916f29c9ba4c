// Checks uname: the kernel presents itself as Linux on x86_64 (programs test
// for it); release and nodename vary, so only their shape is printed.
#include <string.h>
#include <sys/utsname.h>
#include "t.h"

int main(void)
{
	struct utsname u;
	CHECK(uname(&u) == 0);
	T_SAY("sysname %s", u.sysname);
	T_SAY("machine %s", u.machine);
	CHECK(strcmp(u.sysname, "Linux") == 0);
	CHECK(u.release[0] >= '1' && u.release[0] <= '9');
	CHECK(strchr(u.release, '.') != NULL);
	CHECK(strlen(u.nodename) < sizeof u.nodename);
	return T_DONE();
}
