// Checks sigwait-style delivery: with SIGUSR1 blocked in every thread, the
// main thread's sigtimedwait returns SIGUSR1 sent by another thread with
// pthread_kill (and with kill to the process), the handler never runs,
// and a second wait with nothing pending times out with EAGAIN.
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "t.h"

static pthread_t main_thread;
static volatile int hits;

static void handler(int sig)
{
	(void)sig;
	hits++;
}

static void *sender(void *arg)
{
	long how = (long)arg;
	struct timespec d = {0, 30000000};
	nanosleep(&d, NULL);
	if (how == 0)
		pthread_kill(main_thread, SIGUSR1);
	else
		kill(getpid(), SIGUSR2);
	return NULL;
}

int main(void)
{
	main_thread = pthread_self();
	struct sigaction sa = {0};
	sa.sa_handler = handler;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	CHECK_INT(pthread_sigmask(SIG_BLOCK, &s, NULL), 0);
	struct timespec to = {5, 0};
	siginfo_t si;
	T_CASE("pthread_kill");
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, sender, (void *)0), 0);
	CHECK_INT(sigtimedwait(&s, &si, &to), SIGUSR1);
	CHECK_INT(si.si_signo, SIGUSR1);
	CHECK_INT(pthread_join(t, NULL), 0);
	T_CASE("kill_process");
	CHECK_INT(pthread_create(&t, NULL, sender, (void *)1), 0);
	CHECK_INT(sigtimedwait(&s, &si, &to), SIGUSR2);
	CHECK_INT(si.si_signo, SIGUSR2);
	CHECK_INT(si.si_pid, getpid());
	CHECK_INT(pthread_join(t, NULL), 0);
	T_CASE("nothing_pending");
	struct timespec shortto = {0, 20000000};
	CHECK_ERR(sigtimedwait(&s, &si, &shortto), EAGAIN);
	CHECK_INT(hits, 0);
	return T_DONE();
}
