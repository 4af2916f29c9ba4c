// Checks mprotect: PROT_NONE then PROT_READ|PROT_WRITE keeps the contents;
// read-only pages keep their data; an unaligned address is EINVAL (raw
// syscall: musl's wrapper rounds the start down); an
// unmapped range is ENOMEM.
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	size_t pg = 4096;
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	strcpy(p, "kept");
	strcpy(p + pg, "second");
	CHECK_INT(mprotect(p, pg, PROT_NONE), 0);
	CHECK_INT(mprotect(p, pg, PROT_READ | PROT_WRITE), 0);
	CHECK(strcmp(p, "kept") == 0);
	CHECK_INT(mprotect(p + pg, pg, PROT_READ), 0);
	CHECK(strcmp(p + pg, "second") == 0);
	CHECK_INT(mprotect(p, 2 * pg, PROT_READ | PROT_WRITE), 0);
	p[pg] = 'S';
	CHECK(strcmp(p + pg, "Second") == 0);
	CHECK_ERR(syscall(SYS_mprotect, p + 1, pg, PROT_READ), EINVAL);
	CHECK_INT(munmap(p, 2 * pg), 0);
	CHECK_ERR(mprotect(p, pg, PROT_READ), ENOMEM);
	return T_DONE();
}
