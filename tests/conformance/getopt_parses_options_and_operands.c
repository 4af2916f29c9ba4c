// Checks getopt on "-a -b val -cfoo -- -x rest": flags, separate and
// attached option arguments, '--' ending options, operands left over, and
// an unknown option giving '?' with optopt set.
// args: -a -b val -cfoo -z -- -x rest
#include <unistd.h>
#include "t.h"

int main(int argc, char **argv)
{
	int c, a = 0, q = 0;
	char *b = NULL, *cc = NULL;
	opterr = 0;
	while ((c = getopt(argc, argv, "ab:c:")) != -1) {
		if (c == 'a') a++;
		else if (c == 'b') b = optarg;
		else if (c == 'c') cc = optarg;
		else if (c == '?') { q++; CHECK_INT(optopt, 'z'); }
	}
	CHECK_INT(a, 1);
	CHECK(b && strcmp(b, "val") == 0);
	CHECK(cc && strcmp(cc, "foo") == 0);
	CHECK_INT(q, 1);
	CHECK_INT(argc - optind, 2);
	CHECK(strcmp(argv[optind], "-x") == 0);
	CHECK(strcmp(argv[optind + 1], "rest") == 0);
	return T_DONE();
}
