/* daemon(3) for a single-process unikernel (DESIGN.md decision 2).
 *
 * musl's daemon() forks and lets the parent exit; in a unikernel there is
 * no second process, so fork() fails with ENOSYS and the program would
 * stop. Here daemon() succeeds without forking: the program simply goes on
 * in the foreground, which is what "detach from the terminal" means when
 * the VM is the only thing running.
 *
 * Deviation from glibc/musl: with noclose == 0 the standard descriptors are
 * NOT redirected to /dev/null, because the serial console is the only place
 * a unikernel's logs can go. nochdir is honoured as documented.
 *
 * No libc headers are included so this file compiles the same against
 * glibc or musl headers; the prototypes below are POSIX's. */

extern int chdir(const char *path);

int daemon(int nochdir, int noclose)
{
	(void)noclose;
	if (!nochdir && chdir("/") != 0)
		return -1;
	return 0;
}
