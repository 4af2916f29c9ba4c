// Checks a MAP_SHARED mapping of a /tmp file used by two threads: bytes a
// thread stores through the mapping are read by the main thread through
// pread, and bytes the main thread pwrites are seen by the thread through
// the mapping; msync succeeds and the file keeps its size.
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../conformance/t.h"

#define SZ 16384
static unsigned char *m;
static int fd;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stage;
static int thread_saw;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < SZ; i++)
		m[i] = (unsigned char)(i % 251);
	pthread_mutex_lock(&mu);
	stage = 1;
	pthread_cond_broadcast(&cv);
	while (stage != 2)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	thread_saw = memcmp(m + 8000, "from-pwrite", 11) == 0 && m[7999] == 7999 % 251;
	return NULL;
}

int main(void)
{
	fd = open("/tmp/mshare", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, SZ) == 0);
	m = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return T_DONE();
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, worker, NULL), 0);
	pthread_mutex_lock(&mu);
	while (stage != 1)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	static unsigned char buf[SZ];
	CHECK_INT(pread(fd, buf, SZ, 0), SZ);
	int bad = 0;
	for (int i = 0; i < SZ; i++)
		bad += buf[i] != (unsigned char)(i % 251);
	CHECK_INT(bad, 0);
	CHECK_INT(pwrite(fd, "from-pwrite", 11, 8000), 11);
	pthread_mutex_lock(&mu);
	stage = 2;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK_INT(thread_saw, 1);
	CHECK(msync(m, SZ, MS_SYNC) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == SZ);
	CHECK(munmap(m, SZ) == 0);
	close(fd);
	CHECK(unlink("/tmp/mshare") == 0);
	return T_DONE();
}
