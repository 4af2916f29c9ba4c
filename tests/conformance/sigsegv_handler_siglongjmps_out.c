// Checks SIGSEGV delivery to a SA_SIGINFO handler: a write to a read-only
// page gives SEGV_ACCERR with si_addr the faulting address, a read of an
// unmapped page gives SEGV_MAPERR; siglongjmp leaves the handler and
// restores the signal mask, so a second fault is caught again.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include "t.h"

static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, sig);
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
	char *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);

	T_CASE("write_to_read_only");
	int sig = sigsetjmp(jb, 1);
	if (sig == 0) {
		*(volatile char *)(p + 100) = 1;
		T_SAY("not reached");
	}
	CHECK_INT(sig, SIGSEGV);
	CHECK(fault_addr == p + 100);
	CHECK_INT(fault_code, SEGV_ACCERR);

	T_CASE("read_of_unmapped");
	CHECK(munmap(p + 4096, 4096) == 0);
	sig = sigsetjmp(jb, 1);
	if (sig == 0) {
		T_SAY("value %d", *(volatile char *)(p + 4096 + 8));
	}
	CHECK_INT(sig, SIGSEGV);
	CHECK(fault_addr == p + 4096 + 8);
	CHECK_INT(fault_code, SEGV_MAPERR);

	sigset_t now;
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
	CHECK(!sigismember(&now, SIGSEGV));
	return T_DONE();
}
