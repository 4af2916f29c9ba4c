// Checks that /tmp holds a file larger than a default VM's initial kernel
// heap: 24 MiB written in 64 KiB chunks of a position-dependent pattern,
// its size and block count, every byte read back in 64 KiB chunks, then
// unlinked; the whole round is done twice, so the memory freed by unlink
// is reused rather than lost. Runs in the default VM memory (64 MiB; the
// /tmp limit is half of it), so the kernel heap must grow on demand.
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

#define SZ (24u << 20)
#define CHUNK (64u << 10)

static unsigned char buf[CHUNK];

/* Returns byte i of the file for round r (not periodic at powers of two). */
static unsigned char pat(size_t i, unsigned r)
{
	uint32_t x = (uint32_t)i * 2654435761u + r * 40503u;
	return (unsigned char)(x >> 13 ^ x >> 24 ^ i / 251);
}

static void round_trip(unsigned r)
{
	int fd = open("/tmp/big24m", O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	int short_writes = 0;
	for (size_t off = 0; off < SZ; off += CHUNK) {
		for (size_t i = 0; i < CHUNK; i++)
			buf[i] = pat(off + i, r);
		if (write(fd, buf, CHUNK) != (ssize_t)CHUNK) {
			short_writes++;
			break;
		}
	}
	CHECK_INT(short_writes, 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT(st.st_size, SZ);
	CHECK(st.st_blocks >= SZ / 512);
	CHECK_INT(lseek(fd, 0, SEEK_SET), 0);
	size_t got = 0;
	long first_bad = -1;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n <= 0)
			break;
		for (size_t i = 0; i < (size_t)n && first_bad < 0; i++)
			if (buf[i] != pat(got + i, r))
				first_bad = (long)(got + i);
		got += (size_t)n;
	}
	CHECK_INT(got, SZ);
	CHECK_INT(first_bad, -1);
	CHECK(close(fd) == 0);
	CHECK(unlink("/tmp/big24m") == 0);
	CHECK_ERR(access("/tmp/big24m", F_OK), ENOENT);
}

int main(void)
{
	T_CASE("first file");
	round_trip(1);
	T_CASE("second file after unlink");
	round_trip(2);
	return T_DONE();
}
