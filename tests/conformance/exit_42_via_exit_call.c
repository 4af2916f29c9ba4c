// Checks that exit(42) becomes the exit status 42 (the VM's status in the
// unikernel) and that stdio is flushed by exit.
// status: 42
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("calling exit(42); this line is still buffered on a pipe\n");
	exit(42);
}
