// Checks directory listing after unlink: of six files in a /tmp
// directory, the two unlinked ones no longer appear in a fresh readdir
// nor after rewinddir on an open stream; "." and ".." are listed once.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

static int list(DIR *d, int *dots, unsigned *mask)
{
	int n = 0;
	struct dirent *e;
	*dots = 0;
	*mask = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			(*dots)++;
			continue;
		}
		n++;
		if (e->d_name[0] == 'f' && e->d_name[1] >= '0' && e->d_name[1] <= '5' && e->d_name[2] == 0)
			*mask |= 1u << (e->d_name[1] - '0');
	}
	return n;
}

int main(void)
{
	CHECK(mkdir("/tmp/gdu", 0755) == 0);
	char p[32];
	for (int i = 0; i < 6; i++) {
		snprintf(p, sizeof p, "/tmp/gdu/f%d", i);
		int fd = open(p, O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
	}
	DIR *d = opendir("/tmp/gdu");
	CHECK(d != NULL);
	int dots;
	unsigned mask;
	CHECK_INT(list(d, &dots, &mask), 6);
	CHECK_INT(dots, 2);
	CHECK_INT(mask, 0x3f);
	CHECK(unlink("/tmp/gdu/f1") == 0);
	CHECK(unlink("/tmp/gdu/f4") == 0);
	rewinddir(d);
	CHECK_INT(list(d, &dots, &mask), 4);
	CHECK_INT(dots, 2);
	CHECK_INT(mask, 0x2d);
	closedir(d);
	d = opendir("/tmp/gdu");
	CHECK(d != NULL);
	CHECK_INT(list(d, &dots, &mask), 4);
	CHECK_INT(mask, 0x2d);
	closedir(d);
	CHECK_ERR(rmdir("/tmp/gdu"), ENOTEMPTY);
	for (int i = 0; i < 6; i++) {
		if (i == 1 || i == 4)
			continue;
		snprintf(p, sizeof p, "/tmp/gdu/f%d", i);
		CHECK(unlink(p) == 0);
	}
	d = opendir("/tmp/gdu");
	CHECK(d != NULL);
	CHECK_INT(list(d, &dots, &mask), 0);
	CHECK_INT(dots, 2);
	closedir(d);
	CHECK(rmdir("/tmp/gdu") == 0);
	return T_DONE();
}
