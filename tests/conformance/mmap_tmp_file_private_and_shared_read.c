// mmap of a file in /tmp: MAP_PRIVATE and read-only MAP_SHARED mappings
// show its bytes, the tail of the last page reads as zeros, private writes
// are not seen by read(2), and closing the fd keeps the mapping.
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	char data[6000];
	for (int i = 0; i < (int)sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	int fd = open("/tmp/mmap_file_test", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(!memcmp(p, data, sizeof data));
	int zero = 1;
	for (int i = sizeof data; i < 8192; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	memcpy(p, "XYZ", 3);
	char back[3];
	CHECK(pread(fd, back, 3, 0) == 3);
	CHECK(!memcmp(back, "abc", 3));
	CHECK(!memcmp(p, "XYZ", 3));
	char *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	CHECK(q != MAP_FAILED);
	CHECK(!memcmp(q, data + 4096, sizeof data - 4096));
	CHECK(close(fd) == 0);
	CHECK(p[100] == data[100]);
	CHECK(msync(p, 8192, MS_SYNC) == 0);
	CHECK(munmap(p, 8192) == 0);
	CHECK(munmap(q, 4096) == 0);
	CHECK_ERR(msync(p, 4096, MS_SYNC), ENOMEM);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED && errno == EBADF);
	CHECK(unlink("/tmp/mmap_file_test") == 0);
	return T_DONE();
}
