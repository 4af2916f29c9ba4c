// /proc/meminfo has MemTotal > 0 and MemFree <= MemTotal in kB;
// /proc/cpuinfo names processor 0; /proc/uptime and /proc/loadavg parse;
// /proc/stat starts with a cpu line.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "t.h"

static char buf[1 << 16];

static int slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(fd);
	return (int)len;
}

int main(void)
{
	unsigned long total = 0, fr = 0, avail = 0;
	CHECK(slurp("/proc/meminfo") > 0);
	CHECK(sscanf(buf, "MemTotal: %lu kB", &total) == 1);
	char *p = strstr(buf, "MemFree:");
	CHECK(p && sscanf(p, "MemFree: %lu kB", &fr) == 1);
	p = strstr(buf, "MemAvailable:");
	CHECK(p && sscanf(p, "MemAvailable: %lu kB", &avail) == 1);
	CHECK(total > 0);
	CHECK(fr <= total);
	CHECK(slurp("/proc/cpuinfo") > 0);
	CHECK(!strncmp(buf, "processor\t: 0\n", 14));
	double up = -1, idle = -1;
	CHECK(slurp("/proc/uptime") > 0);
	CHECK(sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0);
	double l1, l5, l15;
	int run, tot;
	CHECK(slurp("/proc/loadavg") > 0);
	CHECK(sscanf(buf, "%lf %lf %lf %d/%d", &l1, &l5, &l15, &run, &tot) == 5 && tot >= 1);
	CHECK(slurp("/proc/stat") > 0);
	CHECK(!strncmp(buf, "cpu ", 4));
	CHECK(strstr(buf, "\nbtime ") != NULL);
	return T_DONE();
}
