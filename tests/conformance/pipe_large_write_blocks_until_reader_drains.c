// Checks a blocking write larger than the pipe: it returns the full count
// once a reader thread has drained enough, and the bytes arrive in order.
#include <pthread.h>
#include <unistd.h>
#include "../conformance/t.h"

#define SIZE (256 * 1024)
static int p[2];
static unsigned char out[SIZE], in[SIZE];
static long received;

static void *reader(void *arg)
{
	(void)arg;
	ssize_t n;
	while (received < SIZE && (n = read(p[0], in + received, 7000)) > 0)
		received += n;
	return NULL;
}

int main(void)
{
	for (int i = 0; i < SIZE; i++)
		out[i] = (unsigned char)(i * 7 + i / 256);
	CHECK(pipe(p) == 0);
	pthread_t t;
	int started = pthread_create(&t, NULL, reader, NULL);
	CHECK_INT(started, 0);
	if (started != 0)
		return T_DONE();
	CHECK_INT(write(p[1], out, SIZE), SIZE);
	CHECK_INT(pthread_join(t, NULL), 0);
	CHECK_INT(received, SIZE);
	CHECK(memcmp(in, out, SIZE) == 0);
	return T_DONE();
}
