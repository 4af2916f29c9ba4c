// Checks that abort() ends the program like SIGABRT: status 134 (128 + 6).
// status: 134
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("calling abort\n");
	fflush(stdout);
	abort();
}
