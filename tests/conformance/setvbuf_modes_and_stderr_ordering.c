// Checks stdio buffering: with full buffering output is held until fflush;
// line buffering flushes at newline; unbuffered stderr interleaves in
// program order with flushed stdout.
#include <stdio.h>
#include "t.h"

static char buf[BUFSIZ];

int main(void)
{
	CHECK_INT(setvbuf(stdout, buf, _IOFBF, sizeof buf), 0);
	printf("one ");
	printf("two\n");
	fflush(stdout);
	fprintf(stderr, "err after two\n");
	printf("three\n");
	fflush(stdout);
	CHECK_INT(setvbuf(stdout, NULL, _IOLBF, 0), 0);
	printf("line buffered\n");
	fprintf(stderr, "err after line\n");
	CHECK_INT(setvbuf(stdout, NULL, _IONBF, 0), 0);
	printf("unbuf ");
	fprintf(stderr, "e ");
	printf("x\n");
	fputs("\n", stderr);
	CHECK_INT(fputc('c', stdout), 'c');
	fputc('\n', stdout);
	CHECK(puts("") >= 0);
	return T_DONE();
}
