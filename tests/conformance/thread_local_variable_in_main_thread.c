// Checks __thread variables in the main thread: initialised (.tdata) and
// zeroed (.tbss) values, writes, and 16-byte alignment (the kernel or
// loader must set up the TLS block and %fs correctly for static-pie).
#include <stdint.h>
#include "t.h"

static __thread int tl_init = 1234;
static __thread long tl_zero;
static __thread char tl_arr[100] = "tls-string";
static __thread _Alignas(16) double tl_aligned = 0.5;

int main(void)
{
	CHECK_INT(tl_init, 1234);
	CHECK_INT(tl_zero, 0);
	CHECK(strcmp(tl_arr, "tls-string") == 0);
	CHECK(tl_aligned == 0.5);
	CHECK((uintptr_t)&tl_aligned % 16 == 0);
	tl_init += 1;
	tl_zero = -7;
	tl_arr[0] = 'T';
	CHECK_INT(tl_init, 1235);
	CHECK_INT(tl_zero, -7);
	T_SAY("tl_arr %s", tl_arr);
	return T_DONE();
}
