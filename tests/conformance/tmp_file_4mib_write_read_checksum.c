// Checks a 4 MiB file on /tmp: written in uneven chunks of a patterned
// buffer, its size is 4 MiB, and reading it back (whole and in 1000-byte
// pieces from an odd offset) gives the same checksum and bytes.
// memory: 256M
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

#define SZ (4u << 20)

static uint32_t sum(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

int main(void)
{
	unsigned char *w = malloc(SZ), *r = malloc(SZ);
	CHECK(w && r);
	if (!w || !r)
		return T_DONE();
	for (size_t i = 0; i < SZ; i++)
		w[i] = (unsigned char)((i * 7 + (i >> 12)) & 0xff);
	int fd = open("/tmp/big4m", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	size_t off = 0, chunk = 4093;
	int bad = 0;
	while (off < SZ) {
		size_t n = SZ - off < chunk ? SZ - off : chunk;
		if (write(fd, w + off, n) != (ssize_t)n)
			bad++;
		off += n;
		chunk = chunk * 3 % 200003 + 1;
	}
	CHECK_INT(bad, 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT(st.st_size, SZ);
	CHECK_INT(lseek(fd, 0, SEEK_SET), 0);
	size_t got = 0;
	ssize_t k;
	while (got < SZ && (k = read(fd, r + got, SZ - got)) > 0)
		got += (size_t)k;
	CHECK_INT(got, SZ);
	CHECK_INT(read(fd, r, 1), 0);
	CHECK(sum(r, SZ) == sum(w, SZ));
	CHECK(memcmp(r, w, SZ) == 0);
	memset(r, 0, SZ);
	CHECK_INT(lseek(fd, 12345, SEEK_SET), 12345);
	size_t pos = 12345;
	while ((k = read(fd, r + pos, 1000)) > 0)
		pos += (size_t)k;
	CHECK_INT(pos, SZ);
	CHECK(memcmp(r + 12345, w + 12345, SZ - 12345) == 0);
	CHECK(close(fd) == 0);
	CHECK(unlink("/tmp/big4m") == 0);
	return T_DONE();
}
