// Checks that writes of at most PIPE_BUF bytes are atomic: four threads
// each write 500 records of 32 bytes into one pipe while the main thread
// reads; every record arrives whole, and each thread's records arrive in
// its own order.
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include "t.h"

#define REC 32
#define PER 500
static int p[2];

static void *writer(void *arg)
{
	long id = (long)arg;
	char r[REC];
	for (int i = 0; i < PER; i++) {
		memset(r, 'a' + (int)id, REC);
		snprintf(r, 12, "%ld:%08d", id, i);
		r[11] = 'a' + (int)id;
		if (write(p[1], r, REC) != REC)
			return (void *)1;
	}
	return NULL;
}

int main(void)
{
	CHECK(pipe(p) == 0);
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		CHECK_INT(pthread_create(&t[i], NULL, writer, (void *)i), 0);
	int next[4] = {0}, torn = 0, outoforder = 0, total = 0;
	char r[REC];
	while (total < 4 * PER) {
		size_t got = 0;
		while (got < REC) {
			ssize_t k = read(p[0], r + got, REC - got);
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		if (got != REC)
			break;
		int id = r[0] - '0', seq = -1;
		if (id < 0 || id > 3 || sscanf(r + 2, "%8d", &seq) != 1) {
			torn++;
			total++;
			continue;
		}
		for (int k = 11; k < REC; k++)
			if (r[k] != 'a' + id) {
				torn++;
				break;
			}
		if (seq != next[id])
			outoforder++;
		next[id] = seq + 1;
		total++;
	}
	CHECK_INT(total, 4 * PER);
	CHECK_INT(torn, 0);
	CHECK_INT(outoforder, 0);
	void *res;
	int bad = 0;
	for (int i = 0; i < 4; i++) {
		CHECK_INT(pthread_join(t[i], &res), 0);
		bad += res != NULL;
	}
	CHECK_INT(bad, 0);
	CHECK(close(p[1]) == 0);
	CHECK_INT(read(p[0], r, 1), 0);
	return T_DONE();
}
