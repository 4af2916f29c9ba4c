// Kernel smoke test (scripts/smoke.sh), unikernel only: fills /tmp and
// /dev/shm in a 64 MiB VM until writes fail. Each mount may take half of
// RAM (tmpfs(5)'s default), so together they ask for more than the kernel
// heap can ever get; whichever runs out first, the writer must see ENOSPC
// (never a kernel stop), and once the files are removed the memory must
// come back: the second round has to store as much again.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char chunk[1 << 20];

// Writes 1 MiB chunks to PATH until a write fails; returns the MiB stored
// and puts the failing errno in *why.
static long fill(const char *path, int *why)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		*why = errno;
		return -1;
	}
	long mib = 0;
	for (;;) {
		ssize_t n = write(fd, chunk, sizeof chunk);
		if (n != (ssize_t)sizeof chunk) {
			*why = n < 0 ? errno : ENOSPC;
			break;
		}
		mib++;
	}
	close(fd);
	return mib;
}

int main(void)
{
	memset(chunk, 0x5a, sizeof chunk);
	long first = 0;
	for (int round = 1; round <= 2; round++) {
		int e1 = 0, e2 = 0;
		long a = fill("/tmp/fill", &e1);
		long b = fill("/dev/shm/fill", &e2);
		printf("round %d: /tmp took %ld MiB (%s), /dev/shm took %ld MiB (%s)\n", round, a,
		       e1 == ENOSPC ? "ENOSPC" : strerror(e1), b, e2 == ENOSPC ? "ENOSPC" : strerror(e2));
		if (e1 != ENOSPC || e2 != ENOSPC || a <= 0) {
			printf("fill_tmpfs: FAIL (expected ENOSPC from both)\n");
			return 1;
		}
		if (unlink("/tmp/fill") || unlink("/dev/shm/fill")) {
			printf("fill_tmpfs: FAIL unlink: %s\n", strerror(errno));
			return 1;
		}
		if (round == 1)
			first = a + b;
		else if (a + b + 1 < first) {
			printf("fill_tmpfs: FAIL the second round stored %ld MiB, the first %ld\n", a + b,
			       first);
			return 1;
		}
	}
	printf("fill_tmpfs: ok\n");
	return 0;
}
