// /proc/self/maps: every line parses as "start-end perms offset dev inode
// [name]", the line holding a local variable is rw-p and named [stack],
// the line holding main is r-xp, and lines are sorted without overlap.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "t.h"

static char buf[1 << 16];

int main(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	CHECK(fd >= 0);
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(fd);
	int local = 1;
	uintptr_t here = (uintptr_t)&local, text = (uintptr_t)&main;
	int parsed = 1, sorted = 1, stack_ok = 0, text_ok = 0, stack_named = 0;
	unsigned long prev_end = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long a, b, off, ino;
		char perms[5], dev[16];
		int name_at = 0;
		if (sscanf(line, "%lx-%lx %4s %lx %15s %lu %n", &a, &b, perms, &off, dev, &ino, &name_at) < 6 || a >= b) {
			parsed = 0;
			continue;
		}
		if (a < prev_end)
			sorted = 0;
		prev_end = b;
		if (strstr(line, "[stack]"))
			stack_named = 1;
		if (here >= a && here < b)
			stack_ok = !strcmp(perms, "rw-p") && strstr(line, "[stack]") != NULL;
		if (text >= a && text < b)
			text_ok = perms[0] == 'r' && perms[2] == 'x';
	}
	CHECK(parsed);
	CHECK(sorted);
	CHECK(stack_named);
	CHECK(stack_ok);
	CHECK(text_ok);
	return T_DONE();
}
