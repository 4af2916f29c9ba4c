// Checks that atexit handlers run in reverse registration order on return
// from main, and that the status of main still reaches the host.
// status: 3
#include <stdio.h>
#include <stdlib.h>

static void h1(void) { printf("handler 1\n"); }
static void h2(void) { printf("handler 2\n"); }
static void h3(void) { printf("handler 3\n"); fflush(stdout); }

int main(void)
{
	atexit(h1);
	atexit(h2);
	atexit(h3);
	printf("main returns 3\n");
	return 3;
}
