// Checks that _exit(7) (exit_group without stdio flushing) gives status 7.
// status: 7
#include <string.h>
#include <unistd.h>

int main(void)
{
	const char msg[] = "calling _exit(7)\n";
	if (write(1, msg, strlen(msg)) != (ssize_t)strlen(msg))
		return 1;
	_exit(7);
}
