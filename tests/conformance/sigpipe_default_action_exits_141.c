// Checks that SIGPIPE's default action ends the program: status 141
// (128 + 13), after the default-ignored SIGCHLD, SIGURG and SIGWINCH were
// raised without effect.
// status: 141
#include <signal.h>
#include <stdio.h>

int main(void)
{
	raise(SIGCHLD);
	raise(SIGURG);
	raise(SIGWINCH);
	printf("still running\n");
	fflush(stdout);
	raise(SIGPIPE);
	printf("not reached\n");
	return 0;
}
