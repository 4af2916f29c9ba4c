// Checks that an integer division by zero raises SIGFPE with si_code
// FPE_INTDIV and si_addr at the faulting instruction's page, caught by a
// handler that siglongjmps out; the program then goes on normally.
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include "t.h"

static sigjmp_buf jb;
static volatile int code, signo;
static volatile uintptr_t addr;

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	signo = sig;
	code = si->si_code;
	addr = (uintptr_t)si->si_addr;
	siglongjmp(jb, 1);
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_fpe;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGFPE, &sa, NULL) == 0);
	volatile int zero = 0, ten = 10;
	if (sigsetjmp(jb, 1) == 0) {
		volatile int q = ten / zero;
		T_SAY("not reached %d", q);
	}
	CHECK_INT(signo, SIGFPE);
	CHECK_INT(code, FPE_INTDIV);
	CHECK(addr != 0);
	volatile long big = INT64_MIN, minus1 = -1;
	if (sigsetjmp(jb, 1) == 0) {
		volatile long q = big / minus1;
		T_SAY("not reached %ld", q);
	}
	CHECK_INT(signo, SIGFPE);
	CHECK_INT(ten / 2, 5);
	return T_DONE();
}
