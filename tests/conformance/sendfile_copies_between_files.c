// Checks sendfile between two files: with an offset pointer (file offset
// unchanged, pointer advanced) and without (file offset advanced).
#include <sys/sendfile.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	char buf[32] = {0};
	int in = open("/tmp/cf_sf_in", O_CREAT | O_RDWR | O_TRUNC, 0644);
	int out = open("/tmp/cf_sf_out", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK_INT(write(in, "hello sendfile", 14), 14);
	off_t off = 6;
	CHECK_INT((int)sendfile(out, in, &off, 100), 8);
	CHECK_INT((int)off, 14);
	CHECK_INT((int)lseek(in, 0, SEEK_CUR), 14);
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	CHECK_INT((int)sendfile(out, in, NULL, 5), 5);
	CHECK_INT((int)lseek(in, 0, SEEK_CUR), 5);
	CHECK_INT((int)pread(out, buf, sizeof buf, 0), 13);
	CHECK(memcmp(buf, "sendfilehello", 13) == 0);
	close(in);
	close(out);
	CHECK(unlink("/tmp/cf_sf_in") == 0);
	CHECK(unlink("/tmp/cf_sf_out") == 0);
	return T_DONE();
}
