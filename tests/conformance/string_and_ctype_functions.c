// Checks libc string and ctype functions (pure user space: these must agree
// byte for byte, and exercise SSE-optimised routines on unaligned data).
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "t.h"

int main(void)
{
	T_CASE("string");
	char buf[64];
	CHECK(strlen("") == 0);
	CHECK(strlen("unikernel") == 9);
	CHECK(strcmp("abc", "abd") < 0);
	CHECK(strncmp("abcX", "abcY", 3) == 0);
	CHECK(strcasecmp("HeLLo", "hello") == 0);
	strcpy(buf, "foo");
	strcat(buf, "bar");
	CHECK(strcmp(buf, "foobar") == 0);
	CHECK(strstr("needle in haystack", "hay") != NULL);
	CHECK(strchr("abc", 'c') != NULL && strrchr("abca", 'a')[1] == 0);
	CHECK(strspn("aaabbb", "a") == 3 && strcspn("abc;def", ";") == 3);
	char tok[] = "a,b,,c";
	int n = 0;
	for (char *t = strtok(tok, ","); t; t = strtok(NULL, ","))
		n++;
	CHECK_INT(n, 3);
	char *d = strdup("duplicate");
	CHECK(d && strcmp(d, "duplicate") == 0);
	free(d);
	/* Unaligned memcpy/memmove/memcmp/memchr over every offset. */
	static char src[300], dst[300];
	for (int i = 0; i < 300; i++)
		src[i] = (char)(i * 7);
	int mism = 0;
	for (int off = 0; off < 16; off++)
		for (int len = 0; len < 200; len += 13) {
			memset(dst, 0, sizeof dst);
			memcpy(dst + off, src + (15 - off), len);
			mism += memcmp(dst + off, src + (15 - off), len) != 0;
		}
	CHECK_INT(mism, 0);
	memcpy(dst, src, 100);
	memmove(dst + 3, dst, 50);
	CHECK(memcmp(dst + 3, src, 50) == 0);
	CHECK(memchr(src, (char)(77 * 7), 300) == src + 77);

	T_CASE("ctype");
	int alpha = 0, digit = 0, space = 0, upper = 0, punct = 0;
	for (int c = 0; c < 128; c++) {
		alpha += !!isalpha(c);
		digit += !!isdigit(c);
		space += !!isspace(c);
		upper += !!isupper(c);
		punct += !!ispunct(c);
	}
	T_SAY("alpha %d digit %d space %d upper %d punct %d", alpha, digit, space, upper, punct);
	CHECK(toupper('q') == 'Q' && tolower('Q') == 'q' && toupper('1') == '1');
	return T_DONE();
}
