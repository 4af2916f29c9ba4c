// Checks the siginfo and ucontext a SA_SIGINFO handler gets for raise():
// si_signo, si_code SI_TKILL (musl's raise uses tkill), si_pid and si_uid
// of the sender, a ucontext whose saved mask holds the pre-handler mask,
// and that the signal itself is blocked while its handler runs.
#define _GNU_SOURCE
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>
#include "t.h"

static volatile int got_signo, got_code, pid_ok, uid_ok, uc_ok, blocked_inside, usr2_saved;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	sigset_t now;
	got_signo = si->si_signo == sig ? sig : -1;
	got_code = si->si_code;
	pid_ok = si->si_pid == getpid();
	uid_ok = si->si_uid == getuid();
	uc_ok = uc != NULL && uc->uc_mcontext.gregs[REG_RIP] != 0 && uc->uc_mcontext.fpregs != NULL;
	usr2_saved = sigismember(&uc->uc_sigmask, SIGUSR2);
	sigprocmask(SIG_BLOCK, NULL, &now);
	blocked_inside = sigismember(&now, SIGUSR1);
}

int main(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &s, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK_INT(got_signo, SIGUSR1);
	CHECK_INT(got_code, SI_TKILL);
	CHECK(pid_ok);
	CHECK(uid_ok);
	CHECK(uc_ok);
	CHECK(usr2_saved);
	CHECK(blocked_inside);
	sigset_t after;
	CHECK(sigprocmask(SIG_BLOCK, NULL, &after) == 0);
	CHECK(!sigismember(&after, SIGUSR1));
	CHECK(sigismember(&after, SIGUSR2));
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK_INT(got_code, SI_USER);
	return T_DONE();
}
