// Checks the auxiliary vector a static-pie program starts with (musl's
// rcrt1 and libc read it): page size, 16 random bytes, program headers that
// describe this program, entry point, ids, AT_SECURE 0.
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <unistd.h>
#include "t.h"

int main(void)
{
	CHECK_INT(getauxval(AT_PAGESZ), 4096);
	CHECK_INT(sysconf(_SC_PAGESIZE), 4096);
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	CHECK(r != NULL);
	int nonzero = 0;
	for (int i = 0; r && i < 16; i++)
		nonzero |= r[i];
	CHECK(nonzero);
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	size_t phnum = getauxval(AT_PHNUM);
	CHECK(ph != NULL);
	CHECK(phnum > 0 && phnum < 64);
	CHECK_INT(getauxval(AT_PHENT), sizeof(ElfW(Phdr)));
	int loads = 0, self = 0;
	for (size_t i = 0; ph && i < phnum; i++) {
		if (ph[i].p_type == PT_LOAD)
			loads++;
		if (ph[i].p_type == PT_PHDR)
			self++;
	}
	CHECK(loads >= 1);
	T_SAY("PT_PHDR present: %s", self ? "yes" : "no");
	/* The entry point lies in this program's image, near main. */
	uintptr_t entry = getauxval(AT_ENTRY);
	CHECK(entry != 0);
	CHECK(entry - ((uintptr_t)main & ~(uintptr_t)0xfffff) < (16u << 20));
	CHECK_INT(getauxval(AT_SECURE), 0);
	CHECK(getauxval(AT_UID) == (unsigned long)getuid());
	CHECK(getauxval(AT_EGID) == (unsigned long)getegid());
	return T_DONE();
}
