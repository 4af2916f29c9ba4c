// A file mapping longer than its 100-byte file: the first page reads the
// bytes then zeros, a touch of the second page raises SIGBUS (caught), and
// munmap of the first page makes it fault with SIGSEGV.
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "t.h"

static sigjmp_buf jb;

static void on_sig(int sig)
{
	siglongjmp(jb, sig);
}

static int read_faults(volatile char *p)
{
	int sig = sigsetjmp(jb, 1);
	if (sig == 0) {
		(void)*p;
		return 0;
	}
	return sig;
}

int main(void)
{
	signal(SIGBUS, on_sig);
	signal(SIGSEGV, on_sig);
	int fd = open("/tmp/sigbus_test", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	char data[100];
	memset(data, 'q', sizeof data);
	CHECK(write(fd, data, sizeof data) == 100);
	char *p = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(p[99] == 'q' && p[100] == 0 && p[4095] == 0);
	CHECK_INT(read_faults(p + 4096), SIGBUS);
	CHECK_INT(read_faults(p + 2 * 4096 + 7), SIGBUS);
	CHECK(munmap(p, 4096) == 0);
	CHECK_INT(read_faults(p), SIGSEGV);
	CHECK(munmap(p + 4096, 2 * 4096) == 0);
	close(fd);
	unlink("/tmp/sigbus_test");
	return T_DONE();
}
