// /proc/self/status: Threads: is 1, then 3 while two threads wait, and the
// Pid, Tgid and Uid lines agree with getpid() and getuid().
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "t.h"

static long field(const char *key)
{
	static char buf[8192];
	int fd = open("/proc/self/status", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	size_t kl = strlen(key);
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == ':')
			return strtol(l + kl + 1, NULL, 10);
	return -2;
}

static int pipefd[2];

static void *waiter(void *arg)
{
	char c;
	(void)arg;
	if (read(pipefd[0], &c, 1) != 1)
		return (void *)1;
	return NULL;
}

int main(void)
{
	CHECK_INT(field("Threads"), 1);
	CHECK(field("Pid") == getpid());
	CHECK(field("Tgid") == getpid());
	CHECK(field("Uid") == (long)getuid());
	CHECK(field("PPid") >= 0);
	CHECK(field("VmRSS") > 0);
	CHECK(pipe(pipefd) == 0);
	pthread_t t[2];
	int started = 0;
	for (int i = 0; i < 2; i++)
		started += pthread_create(&t[i], NULL, waiter, NULL) == 0;
	CHECK_INT(started, 2);
	if (started == 2) {
		CHECK_INT(field("Threads"), 3);
		CHECK(write(pipefd[1], "xx", 2) == 2);
		for (int i = 0; i < 2; i++)
			CHECK(pthread_join(t[i], NULL) == 0);
	}
	return T_DONE();
}
