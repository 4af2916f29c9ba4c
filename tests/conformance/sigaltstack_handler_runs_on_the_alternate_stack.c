// Checks sigaltstack: a SA_ONSTACK handler runs on the alternate stack
// (a local's address lies inside it, sigaltstack reports SS_ONSTACK there),
// changing the stack while on it fails with EPERM, and afterwards the
// program is back on its own stack; a handler without SA_ONSTACK is not
// moved.
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include "t.h"

static char *alt;
static size_t alt_size = 65536;
static volatile int on_alt, flags_onstack, eperm;

static void handler(int sig)
{
	volatile char here;
	stack_t cur;
	(void)sig;
	on_alt = (uintptr_t)&here >= (uintptr_t)alt && (uintptr_t)&here < (uintptr_t)alt + alt_size;
	flags_onstack = sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_ONSTACK);
	stack_t other = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
	eperm = sigaltstack(&other, NULL) == -1 && errno == EPERM;
}

int main(void)
{
	alt = malloc(alt_size);
	CHECK(alt != NULL);
	stack_t ss = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
	CHECK(sigaltstack(&ss, NULL) == 0);
	stack_t old;
	CHECK(sigaltstack(NULL, &old) == 0);
	CHECK(old.ss_sp == alt && old.ss_size == alt_size && old.ss_flags == 0);

	struct sigaction sa = {0};
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(on_alt);
	CHECK(flags_onstack);
	CHECK(eperm);
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == 0);

	T_CASE("without_sa_onstack");
	sa.sa_flags = 0;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	CHECK(raise(SIGUSR2) == 0);
	CHECK(!on_alt);
	CHECK(!flags_onstack);

	T_CASE("disable");
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE);
	ss.ss_flags = 0;
	ss.ss_size = 100;
	CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
	return T_DONE();
}
