// Checks that the environment holds exactly the variables given at launch
// (`rumprun run -e`, the harness's clean environment natively): nothing
// added, order kept.
// env: FIRST=1 SECOND=two THIRD=a=b
#include "t.h"

extern char **environ;

int main(void)
{
	int n = 0;
	for (char **e = environ; *e; e++, n++)
		T_SAY("environ[%d] %s", n, *e);
	CHECK_INT(n, 3);
	return T_DONE();
}
