// Checks that static constructors run before main in priority order and
// destructors after it (init_array/fini_array processed for static-pie).
#include <stdio.h>

static int order[4];
static int n;

__attribute__((constructor(200))) static void second(void) { order[n++] = 2; }
__attribute__((constructor(101))) static void first(void) { order[n++] = 1; }
__attribute__((constructor)) static void last(void) { order[n++] = 3; }
__attribute__((destructor)) static void bye(void) { printf("destructor ran\n"); fflush(stdout); }

int main(void)
{
	printf("constructors ran: %d, order %d %d %d\n", n, order[0], order[1], order[2]);
	return 0;
}
