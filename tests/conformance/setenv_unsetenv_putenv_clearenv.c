// Checks environment manipulation: setenv with and without overwrite,
// unsetenv, putenv aliasing the caller's string, invalid names giving
// EINVAL, and clearenv leaving environ empty.
// env: KEEP=1 GONE=2
#define _GNU_SOURCE
#include <stdlib.h>
#include "t.h"

extern char **environ;

int main(void)
{
	CHECK(strcmp(getenv("KEEP"), "1") == 0);
	CHECK_INT(setenv("KEEP", "x", 0), 0);
	CHECK(strcmp(getenv("KEEP"), "1") == 0);
	CHECK_INT(setenv("KEEP", "y", 1), 0);
	CHECK(strcmp(getenv("KEEP"), "y") == 0);
	CHECK_INT(unsetenv("GONE"), 0);
	CHECK(getenv("GONE") == NULL);
	CHECK_INT(unsetenv("NEVER"), 0);
	static char pe[] = "PUT=first";
	CHECK_INT(putenv(pe), 0);
	CHECK(strcmp(getenv("PUT"), "first") == 0);
	memcpy(pe + 4, "again", 6);
	CHECK(strcmp(getenv("PUT"), "again") == 0);
	CHECK_ERR(setenv("A=B", "v", 1), EINVAL);
	CHECK_ERR(setenv("", "v", 1), EINVAL);
	CHECK_ERR(unsetenv(""), EINVAL);
	CHECK_INT(clearenv(), 0);
	CHECK(environ == NULL || environ[0] == NULL);
	CHECK(getenv("KEEP") == NULL);
	CHECK_INT(setenv("NEW", "v", 0), 0);
	CHECK(strcmp(getenv("NEW"), "v") == 0);
	return T_DONE();
}
