//! The IDT, the exception entry stubs and the SYSCALL entry (Intel SDM
//! Vol. 3A §6.14 for 64-bit interrupt frames, §5.8.8 for SYSCALL/SYSRET).
//!
//! Every entry builds the same [`TrapFrame`] on the kernel stack, so the
//! Rust side (`crate::trap`) sees one layout whether it came from an
//! exception or a system call. Vectors 8 (#DF), 2 (NMI) and 18 (#MC) run on
//! IST1 so that a kernel stack overflow still produces a report.

use core::arch::{asm, global_asm};

use super::gdt::{KERNEL_CS, USER_CS, USER_DS};
use crate::sync::BootCell;

/// Registers saved on entry to the kernel, lowest address first.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
#[allow(missing_docs)]
pub struct TrapFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    /// Vector number, or [`SYSCALL_VECTOR`] for a system call.
    pub vector: u64,
    /// CPU error code (0 when the vector has none).
    pub error: u64,
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

/// Pseudo-vector recorded in frames built by the SYSCALL entry.
pub const SYSCALL_VECTOR: u64 = 0x100;

impl TrapFrame {
    /// Returns true if the trap came from ring 3.
    pub fn user_mode(&self) -> bool {
        self.cs & 3 == 3
    }
}

macro_rules! stubs {
    ($($v:literal $err:literal),* $(,)?) => {
        global_asm!(
            $(
                concat!(".global trap_stub_", $v),
                concat!("trap_stub_", $v, ":"),
                concat!(".if ", $err, " == 0"),
                "push 0",
                ".endif",
                concat!("push ", $v),
                "jmp trap_common",
            )*
            ".global trap_stub_table",
            ".section .rodata.trap_stub_table, \"a\"",
            ".p2align 3",
            "trap_stub_table:",
            $( concat!(".quad trap_stub_", $v), )*
            ".text",
        );
    };
}

// Vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30 (SDM Vol. 3A Table 6-1).
// Then the APIC timer (32), the NIC (33) and the APIC spurious vector
// (255), listed last.
stubs!(
    0 0, 1 0, 2 0, 3 0, 4 0, 5 0, 6 0, 7 0, 8 1, 9 0, 10 1, 11 1, 12 1, 13 1, 14 1, 15 0,
    16 0, 17 1, 18 0, 19 0, 20 0, 21 1, 22 0, 23 0, 24 0, 25 0, 26 0, 27 0, 28 0, 29 1, 30 1, 31 0,
    32 0, 33 0, 255 0,
);

/// Number of vectors with a stub.
const NSTUBS: usize = 35;

/// Vectors with a stub, in `trap_stub_table` order.
const VECTORS: [usize; NSTUBS] = {
    let mut v = [0usize; NSTUBS];
    let mut i = 0;
    while i < 32 {
        v[i] = i;
        i += 1;
    }
    v[32] = 32;
    v[33] = 33;
    v[34] = 255;
    v
};

global_asm!(
    r#"
    /* The TrapFrame's general registers, r15 lowest (see TrapFrame). */
    .macro push_gprs
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    .endm
    .macro pop_gprs
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    .endm

    .text
trap_common:
    push_gprs
    mov rdi, rsp
    xor ebp, ebp
    cld
    call {trap}
    .global trap_return
trap_return:
    pop_gprs
    add rsp, 16
    iretq

    .global syscall_entry
syscall_entry:
    mov [rip + {user_rsp}], rsp
    mov rsp, [rip + {kstack}]
    push {uds}
    push qword ptr [rip + {user_rsp}]
    push r11
    push {ucs}
    push rcx
    push 0
    push {sysvec}
    push_gprs
    mov rdi, rsp
    xor ebp, ebp
    cld
    call {sys}
    test al, al
    jnz trap_return
    pop_gprs
    add rsp, 16
    pop rcx
    add rsp, 8
    pop r11
    pop rsp
    sysretq

    .global enter_user_frame
enter_user_frame:
    mov rsp, rdi
    jmp trap_return
"#,
    trap = sym crate::trap::trap_entry,
    sys = sym crate::trap::syscall_entry_rust,
    user_rsp = sym SYSCALL_USER_RSP,
    kstack = sym SYSCALL_KSTACK,
    uds = const USER_DS as u64,
    ucs = const USER_CS as u64,
    sysvec = const SYSCALL_VECTOR,
);

/// Scratch slot for the user RSP during the first instructions of the
/// SYSCALL entry (single CPU, interrupts masked by SFMASK, so no race).
#[no_mangle]
static mut SYSCALL_USER_RSP: u64 = 0;
/// Kernel stack top used by the SYSCALL entry.
#[no_mangle]
static mut SYSCALL_KSTACK: u64 = 0;

unsafe extern "C" {
    static trap_stub_table: [u64; NSTUBS];
    fn syscall_entry();
    fn enter_user_frame(frame: *const TrapFrame) -> !;
}

#[repr(C, align(16))]
struct Idt([u64; 512]);

static IDT: BootCell<Idt> = BootCell::new(Idt([0; 512]));

/// Fills and loads the IDT; vectors 2, 8 and 18 use IST1.
pub fn init() {
    IDT.with(|idt| {
        for (i, &v) in VECTORS.iter().enumerate() {
            // SAFETY: trap_stub_table is a read-only table of NSTUBS addresses
            // emitted by the `stubs!` assembly above.
            let handler = unsafe { trap_stub_table[i] };
            let ist: u64 = if matches!(v, 2 | 8 | 18) { 1 } else { 0 };
            // Interrupt gate (type 0xE), present, DPL 0 (SDM Vol. 3A Figure 6-8).
            let low = (handler & 0xffff)
                | (u64::from(KERNEL_CS) << 16)
                | (ist << 32)
                | (0x8e << 40)
                | (((handler >> 16) & 0xffff) << 48);
            idt.0[2 * v] = low;
            idt.0[2 * v + 1] = handler >> 32;
        }
    });
    #[repr(C, packed)]
    struct Pointer {
        limit: u16,
        base: u64,
    }
    let ptr = Pointer {
        limit: (core::mem::size_of::<Idt>() - 1) as u16,
        base: IDT.as_ptr() as u64,
    };
    // SAFETY: IDT is a static, fully initialised above with gates to the
    // stubs in this module.
    unsafe { asm!("lidt [{}]", in(reg) &ptr, options(nostack)) };
}

const IA32_EFER: u32 = 0xc000_0080;
const IA32_STAR: u32 = 0xc000_0081;
const IA32_LSTAR: u32 = 0xc000_0082;
const IA32_FMASK: u32 = 0xc000_0084;

/// Enables SYSCALL/SYSRET with entries on `kstack_top`.
pub fn init_syscall(kstack_top: u64) {
    // SAFETY: written once at boot before any user code runs; nothing else
    // reads it before the first SYSCALL.
    unsafe { SYSCALL_KSTACK = kstack_top };
    // STAR[63:48] is the base SYSRET adds 8 (SS) and 16 (CS) to: 0x10 gives
    // 0x18|3 and 0x20|3 (see gdt.rs).
    let sysret_base: u64 = 0x10;
    let star = (sysret_base << 48) | (u64::from(KERNEL_CS) << 32);
    // SAFETY: STAR matches the GDT layout documented in gdt.rs; LSTAR is the
    // entry above; FMASK clears IF, TF, DF and AC on entry so the entry runs
    // with interrupts off and SMAP enforced; EFER keeps LME/NXE and adds SCE.
    unsafe {
        super::cpu::wrmsr(IA32_STAR, star);
        super::cpu::wrmsr(IA32_LSTAR, syscall_entry as *const () as u64);
        super::cpu::wrmsr(IA32_FMASK, (1 << 9) | (1 << 8) | (1 << 10) | (1 << 18));
        super::cpu::wrmsr(IA32_EFER, super::cpu::rdmsr(IA32_EFER) | 1);
    }
}

/// Enters ring 3 with the given register state (used for the first entry).
pub fn enter_user(frame: &TrapFrame) -> ! {
    let top = {
        // SAFETY: SYSCALL_KSTACK was set by init_syscall before this runs.
        unsafe { SYSCALL_KSTACK }
    };
    // Place the frame at the top of the kernel stack, where the entries would
    // have put it, and leave through the common return path.
    let slot = (top as usize - core::mem::size_of::<TrapFrame>()) as *mut TrapFrame;
    // SAFETY: the top of the kernel stack is mapped and writable, and the
    // 512 bytes below it are reserved by boot.rs (kernel_start64 starts at
    // top - 512), so the slot overlaps no live frame, including `frame`.
    unsafe { slot.write(*frame) };
    // SAFETY: the frame holds a user CS/SS and a canonical user RIP/RSP, so
    // iretq enters ring 3; this never returns.
    unsafe { enter_user_frame(slot) }
}

/// Sets the kernel stack the SYSCALL entry switches to (the running thread's).
pub fn set_syscall_stack(top: u64) {
    // SAFETY: single CPU, interrupts off in the kernel: nothing reads the
    // slot concurrently; the entry reads it only on the next SYSCALL.
    unsafe { SYSCALL_KSTACK = top };
}

/// Enables interrupts, waits for one, and disables them again. `sti; hlt`
/// is atomic (STI's one-instruction interrupt shadow), so no wake-up is lost.
pub fn idle_until_interrupt() {
    // SAFETY: the IDT handles every vector the APIC can raise; the handler
    // runs on this stack and returns here with interrupts off again.
    unsafe { asm!("sti", "hlt", "cli", options(nomem, nostack)) };
}
