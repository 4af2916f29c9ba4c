// Checks that the command line and the environment given at launch reach
// main: argc, argv[1..] verbatim, getenv of a set and an unset variable.
// args: one two three-and-four --flag=x
// env: GREETING=hello-from-env
// env: SECOND_VAR=2
#include <stdlib.h>
#include <string.h>
#include "t.h"

extern char **environ;

int main(int argc, char **argv)
{
	T_SAY("argc %d", argc);
	/* argv[0] is a host path natively and a name in the image: print a fact. */
	T_SAY("argv0 nonempty: %s", argv[0] && argv[0][0] ? "yes" : "no");
	for (int i = 1; i < argc; i++)
		T_SAY("argv[%d] \"%s\"", i, argv[i]);
	CHECK(argv[argc] == NULL);
	const char *g = getenv("GREETING");
	T_SAY("GREETING %s", g ? g : "(unset)");
	const char *s = getenv("SECOND_VAR");
	T_SAY("SECOND_VAR %s", s ? s : "(unset)");
	CHECK(getenv("CONFORMANCE_SURELY_UNSET") == NULL);
	int found = 0;
	for (char **e = environ; *e; e++)
		if (strcmp(*e, "GREETING=hello-from-env") == 0)
			found = 1;
	CHECK(found);
	CHECK(setenv("GREETING", "changed", 1) == 0);
	CHECK(strcmp(getenv("GREETING"), "changed") == 0);
	return T_DONE();
}
