// Checks getcwd: "/" fits, a one-byte buffer fails with ERANGE, and chdir
// to /tmp is reflected.
#include <unistd.h>
#include "../conformance/t.h"

int main(void)
{
	char buf[256];
	CHECK(chdir("/") == 0);
	CHECK(getcwd(buf, sizeof buf) != NULL && strcmp(buf, "/") == 0);
	CHECK(getcwd(buf, 1) == NULL && errno == ERANGE);
	CHECK(chdir("/tmp") == 0);
	CHECK(getcwd(buf, sizeof buf) != NULL && strcmp(buf, "/tmp") == 0);
	CHECK(getcwd(buf, 4) == NULL && errno == ERANGE);
	CHECK_ERR(chdir("/no/such/dir"), ENOENT);
	return T_DONE();
}
