// MADV_DONTNEED on private anonymous memory gives zero pages on the next
// touch; on a private file mapping the file's bytes come back; mlock,
// munlock, mlockall and munlockall succeed.
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	char *a = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	memset(a, 0x5a, 4 * 4096);
	CHECK(madvise(a + 4096, 2 * 4096, MADV_DONTNEED) == 0);
	CHECK(a[0] == 0x5a && a[4096] == 0 && a[3 * 4096 - 1] == 0 && a[3 * 4096] == 0x5a);
	CHECK(madvise(a, 4096, MADV_WILLNEED) == 0);
	CHECK(mlock(a, 4096) == 0);
	CHECK(munlock(a, 4096) == 0);
	CHECK(mlockall(MCL_CURRENT) == 0);
	CHECK(munlockall() == 0);
	CHECK_ERR(mlockall(0), EINVAL);
	int fd = open("/tmp/dontneed_file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	char page[4096];
	memset(page, 'F', sizeof page);
	CHECK(write(fd, page, sizeof page) == 4096);
	char *f = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(f != MAP_FAILED);
	f[0] = 'w';
	CHECK(madvise(f, 4096, MADV_DONTNEED) == 0);
	CHECK(f[0] == 'F');
	close(fd);
	unlink("/tmp/dontneed_file");
	return T_DONE();
}
