// Checks rename of directories on /tmp: a directory moves with its
// contents; it may replace an empty directory but not a non-empty one
// (ENOTEMPTY); it cannot move into its own subtree (EINVAL); a file
// cannot replace a directory (EISDIR) nor a directory a file (ENOTDIR).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

static int touch(const char *p)
{
	int fd = open(p, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return -1;
	int ok = write(fd, "x", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

int main(void)
{
	struct stat st;
	CHECK(mkdir("/tmp/rd_a", 0755) == 0);
	CHECK(mkdir("/tmp/rd_a/sub", 0755) == 0);
	CHECK(touch("/tmp/rd_a/sub/f") == 0);
	CHECK(rename("/tmp/rd_a", "/tmp/rd_b") == 0);
	CHECK_ERR(stat("/tmp/rd_a", &st), ENOENT);
	CHECK(stat("/tmp/rd_b/sub/f", &st) == 0 && st.st_size == 1);
	T_CASE("onto_empty_dir");
	CHECK(mkdir("/tmp/rd_empty", 0755) == 0);
	CHECK(rename("/tmp/rd_b", "/tmp/rd_empty") == 0);
	CHECK(stat("/tmp/rd_empty/sub/f", &st) == 0);
	CHECK_ERR(stat("/tmp/rd_b", &st), ENOENT);
	T_CASE("onto_nonempty_dir");
	CHECK(mkdir("/tmp/rd_full", 0755) == 0);
	CHECK(touch("/tmp/rd_full/g") == 0);
	CHECK_ERR(rename("/tmp/rd_empty", "/tmp/rd_full"), ENOTEMPTY);
	CHECK(stat("/tmp/rd_full/g", &st) == 0);
	T_CASE("into_own_subtree");
	CHECK_ERR(rename("/tmp/rd_empty", "/tmp/rd_empty/sub/x"), EINVAL);
	T_CASE("file_and_dir_mismatch");
	CHECK(touch("/tmp/rd_file") == 0);
	CHECK_ERR(rename("/tmp/rd_file", "/tmp/rd_full"), EISDIR);
	CHECK_ERR(rename("/tmp/rd_full", "/tmp/rd_file"), ENOTDIR);
	T_CASE("same_dir_is_noop");
	CHECK(rename("/tmp/rd_full", "/tmp/rd_full") == 0);
	CHECK(stat("/tmp/rd_full/g", &st) == 0);
	T_CASE("cleanup");
	CHECK(unlink("/tmp/rd_empty/sub/f") == 0);
	CHECK(rmdir("/tmp/rd_empty/sub") == 0);
	CHECK(rmdir("/tmp/rd_empty") == 0);
	CHECK(unlink("/tmp/rd_full/g") == 0);
	CHECK(rmdir("/tmp/rd_full") == 0);
	CHECK(unlink("/tmp/rd_file") == 0);
	return T_DONE();
}
