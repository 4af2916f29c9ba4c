// Checks that a NULL dereference kills the program like SIGSEGV: status 139
// (128 + 11, as a shell reports it; the harness maps the native run's
// "killed by signal 11" the same way). Output written before stays.
// status: 139
#include <stdio.h>

int main(void)
{
	/* Both the pointer and the pointee volatile: the compiler may neither know
	 * the address is NULL nor drop the store as dead. */
	volatile int *volatile p = NULL;
	printf("about to dereference NULL\n");
	fflush(stdout);
	*p = 1;
	printf("survived the NULL write\n");
	return 0;
}
