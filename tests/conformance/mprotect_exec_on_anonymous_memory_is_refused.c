// W^X: Linux lets anonymous memory become executable (and writable and
// executable at once); the unikernel refuses both with EACCES (DESIGN.md
// decision 3), so this case is listed in known-differences.txt.
#include <sys/mman.h>
#include "t.h"

int main(void)
{
	char *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	CHECK(mprotect(a, 4096, PROT_READ | PROT_EXEC) == 0);
	CHECK(mprotect(a, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) == 0);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED);
	return T_DONE();
}
