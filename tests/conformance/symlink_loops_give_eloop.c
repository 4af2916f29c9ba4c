// Checks symlink loops on /tmp: a two-link cycle and a self link make
// open and stat fail with ELOOP while lstat and readlink still work;
// O_NOFOLLOW on a symlink gives ELOOP; a loop in a middle component too.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	struct stat st;
	CHECK(symlink("/tmp/loop_b", "/tmp/loop_a") == 0);
	CHECK(symlink("/tmp/loop_a", "/tmp/loop_b") == 0);
	CHECK(symlink("loop_self", "/tmp/loop_self") == 0);
	CHECK_ERR(open("/tmp/loop_a", O_RDONLY), ELOOP);
	CHECK_ERR(open("/tmp/loop_a", O_CREAT | O_WRONLY, 0644), ELOOP);
	CHECK_ERR(stat("/tmp/loop_b", &st), ELOOP);
	CHECK_ERR(stat("/tmp/loop_self", &st), ELOOP);
	CHECK_ERR(stat("/tmp/loop_a/x", &st), ELOOP);
	CHECK_ERR(access("/tmp/loop_self", F_OK), ELOOP);
	CHECK(lstat("/tmp/loop_a", &st) == 0 && S_ISLNK(st.st_mode));
	char buf[64];
	ssize_t n = readlink("/tmp/loop_self", buf, sizeof buf);
	CHECK_INT(n, 9);
	CHECK(n == 9 && memcmp(buf, "loop_self", 9) == 0);
	T_CASE("nofollow");
	int fd = open("/tmp/loop_target", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(symlink("/tmp/loop_target", "/tmp/loop_ok") == 0);
	CHECK_ERR(open("/tmp/loop_ok", O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = open("/tmp/loop_ok", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	T_CASE("cleanup");
	CHECK(unlink("/tmp/loop_a") == 0);
	CHECK(unlink("/tmp/loop_b") == 0);
	CHECK(unlink("/tmp/loop_self") == 0);
	CHECK(unlink("/tmp/loop_ok") == 0);
	CHECK(unlink("/tmp/loop_target") == 0);
	return T_DONE();
}
