/* The side-by-side benchmark program. The same static-pie binary (built
 * with rumprun-cc) runs in the rumprun unikernel, as /init of a Linux
 * guest, and natively on the host; benches/run compares the three.
 *
 *   bench [MODE]... [poweroff]
 *
 * MODE is one of:
 *   ready    print "bench_ready" at once (boot-to-first-output marker)
 *   getppid  getppid(2) round trip, ns per call
 *   futex    two threads ping-ponging through a futex, ns per switch
 *   pipe     two threads ping-ponging one byte through two pipes, ns per switch
 *
 * Output is one machine-readable line per result, "NAME VALUE", or
 * "NAME unsupported REASON" when the platform lacks what the mode needs
 * (threads, futex, pipes). Times come from clock_gettime(CLOCK_MONOTONIC).
 * Each figure is the median of ROUNDS rounds; a round runs a fixed number
 * of iterations sized by a calibration pass to last about 50 ms.
 *
 * "poweroff" (given by benches/run only when the program is a Linux
 * guest's /init) stops the VM afterwards: isa-debug-exit port 0xf4, then
 * reboot(2), since PID 1 must never return.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* From <linux/futex.h>, which musl's headers do not include. */
#define FUTEX_WAIT_PRIVATE (0 | 128)
#define FUTEX_WAKE_PRIVATE (1 | 128)

#define ROUNDS 7
#define ROUND_NS 50000000.0 /* target length of one round */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Runs fn(iters) ROUNDS times after calibrating iters so one round lasts
 * about ROUND_NS; returns the median ns per unit (fn returns how many
 * units it did, e.g. 2 switches per round trip), or -1 on failure. */
static double measure(long (*fn)(long iters))
{
	long iters = 16, units;
	double t0, dt, r[ROUNDS];

	for (;;) {
		t0 = now_ns();
		if (fn(iters) < 0)
			return -1;
		dt = now_ns() - t0;
		if (dt > ROUND_NS / 10 || iters > (1L << 30))
			break;
		iters *= 4;
	}
	if (dt > 0)
		iters = (long)(iters * (ROUND_NS / dt)) + 1;
	for (int i = 0; i < ROUNDS; i++) {
		t0 = now_ns();
		units = fn(iters);
		if (units < 0)
			return -1;
		r[i] = (now_ns() - t0) / units;
	}
	qsort(r, ROUNDS, sizeof r[0], cmp_double);
	return r[ROUNDS / 2];
}

/* ---- getppid ---- */

static long run_getppid(long iters)
{
	for (long i = 0; i < iters; i++)
		syscall(SYS_getppid); /* the libc wrapper could one day cache */
	return iters;
}

/* ---- futex ping-pong ---- */

static _Atomic int turn; /* 0: main thread's turn, 1: partner's */
static long pp_iters;
static const char *fail_reason;

static long futex(_Atomic int *addr, int op, int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* Waits until turn == want, blocking in the kernel. */
static int futex_await(int want)
{
	int v;

	while ((v = atomic_load(&turn)) != want) {
		if (futex(&turn, FUTEX_WAIT_PRIVATE, v) < 0 && errno != EAGAIN &&
		    errno != EINTR) {
			fail_reason = "FUTEX_WAIT";
			return -1;
		}
	}
	return 0;
}

static int futex_pass(int to)
{
	atomic_store(&turn, to);
	if (futex(&turn, FUTEX_WAKE_PRIVATE, 1) < 0) {
		fail_reason = "FUTEX_WAKE";
		return -1;
	}
	return 0;
}

static void *futex_partner(void *arg)
{
	(void)arg;
	for (long i = 0; i < pp_iters; i++)
		if (futex_await(1) < 0 || futex_pass(0) < 0)
			return (void *)-1;
	return NULL;
}

static long start_partner(void *(*fn)(void *), pthread_t *t)
{
	int e = pthread_create(t, NULL, fn, NULL);

	if (e) {
		errno = e;
		fail_reason = "pthread_create";
		return -1;
	}
	return 0;
}

static long join_partner(pthread_t t)
{
	void *ret;
	int e = pthread_join(t, &ret);

	if (e) {
		errno = e;
		fail_reason = "pthread_join";
		return -1;
	}
	return ret == NULL ? 0 : -1;
}

static long run_futex(long iters)
{
	pthread_t t;

	pp_iters = iters;
	atomic_store(&turn, 0);
	if (start_partner(futex_partner, &t) < 0)
		return -1;
	for (long i = 0; i < iters; i++)
		if (futex_pass(1) < 0 || futex_await(0) < 0)
			break; /* the partner then fails too: join reports it */
	if (join_partner(t) < 0)
		return -1;
	return fail_reason ? -1 : 2 * iters;
}

/* ---- pipe ping-pong ---- */

static int to_partner[2], to_main[2];

static void *pipe_partner(void *arg)
{
	char c;

	(void)arg;
	for (long i = 0; i < pp_iters; i++) {
		if (read(to_partner[0], &c, 1) != 1) {
			fail_reason = "partner read";
			return (void *)-1;
		}
		if (write(to_main[1], &c, 1) != 1) {
			fail_reason = "partner write";
			return (void *)-1;
		}
	}
	return NULL;
}

static long run_pipe(long iters)
{
	pthread_t t;
	char c = 'x';

	pp_iters = iters;
	if (start_partner(pipe_partner, &t) < 0)
		return -1;
	for (long i = 0; i < iters; i++) {
		if (write(to_partner[1], &c, 1) != 1) {
			fail_reason = "write";
			break;
		}
		if (read(to_main[0], &c, 1) != 1) {
			fail_reason = "read";
			break;
		}
	}
	if (fail_reason) {
		/* Unblock the partner if it waits for a byte that never comes. */
		close(to_partner[1]);
		return -1;
	}
	if (join_partner(t) < 0)
		return -1;
	return 2 * iters;
}

/* ---- driver ---- */

static void report(const char *name, long (*fn)(long))
{
	double ns;

	fail_reason = NULL;
	errno = 0;
	ns = measure(fn);
	if (ns < 0)
		printf("%s unsupported %s: %s\n", name,
		       fail_reason ? fail_reason : "call failed", strerror(errno));
	else
		printf("%s %.1f\n", name, ns);
	fflush(stdout);
}

/* Stops a Linux guest whose /init we are: PID 1 must not exit. */
static void poweroff(void)
{
	fflush(stdout);
	sync();
	/* isa-debug-exit (the same device rumprun's VMs have): QEMU exits. */
	if (ioperm(0xf4, 4, 1) == 0)
		outl(0, 0xf4);
	/* With -no-reboot a reboot request makes QEMU exit too. */
	reboot(RB_AUTOBOOT);
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int off = 0;

	/* Keep the native reference on one CPU, like the 1-vCPU guests;
	 * a platform without affinity control is simply not pinned. */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof one, &one);

	for (int i = 1; i < argc; i++) {
		const char *m = argv[i];

		if (!strcmp(m, "ready")) {
			puts("bench_ready");
			fflush(stdout);
		} else if (!strcmp(m, "getppid")) {
			report("getppid_ns", run_getppid);
		} else if (!strcmp(m, "futex")) {
			report("ctxsw_futex_ns", run_futex);
		} else if (!strcmp(m, "pipe")) {
			if (pipe(to_partner) < 0 || pipe(to_main) < 0)
				printf("ctxsw_pipe_ns unsupported pipe: %s\n",
				       strerror(errno));
			else
				report("ctxsw_pipe_ns", run_pipe);
		} else if (!strcmp(m, "poweroff")) {
			off = 1;
		} else {
			fprintf(stderr, "bench: unknown mode %s\n", m);
			return 2;
		}
	}
	puts("bench_done");
	if (off)
		poweroff();
	return 0;
}
