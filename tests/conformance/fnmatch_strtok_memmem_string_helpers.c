// Checks string helpers from libc: fnmatch patterns and flags, strtok_r
// splitting, memmem, strsep, strndup, strcasecmp, strspn/strcspn, and
// stpcpy.
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdlib.h>
#include <strings.h>
#include "t.h"

int main(void)
{
	CHECK_INT(fnmatch("*.c", "main.c", 0), 0);
	CHECK_INT(fnmatch("*.c", "dir/main.c", FNM_PATHNAME), FNM_NOMATCH);
	CHECK_INT(fnmatch("[a-c]?x", "b1x", 0), 0);
	CHECK_INT(fnmatch("*", ".hidden", FNM_PERIOD), FNM_NOMATCH);
	char s[] = "a,b,,c";
	char *save, *tok;
	int n = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		n++;
	CHECK_INT(n, 3);
	const char hay[] = "abc\0def";
	CHECK(memmem(hay, 7, "c\0d", 3) == hay + 2);
	char t[] = "x::y", *p = t;
	CHECK(strcmp(strsep(&p, ":"), "x") == 0);
	CHECK(strcmp(strsep(&p, ":"), "") == 0);
	CHECK(strcmp(p, "y") == 0);
	char *d = strndup("abcdef", 3);
	CHECK(d && strcmp(d, "abc") == 0);
	free(d);
	CHECK(strcasecmp("HeLLo", "hello") == 0);
	CHECK_INT(strspn("aabbc", "ab"), 4);
	CHECK_INT(strcspn("hello world", " "), 5);
	char buf[16];
	CHECK(stpcpy(stpcpy(buf, "ab"), "cd") == buf + 4 && strcmp(buf, "abcd") == 0);
	return T_DONE();
}
