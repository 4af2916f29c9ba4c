// Checks directories on /tmp: mkdir, EEXIST, files inside, readdir lists
// ".", ".." and the entries (printed sorted: readdir order is unspecified),
// rmdir of a non-empty directory gives ENOTEMPTY, then cleanup.
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../conformance/t.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	char dir[64], path[128];
	snprintf(dir, sizeof dir, "/tmp/conformance-dir-%d", (int)getpid());
	CHECK(mkdir(dir, 0755) == 0);
	CHECK_ERR(mkdir(dir, 0755), EEXIST);
	const char *names[] = {"b-file", "a-file", "c-file"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		int fd = open(path, O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
	}
	snprintf(path, sizeof path, "%s/sub", dir);
	CHECK(mkdir(path, 0700) == 0);
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	char *seen[16];
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 16) {
		seen[n++] = strdup(e->d_name);
		if (strcmp(e->d_name, "sub") == 0)
			CHECK(e->d_type == DT_DIR);
	}
	if (d)
		closedir(d);
	qsort(seen, n, sizeof seen[0], cmp);
	for (int i = 0; i < n; i++) {
		T_SAY("entry %s", seen[i]);
		free(seen[i]);
	}
	CHECK_ERR(rmdir(dir), ENOTEMPTY);
	CHECK_ERR(unlink(path), EISDIR);
	CHECK(rmdir(path) == 0);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		CHECK(unlink(path) == 0);
	}
	CHECK(rmdir(dir) == 0);
	CHECK_ERR(opendir(dir) ? 0 : -1, ENOENT);
	return T_DONE();
}
