// Checks a MAP_PRIVATE read-write mapping of a /tmp file shared by the
// threads of the process: each of four threads stores into its own quarter
// of the mapping, the main thread sees every store after join, while the
// file itself (pread) keeps its original bytes; untouched pages still show
// the file contents.
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include "t.h"

#define SZ 32768
static unsigned char *m;

static void *worker(void *arg)
{
	long q = (long)arg;
	for (int i = 0; i < SZ / 8; i++)
		m[q * (SZ / 4) + i] = (unsigned char)(0x80 + q);
	return NULL;
}

int main(void)
{
	int fd = open("/tmp/mpriv", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	static unsigned char orig[SZ];
	for (int i = 0; i < SZ; i++)
		orig[i] = (unsigned char)(i % 113);
	CHECK_INT(write(fd, orig, SZ), SZ);
	m = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return T_DONE();
	pthread_t t[4];
	for (long q = 0; q < 4; q++)
		CHECK_INT(pthread_create(&t[q], NULL, worker, (void *)q), 0);
	for (int q = 0; q < 4; q++)
		CHECK_INT(pthread_join(t[q], NULL), 0);
	int bad_written = 0, bad_untouched = 0;
	for (int q = 0; q < 4; q++)
		for (int i = 0; i < SZ / 4; i++) {
			int k = q * (SZ / 4) + i;
			if (i < SZ / 8)
				bad_written += m[k] != (unsigned char)(0x80 + q);
			else
				bad_untouched += m[k] != orig[k];
		}
	CHECK_INT(bad_written, 0);
	CHECK_INT(bad_untouched, 0);
	static unsigned char file[SZ];
	CHECK_INT(pread(fd, file, SZ, 0), SZ);
	CHECK(memcmp(file, orig, SZ) == 0);
	CHECK(munmap(m, SZ) == 0);
	close(fd);
	CHECK(unlink("/tmp/mpriv") == 0);
	return T_DONE();
}
