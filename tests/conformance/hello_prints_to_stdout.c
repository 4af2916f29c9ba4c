// Checks that a program's stdout reaches the console (walking skeleton).
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	puts("second line via puts");
	fputs("third line via fputs\n", stdout);
	return 0;
}
