// mmap of /dev/zero gives zero pages that can be written; munmap of the
// middle page of a 3-page file mapping leaves the outer pages with their
// file bytes, and the hole faults (SIGSEGV, caught).
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "t.h"

static sigjmp_buf jb;

static void on_sig(int sig)
{
	siglongjmp(jb, sig);
}

static int read_faults(volatile char *p)
{
	int sig = sigsetjmp(jb, 1);
	if (sig == 0) {
		(void)*p;
		return 0;
	}
	return sig;
}

int main(void)
{
	signal(SIGSEGV, on_sig);
	int z = open("/dev/zero", O_RDWR);
	CHECK(z >= 0);
	char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
	CHECK(p != MAP_FAILED);
	int zero = 1;
	for (int i = 0; i < 2 * 4096; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	p[5000] = 7;
	CHECK(p[5000] == 7);
	close(z);
	int fd = open("/tmp/partial_munmap", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	char page[4096];
	for (int i = 0; i < 3; i++) {
		memset(page, 'A' + i, sizeof page);
		CHECK(write(fd, page, sizeof page) == 4096);
	}
	char *f = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(f != MAP_FAILED);
	CHECK(munmap(f + 4096, 4096) == 0);
	CHECK(f[0] == 'A');
	CHECK(f[2 * 4096 + 10] == 'C');
	CHECK_INT(read_faults(f + 4096), SIGSEGV);
	/* A later mapping at an offset starts at that file page. */
	char *g = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	CHECK(g != MAP_FAILED && g[0] == 'B');
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL);
	close(fd);
	unlink("/tmp/partial_munmap");
	return T_DONE();
}
