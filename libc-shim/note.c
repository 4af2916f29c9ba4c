/* The .note.rumprun ELF note that rumprun-cc links into every program.
 *
 * `rumprun bake` reads it to report which toolchain built a program and to
 * check the ABI version (rumprun_config::ABI_VERSION). Layout, as for any
 * ELF note (System V gABI, "Note Section"): namesz, descsz, type (all u32
 * little endian), the name "rumprun\0", then the descriptor:
 *
 *     u32 abi_version | toolchain string, NUL-terminated, zero-padded to 4
 *
 * The type is 1 (RUMPRUN_NOTE_BUILD). The build passes RUMPRUN_ABI_VERSION
 * and RUMPRUN_TOOLCHAIN (e.g. "rumprun-cc 0.1.0") with -D. */

#ifndef RUMPRUN_ABI_VERSION
#error "build with -DRUMPRUN_ABI_VERSION=N"
#endif
#ifndef RUMPRUN_TOOLCHAIN
#error "build with -DRUMPRUN_TOOLCHAIN='\"name version\"'"
#endif

#define RUMPRUN_NOTE_BUILD 1
#define VERSION_LEN ((sizeof(RUMPRUN_TOOLCHAIN) + 3) & ~(unsigned long)3)

struct rumprun_note {
	unsigned int namesz;
	unsigned int descsz;
	unsigned int type;
	char name[8];
	unsigned int abi_version;
	char toolchain[VERSION_LEN];
};

/* A section whose name starts with ".note" gets type SHT_NOTE from the
 * assembler, so the linker puts it in a PT_NOTE segment as well. */
__attribute__((section(".note.rumprun"), aligned(4), used))
static const struct rumprun_note rumprun_note = {
	.namesz = sizeof("rumprun"),
	.descsz = 4 + VERSION_LEN,
	.type = RUMPRUN_NOTE_BUILD,
	.name = "rumprun",
	.abi_version = RUMPRUN_ABI_VERSION,
	.toolchain = RUMPRUN_TOOLCHAIN,
};
