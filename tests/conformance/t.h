/*
 * t.h: the conformance programs' test header (no framework, header only).
 *
 * Every program prints facts, one per line, in a form that is identical on
 * Linux and in the unikernel: never addresses, pids, times or sizes that
 * vary, only derived facts ("ok aligned", "errno ENOSYS"). The harness
 * compares the whole output of the native run with the unikernel's console.
 *
 *   T_CASE("name")          starts a named case (prints "case name")
 *   CHECK(expr)             prints "ok expr" or "FAIL expr at line N: errno=E"
 *   CHECK_INT(a, b)         like CHECK(a == b) but prints both values on failure
 *   CHECK_ERR(expr, E)      expects expr == -1 with errno == E
 *   T_SAY(fmt, ...)         prints a line (flushed)
 *   return T_DONE();        prints the summary; 0 if every check passed, else 1
 *
 * Output is flushed after every line so that a crash or a later write to
 * stderr cannot reorder or lose it (the unikernel console merges stdout and
 * stderr, and the native run merges them the same way).
 */
#ifndef CONFORMANCE_T_H
#define CONFORMANCE_T_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int t_failures;
static int t_checks;

/* Returns the symbolic name of an errno value (names, not strerror texts). */
static const char *t_errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case ENOEXEC: return "ENOEXEC";
	case EBADF: return "EBADF";
	case ECHILD: return "ECHILD";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EMLINK: return "EMLINK";
	case EPIPE: return "EPIPE";
	case EDOM: return "EDOM";
	case ERANGE: return "ERANGE";
	case EDEADLK: return "EDEADLK";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case EOVERFLOW: return "EOVERFLOW";
	case ENOTSOCK: return "ENOTSOCK";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EADDRINUSE: return "EADDRINUSE";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINPROGRESS: return "EINPROGRESS";
	case ECONNRESET: return "ECONNRESET";
	case ECONNABORTED: return "ECONNABORTED";
	case ENOTCONN: return "ENOTCONN";
	case EISCONN: return "EISCONN";
	case EALREADY: return "EALREADY";
	case EMSGSIZE: return "EMSGSIZE";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EPROTOTYPE: return "EPROTOTYPE";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ENETUNREACH: return "ENETUNREACH";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENOBUFS: return "ENOBUFS";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	default: return "E?";
	}
}

/* Prints one formatted line and flushes it. */
#define T_SAY(...) do { printf(__VA_ARGS__); printf("\n"); fflush(stdout); } while (0)

#define T_CASE(name) T_SAY("case %s", (name))

static void t_check(int ok, const char *what, int line, int saved_errno)
{
	t_checks++;
	if (ok) {
		printf("ok %s\n", what);
	} else {
		t_failures++;
		printf("FAIL %s at line %d: errno=%s\n", what, line, t_errname(saved_errno));
	}
	fflush(stdout);
}

/* Checks a condition; errno is sampled right after the expression (and not
 * reset before it, so the expression may test an earlier call's errno). */
#define CHECK(expr) do { int t_ok_ = !!(expr); t_check(t_ok_, #expr, __LINE__, errno); } while (0)

/* Checks that two integer expressions are equal, printing both if not. */
#define CHECK_INT(a, b) do { \
	long long t_a_ = (long long)(a), t_b_ = (long long)(b); int t_e_ = errno; \
	if (t_a_ != t_b_) { printf("FAIL %s == %s at line %d: %lld != %lld\n", #a, #b, __LINE__, t_a_, t_b_); \
		fflush(stdout); t_failures++; t_checks++; } \
	else t_check(1, #a " == " #b, __LINE__, t_e_); \
} while (0)

/* Checks that expr evaluates to -1 and sets errno to e. */
#define CHECK_ERR(expr, e) do { \
	errno = 0; long t_r_ = (long)(expr); int t_e_ = errno; \
	if (t_r_ == -1 && t_e_ == (e)) t_check(1, #expr " fails with " #e, __LINE__, t_e_); \
	else { printf("FAIL %s fails with %s at line %d: got %s errno=%s\n", #expr, #e, __LINE__, \
		t_r_ == -1 ? "-1" : "success", t_errname(t_e_)); fflush(stdout); t_failures++; t_checks++; } \
} while (0)

/* Prints the summary line; returns the exit status (0 all passed, 1 else). */
static int t_done(void)
{
	if (t_failures)
		printf("summary: %d of %d checks failed\n", t_failures, t_checks);
	else
		printf("summary: all %d checks ok\n", t_checks);
	fflush(stdout);
	return t_failures ? 1 : 0;
}
#define T_DONE() t_done()

#endif
