// Checks POSIX regex: extended expressions match with captures, REG_ICASE,
// REG_NOSUB, anchors, a non-match gives REG_NOMATCH, and a bad pattern
// fails to compile.
#include <regex.h>
#include "t.h"

int main(void)
{
	regex_t re;
	regmatch_t m[3];
	CHECK_INT(regcomp(&re, "([a-z]+)-([0-9]+)", REG_EXTENDED), 0);
	CHECK_INT(regexec(&re, "id: abc-123 end", 3, m, 0), 0);
	CHECK_INT(m[0].rm_so, 4);
	CHECK_INT(m[0].rm_eo, 11);
	CHECK_INT(m[1].rm_eo - m[1].rm_so, 3);
	CHECK_INT(m[2].rm_so, 8);
	CHECK_INT(regexec(&re, "no digits-", 3, m, 0), REG_NOMATCH);
	regfree(&re);
	CHECK_INT(regcomp(&re, "^hello$", REG_ICASE | REG_NOSUB), 0);
	CHECK_INT(regexec(&re, "HeLLo", 0, NULL, 0), 0);
	CHECK_INT(regexec(&re, "hello!", 0, NULL, 0), REG_NOMATCH);
	regfree(&re);
	CHECK(regcomp(&re, "(unclosed", REG_EXTENDED) != 0);
	CHECK_INT(regcomp(&re, "a\\{2,3\\}", 0), 0);
	CHECK_INT(regexec(&re, "caab", 0, NULL, 0), 0);
	CHECK_INT(regexec(&re, "cab", 0, NULL, 0), REG_NOMATCH);
	regfree(&re);
	return T_DONE();
}
