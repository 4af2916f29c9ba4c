// /proc/sys: ostype is Linux, hostname matches uname(2), pid_max,
// threads-max and somaxconn are positive, overcommit_memory is 0, 1 or 2.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "t.h"

static char buf[256];

static int slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return (int)n;
}

int main(void)
{
	struct utsname u;
	CHECK(uname(&u) == 0);
	CHECK(slurp("/proc/sys/kernel/ostype") > 0);
	CHECK(!strcmp(buf, "Linux\n"));
	CHECK(slurp("/proc/sys/kernel/hostname") > 0);
	buf[strcspn(buf, "\n")] = 0;
	CHECK(!strcmp(buf, u.nodename));
	CHECK(slurp("/proc/sys/kernel/osrelease") > 0);
	buf[strcspn(buf, "\n")] = 0;
	CHECK(!strcmp(buf, u.release));
	CHECK(slurp("/proc/sys/kernel/pid_max") > 0 && atol(buf) > 0);
	CHECK(slurp("/proc/sys/kernel/threads-max") > 0 && atol(buf) > 0);
	CHECK(slurp("/proc/sys/net/core/somaxconn") > 0 && atol(buf) >= 128);
	CHECK(slurp("/proc/sys/vm/overcommit_memory") > 0 && atol(buf) >= 0 && atol(buf) <= 2);
	CHECK_ERR(open("/proc/sys/kernel/no_such_file", O_RDONLY), ENOENT);
	return T_DONE();
}
