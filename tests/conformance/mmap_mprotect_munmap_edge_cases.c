// Checks anonymous mmap edge cases: zero-filled pages, EINVAL for length 0
// and unaligned addresses, munmap of a middle page leaves its neighbours,
// PROT_NONE and read-only pages fault (caught with a SIGSEGV handler and
// siglongjmp), mprotect back to read-write, MAP_FIXED replaces, mremap grows.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../conformance/t.h"

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, sig);
}

/* Returns the signal a write to p raised, or 0. */
static int write_faults(volatile char *p)
{
	int sig = sigsetjmp(jb, 1);
	if (sig == 0) {
		*p = 1;
		return 0;
	}
	return sig;
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	CHECK_INT(pg, 4096);
	signal(SIGSEGV, on_segv);

	char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	CHECK((uintptr_t)a % pg == 0);
	int nz = 0;
	for (long i = 0; i < 4 * pg; i++)
		nz |= a[i];
	CHECK_INT(nz, 0);
	memset(a, 'x', 4 * pg);
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	CHECK_ERR(munmap(a + 1, pg), EINVAL);
	/* musl's mprotect() rounds the start down to a page; the system call must not. */
	CHECK_ERR(syscall(SYS_mprotect, a + 1, pg, PROT_READ), EINVAL);

	T_CASE("munmap_middle_page");
	CHECK(munmap(a + pg, pg) == 0);
	CHECK(a[0] == 'x' && a[2 * pg] == 'x');
	CHECK_INT(write_faults(a + pg), SIGSEGV);

	T_CASE("prot_none_and_read_only_fault");
	CHECK(mprotect(a + 2 * pg, pg, PROT_NONE) == 0);
	CHECK_INT(write_faults(a + 2 * pg), SIGSEGV);
	CHECK(mprotect(a + 2 * pg, pg, PROT_READ) == 0);
	CHECK(a[2 * pg] == 'x');
	CHECK_INT(write_faults(a + 2 * pg), SIGSEGV);
	CHECK(mprotect(a + 2 * pg, pg, PROT_READ | PROT_WRITE) == 0);
	CHECK_INT(write_faults(a + 2 * pg), 0);

	T_CASE("map_fixed_replaces");
	char *f = mmap(a + 3 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(f == a + 3 * pg);
	CHECK(f[0] == 0);

	T_CASE("mremap_grows_and_keeps_contents");
	char *g = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(g != MAP_FAILED);
	memset(g, 'g', pg);
	char *h = mremap(g, pg, 64 * pg, MREMAP_MAYMOVE);
	CHECK(h != MAP_FAILED);
	CHECK(h[0] == 'g' && h[pg - 1] == 'g' && h[pg] == 0 && h[64 * pg - 1] == 0);
	CHECK(munmap(h, 64 * pg) == 0);
	CHECK(munmap(a, 4 * pg) == 0);
	return T_DONE();
}
