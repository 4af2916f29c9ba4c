/* The first rumprun-rs program: greets using its environment and
 * arguments, e.g. "hi, world!" from GREETING=hi and argv[1] = "world". */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	const char *greeting = getenv("GREETING");
	const char *who = argc > 1 ? argv[1] : "stranger";

	printf("%s, %s!\n", greeting ? greeting : "hello", who);
	return 0;
}
