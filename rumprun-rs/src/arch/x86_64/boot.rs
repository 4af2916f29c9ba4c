//! The first instructions: the PVH and multiboot2 entry points.
//!
//! Both protocols enter in 32-bit protected mode with paging off
//! (PVH: xen/include/public/arch-x86/hvm/start_info.h, ebx = hvm_start_info;
//! multiboot2 spec §3.3: eax = 0x36d76289, ebx = boot information). This
//! code, linked identity-mapped at 1 MiB in the `.boot` segment, records the
//! TSC, builds throw-away page tables (identity, direct map at
//! 0xffff800000000000 and the kernel at 0xffffffff80000000, all over the
//! first GiB with 2 MiB pages), enables long mode with NX, and calls
//! [`crate::kernel_start64`] on the kernel stack. `mem::paging` then replaces
//! these tables with the real ones. Nothing here is reached again after boot.

use core::arch::global_asm;

/// Boot protocol number handed to `kernel_start64` for PVH.
pub const BOOT_PVH: u32 = 1;
/// Boot protocol number handed to `kernel_start64` for multiboot2.
pub const BOOT_MULTIBOOT2: u32 = 2;

global_asm!(
    r#"
    /* Multiboot2 header (multiboot2 spec §3.1): magic, arch 0 (i386
       protected mode), length, checksum, then tags; 8-byte aligned in the
       first 32 KiB of the file. */
    .section .multiboot2, "a"
    .p2align 3
mb2_header:
    .long 0xe85250d6
    .long 0
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (0xe85250d6 + (mb2_header_end - mb2_header))
    .p2align 3
    .short 3                /* entry address tag */
    .short 0
    .long 12
    .long mb2_start32
    .p2align 3
    .short 0                /* end tag */
    .short 0
    .long 8
mb2_header_end:

    /* PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18). QEMU reads the
       descriptor as a 64-bit value, so it is a .quad, 4-byte aligned as in
       Linux's arch/x86/platform/pvh/head.S. */
    .section .note.Xen, "a"
    .p2align 2
    .long 4
    .long 8
    .long 18
    .asciz "Xen"
    .quad pvh_start32

    .section .boot.text, "ax"
    .code32
    .global pvh_start32
pvh_start32:
    mov ${pvh}, %esi
    jmp boot32_common
    .global mb2_start32
mb2_start32:
    mov ${mb2}, %esi
boot32_common:
    cli
    cld
    mov %ebx, %edi
    mov $boot_stack_top, %esp
    rdtsc
    mov %eax, boot_tsc
    mov %edx, boot_tsc + 4

    /* Zero the four boot tables (they sit in NOLOAD memory). */
    push %edi
    mov $boot_pml4, %edi
    xor %eax, %eax
    mov $(4 * 4096 / 4), %ecx
    rep stosl
    pop %edi

    /* PD: 512 x 2 MiB pages over the first GiB (present, writable, PS). */
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, boot_pd(, %ecx, 8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    mov $boot_pd, %eax
    or $0x3, %eax
    mov %eax, boot_pdpt_low
    mov %eax, boot_pdpt_high + 510 * 8
    mov $boot_pdpt_low, %eax
    or $0x3, %eax
    mov %eax, boot_pml4
    mov %eax, boot_pml4 + 256 * 8
    mov $boot_pdpt_high, %eax
    or $0x3, %eax
    mov %eax, boot_pml4 + 511 * 8
    mov $boot_pml4, %eax
    mov %eax, %cr3

    mov %cr4, %eax
    or $0x20, %eax          /* PAE */
    mov %eax, %cr4
    mov $0xC0000080, %ecx   /* IA32_EFER */
    rdmsr
    or $0x900, %eax         /* LME | NXE */
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax    /* PG | WP | PE */
    mov %eax, %cr0
    lgdt boot_gdt_ptr
    ljmp $0x08, $boot64

    .code64
boot64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $__kstack_top, %rsp
    sub $512, %rsp          /* the top 512 bytes are idt::enter_user's slot */
    mov %edi, %eax          /* info */
    mov %esi, %edi          /* arg 1: protocol */
    mov %eax, %esi          /* arg 2: info (physical) */
    mov boot_tsc, %rdx      /* arg 3: TSC at entry */
    xor %ebp, %ebp          /* ends the backtrace */
    movabs ${start}, %rax
    call *%rax
2:  hlt
    jmp 2b

    .section .boot.data, "aw"
    .p2align 3
boot_tsc:
    .quad 0
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff /* 0x10: data */
boot_gdt_ptr:
    .short boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt

    .section .boot.bss, "aw", @nobits
    .p2align 12
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4096
boot_stack:
    .skip 4096
boot_stack_top:
    .text
"#,
    pvh = const BOOT_PVH,
    mb2 = const BOOT_MULTIBOOT2,
    start = sym crate::kernel_start64,
    options(att_syntax)
);
