//! Test fixtures: a fake kernel ELF linked like rumprun-rs (multiboot2
//! header in an identity-mapped boot segment, upper-half segments, a
//! `.rumprun_payload` slot, a `.bss`), and small programs, all built with
//! the system gcc/ld so the ELF files are what real linkers produce.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Returns a fresh, empty temporary directory for one test.
pub fn tempdir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "rr-test-{}-{}-{}",
        tag,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

/// The fake kernel really boots under QEMU's PVH loader: its 32-bit entry
/// follows the descriptor slot to the payload, checks the payload magic and
/// reports `exit 7` (found) or `exit 1` (not found) through the exit protocol.
const KERNEL_ASM: &str = r#"
    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long 0xe85250d6, 0, 16, -(0xe85250d6 + 16)
    .section .boot.text, "ax"
    .code32
    .globl mb2_start32
    .type mb2_start32, @function
mb2_start32:
    movl $(rr_slot - 0xffffffff80000000), %esi
    movl 8(%esi), %edi
    lea msg_bad, %ebx
    testl %edi, %edi
    jz 1f
    cmpl $0x4d495252, (%edi)
    jne 1f
    cmpl $0x31454741, 4(%edi)
    jne 1f
    lea msg_ok, %ebx
1:  movw $0xe9, %dx
2:  movb (%ebx), %al
    testb %al, %al
    jz 3f
    outb %al, %dx
    incl %ebx
    jmp 2b
3:  movw $0xf4, %dx
    xorl %eax, %eax
    outl %eax, %dx
4:  hlt
    jmp 4b
    .size mb2_start32, . - mb2_start32
msg_ok:
    .asciz "exit 7\n"
msg_bad:
    .asciz "exit 1\n"
    .code64
    .text
    .globl _ZN6kernel5kmain17h9a1f2b3c4d5e6f70E
    .type _ZN6kernel5kmain17h9a1f2b3c4d5e6f70E, @function
_ZN6kernel5kmain17h9a1f2b3c4d5e6f70E:
    nop
    ret
    .size _ZN6kernel5kmain17h9a1f2b3c4d5e6f70E, . - _ZN6kernel5kmain17h9a1f2b3c4d5e6f70E
    .section .rodata
    .ascii "RODATA-BYTES"
    .section .note.Xen, "a", @note
    .balign 4
    .long 4, 4, 18
    .asciz "Xen"
    .long mb2_start32
    .data
    .quad 0x1122334455667788
    .section .rumprun_payload, "aw", @progbits
    .balign 16
rr_slot:
    .ascii "RRPDESC1"
    .quad 0, 0
    .bss
    .skip 0x5000
"#;

const KERNEL_LD: &str = r#"
ENTRY(mb2_start32)
KERNEL_VMA = 0xffffffff80000000;
PHDRS { boot PT_LOAD FLAGS(7); text PT_LOAD FLAGS(5); rodata PT_LOAD FLAGS(4); data PT_LOAD FLAGS(6); note PT_NOTE FLAGS(4); }
SECTIONS {
  . = 0x100000;
  .boot : { KEEP(*(.multiboot2)) KEEP(*(.boot.text)) } :boot
  . = ALIGN(4096) + KERNEL_VMA;
  .text : AT(ADDR(.text) - KERNEL_VMA) { *(.text .text.*) } :text
  . = ALIGN(4096);
  .rodata : AT(ADDR(.rodata) - KERNEL_VMA) { *(.rodata .rodata.*) } :rodata
  .note.Xen : AT(ADDR(.note.Xen) - KERNEL_VMA) { KEEP(*(.note.Xen)) } :rodata :note
  . = ALIGN(4096);
  .data : AT(ADDR(.data) - KERNEL_VMA) { *(.data .data.*) } :data
  .rumprun_payload : AT(ADDR(.rumprun_payload) - KERNEL_VMA) ALIGN(16) { KEEP(*(.rumprun_payload)) } :data
  .bss (NOLOAD) : AT(ADDR(.bss) - KERNEL_VMA) { *(.bss .bss.*) } :data
  /DISCARD/ : { *(.comment) *(.note.GNU-stack) *(.note.gnu.property) }
}
"#;

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .expect("run the system toolchain (make setup installs gcc)");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Links the fake kernel into `dir/kernel` and returns its path.
pub fn fake_kernel(dir: &Path) -> PathBuf {
    std::fs::write(dir.join("k.S"), KERNEL_ASM).expect("write asm");
    std::fs::write(dir.join("k.ld"), KERNEL_LD).expect("write ld script");
    let out = dir.join("kernel");
    run(Command::new("gcc")
        .args([
            "-nostdlib",
            "-static",
            "-no-pie",
            "-Wl,-z,max-page-size=4096",
            "-Wl,--build-id=none",
        ])
        .arg(format!("-Wl,-T,{}", dir.join("k.ld").display()))
        .arg("-o")
        .arg(&out)
        .arg(dir.join("k.S")));
    out
}

/// How a test program is linked.
#[derive(Debug, Clone, Copy)]
pub enum Link {
    /// With rumprun-cc's support files: static-pie musl with the note.
    RumprunCc,
    /// Plain gcc: dynamic glibc.
    Dynamic,
    /// musl static (not PIE), no note: like a prebuilt static binary.
    StaticMusl,
}

/// Builds a tiny C program into `dir/<name>` and returns its path.
pub fn program(dir: &Path, name: &str, link: Link) -> PathBuf {
    let src = dir.join(format!("{name}.c"));
    std::fs::write(&src, "int main(void) { return 0; }\n").expect("write C");
    let out = dir.join(name);
    let mut cmd = Command::new("gcc");
    match link {
        Link::RumprunCc => {
            let s = PathBuf::from(env!("RUMPRUN_DEV_SUPPORT_DIR"));
            cmd.arg(format!("-specs={}", s.join("rumprun-gcc.specs").display()))
                .args(["-fPIE", "-static-pie"])
                .arg(&src)
                .arg(s.join("rumprun-note.o"))
                .arg(s.join("libc-shim.a"));
        }
        Link::Dynamic => {
            cmd.arg(&src);
        }
        Link::StaticMusl => {
            cmd.args([
                "-specs=/usr/lib/x86_64-linux-musl/musl-gcc.specs",
                "-static",
                "-no-pie",
            ])
            .arg(&src);
        }
    }
    run(cmd.arg("-o").arg(&out));
    out
}
