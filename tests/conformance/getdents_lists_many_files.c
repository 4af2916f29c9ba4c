// Checks readdir over a directory of 300 files: every name appears once,
// plus . and .., across several getdents64 calls.
#include <dirent.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

#define N 300

int main(void)
{
	const char *d = "/tmp/cf_many";
	char name[64];
	static char seen[N];
	mkdir(d, 0755);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "%s/file_with_a_longish_name_%03d", d, i);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			break;
		close(fd);
	}
	DIR *dir = opendir(d);
	CHECK(dir != NULL);
	int dots = 0, files = 0, dup = 0, badtype = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		int i;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			dots++;
			continue;
		}
		if (sscanf(e->d_name, "file_with_a_longish_name_%d", &i) == 1 && i >= 0 && i < N) {
			dup += seen[i];
			seen[i] = 1;
			files++;
			badtype += e->d_type != DT_REG;
		}
	}
	CHECK_INT(dots, 2);
	CHECK_INT(files, N);
	CHECK_INT(dup, 0);
	CHECK_INT(badtype, 0);
	closedir(dir);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "%s/file_with_a_longish_name_%03d", d, i);
		unlink(name);
	}
	CHECK(rmdir(d) == 0);
	return T_DONE();
}
