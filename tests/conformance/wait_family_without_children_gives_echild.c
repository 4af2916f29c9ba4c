// Checks waiting with no children: waitpid(-1), wait() and waitpid(-1,
// WNOHANG) all fail with ECHILD on both sides (nothing was ever forked).
#include <sys/wait.h>
#include "../conformance/t.h"

int main(void)
{
	int st;
	CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
	CHECK_ERR(wait(&st), ECHILD);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
	return T_DONE();
}
