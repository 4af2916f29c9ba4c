// Checks that a handler can change the interrupted context: on SIGILL from
// ud2 (2 bytes) it advances uc_mcontext.gregs[REG_RIP] by 2 and returns;
// rt_sigreturn resumes after the instruction. si_code is ILL_ILLOPN and
// si_addr the instruction's address.
#define _GNU_SOURCE
#include <signal.h>
#include <ucontext.h>
#include "t.h"

static volatile int hits, code_ok, addr_ok;

static void on_ill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	hits++;
	code_ok = si->si_code == ILL_ILLOPN;
	addr_ok = (greg_t)si->si_addr == uc->uc_mcontext.gregs[REG_RIP];
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_ill;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGILL, &sa, NULL) == 0);
	volatile int after = 0;
	__asm__ volatile("ud2");
	after = 1;
	CHECK_INT(hits, 1);
	CHECK(code_ok);
	CHECK(addr_ok);
	CHECK_INT(after, 1);
	__asm__ volatile("ud2");
	CHECK_INT(hits, 2);
	return T_DONE();
}
