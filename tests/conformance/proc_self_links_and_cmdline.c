// args: alpha beta
// /proc/self is a link to the pid, /proc/self/exe ends with the program's
// base name, /proc/self/fd/N names /dev/null for an open /dev/null, and
// /proc/self/cmdline holds argv NUL-separated; comm is the base name.
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "t.h"

int main(int argc, char **argv)
{
	char link[4096], want[64], path[64];
	ssize_t n = readlink("/proc/self", link, sizeof link - 1);
	CHECK(n > 0);
	link[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof want, "%d", getpid());
	CHECK(!strcmp(link, want));
	n = readlink("/proc/self/exe", link, sizeof link - 1);
	CHECK(n > 0);
	link[n > 0 ? n : 0] = 0;
	char a0[4096];
	snprintf(a0, sizeof a0, "%s", argv[0]);
	CHECK(!strcmp(basename(link), basename(a0)));
	int fd = open("/dev/null", O_RDONLY);
	CHECK(fd > 2);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	CHECK(!strcmp(link, "/dev/null"));
	DIR *d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	int seen = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (atoi(e->d_name) == fd)
			seen = 1;
	if (d)
		closedir(d);
	CHECK(seen);
	close(fd);
	CHECK_ERR(readlink(path, link, sizeof link), ENOENT);
	char cmd[4096];
	int cfd = open("/proc/self/cmdline", O_RDONLY);
	CHECK(cfd >= 0);
	n = read(cfd, cmd, sizeof cmd);
	close(cfd);
	int count = 0, match = 1;
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(cmd + i) + 1) {
		if (count < argc && count > 0 && strcmp(cmd + i, argv[count]))
			match = 0;
		count++;
	}
	CHECK_INT(count, argc);
	CHECK(match);
	T_SAY("argc %d", argc);
	char comm[64] = {0};
	int mfd = open("/proc/self/comm", O_RDONLY);
	CHECK(mfd >= 0);
	CHECK(read(mfd, comm, sizeof comm - 1) > 0);
	close(mfd);
	comm[strcspn(comm, "\n")] = 0;
	CHECK(!strncmp(comm, basename(a0), 15));
	return T_DONE();
}
