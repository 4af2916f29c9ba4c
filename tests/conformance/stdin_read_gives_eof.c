// Checks that stdin reads end at once: the harness gives /dev/null natively
// and the unikernel has no console input.
#include <unistd.h>
#include "t.h"

int main(void)
{
	char buf[64];
	CHECK_INT(read(0, buf, sizeof buf), 0);
	CHECK(getchar() == EOF);
	CHECK(feof(stdin));
	CHECK(fgets(buf, sizeof buf, stdin) == NULL);
	return T_DONE();
}
