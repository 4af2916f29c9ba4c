// Checks that returning 0 from main gives exit status 0.
// status: 0
#include <stdio.h>

int main(void)
{
	printf("returning 0 from main\n");
	return 0;
}
