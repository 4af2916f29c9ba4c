//! The x86_64 signal frame, byte for byte as Linux builds it
//! (arch/x86/kernel/signal_64.c `struct rt_sigframe`, uapi asm/sigcontext.h
//! `struct sigcontext`, uapi asm/ucontext.h `struct ucontext`, asm-generic
//! siginfo.h): programs and musl read `ucontext_t`/`mcontext_t` through
//! these offsets, so they are constants here and checked by tests. Key
//! types: [`UserRegs`], [`SigInfo`]. Neighbour: `signal` (delivery) writes
//! and reads frames with [`encode`] and [`decode`].

/// The program's registers at a system call or exception: what the kernel
/// saved on entry and restores on return. A system call passes its number
/// in `rax` and arguments in `rdi rsi rdx r10 r8 r9`, and gets its result
/// in `rax`; signal delivery and rt_sigreturn may change all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct UserRegs {
    pub r8: u64,
    pub r9: u64,
    pub r10: u64,
    pub r11: u64,
    pub r12: u64,
    pub r13: u64,
    pub r14: u64,
    pub r15: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rbp: u64,
    pub rbx: u64,
    pub rdx: u64,
    pub rax: u64,
    pub rcx: u64,
    pub rsp: u64,
    pub rip: u64,
    pub rflags: u64,
    /// Exception vector of a fault (`sigcontext.trapno`), 0 for a syscall.
    pub trapno: u64,
    /// CPU error code of a fault (`sigcontext.err`).
    pub err: u64,
    /// Faulting address of a page fault (`sigcontext.cr2`).
    pub cr2: u64,
}

impl UserRegs {
    /// Returns the six syscall argument registers in ABI order.
    pub fn syscall_args(&self) -> [u64; 6] {
        [self.rdi, self.rsi, self.rdx, self.r10, self.r8, self.r9]
    }
}

/// What a signal carries into `siginfo_t` (asm-generic/siginfo.h).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigInfo {
    /// `si_code`: SI_USER, SI_TKILL, SEGV_MAPERR, ...
    pub code: i32,
    /// `si_pid` of the sender (kill, tkill).
    pub pid: i32,
    /// `si_uid` of the sender.
    pub uid: u32,
    /// `si_addr` (faults).
    pub addr: u64,
}

/// `si_code` values (asm-generic/siginfo.h).
pub mod code {
    /// Sent by kill(2).
    pub const SI_USER: i32 = 0;
    /// Sent by the kernel.
    pub const SI_KERNEL: i32 = 0x80;
    /// Sent by tkill(2)/tgkill(2).
    pub const SI_TKILL: i32 = -6;
    /// SIGSEGV: address not mapped.
    pub const SEGV_MAPERR: i32 = 1;
    /// SIGSEGV: access not permitted by the mapping.
    pub const SEGV_ACCERR: i32 = 2;
}

/// `sizeof(struct rt_sigframe)` without the FPU state: pretcode (8),
/// ucontext (304), siginfo (128).
pub const FRAME_SIZE: usize = 440;
/// Offset of `uc` in the frame.
pub const UC: usize = 8;
/// Offset of `info` in the frame.
pub const INFO: usize = UC + UC_SIZE;
/// `sizeof(struct ucontext)`: flags, link, stack_t (24), sigcontext (256), sigset (8).
pub const UC_SIZE: usize = 304;
/// Offsets inside `struct ucontext`.
pub const UC_FLAGS: usize = 0;
/// `uc_link`.
pub const UC_LINK: usize = 8;
/// `uc_stack` (`stack_t { ss_sp; ss_flags; ss_size; }`).
pub const UC_STACK: usize = 16;
/// `uc_mcontext` (`struct sigcontext`).
pub const UC_MCONTEXT: usize = 40;
/// `uc_sigmask`.
pub const UC_SIGMASK: usize = 296;
/// `sizeof(siginfo_t)`.
pub const SIGINFO_SIZE: usize = 128;
/// Size of the FXSAVE image the frame's `fpstate` points at.
pub const FPSTATE_SIZE: usize = 512;

// struct sigcontext (x86_64), offsets from uc_mcontext.
const SC_GPRS: usize = 0; // r8 r9 r10 r11 r12 r13 r14 r15 rdi rsi rbp rbx rdx rax rcx rsp rip
const SC_EFLAGS: usize = 136;
const SC_CS: usize = 144;
const SC_SS: usize = 150;
const SC_ERR: usize = 152;
const SC_TRAPNO: usize = 160;
const SC_OLDMASK: usize = 168;
const SC_CR2: usize = 176;
/// Offset of `fpstate` (the pointer to the FXSAVE image) in `sigcontext`.
pub const SC_FPSTATE: usize = 184;

/// `UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS` (asm/ucontext.h); no
/// `UC_FP_XSTATE`, since the FPU image is the legacy FXSAVE format.
pub const UC_FLAGS_VALUE: u64 = 0x2 | 0x4;
/// Linux's `__USER_CS`/`__USER_DS`, written in the frame as Linux does
/// (rt_sigreturn ignores them; the kernel always returns with its own).
const LINUX_USER_CS: u16 = 0x33;
const LINUX_USER_DS: u16 = 0x2b;

/// The alternate-stack description saved in `uc_stack`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StackT {
    /// `ss_sp`.
    pub sp: u64,
    /// `ss_flags`.
    pub flags: i32,
    /// `ss_size`.
    pub size: u64,
}

/// Everything a frame records besides the registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameInfo {
    /// `pretcode`: the restorer the handler returns to.
    pub restorer: u64,
    /// Signal number.
    pub sig: u32,
    /// The siginfo.
    pub info: SigInfo,
    /// The mask to restore on rt_sigreturn.
    pub mask: u64,
    /// The alternate stack as it was.
    pub stack: StackT,
    /// Where the FXSAVE image is (`sigcontext.fpstate`).
    pub fpstate: u64,
}

fn put(b: &mut [u8], off: usize, v: u64) {
    b[off..off + 8].copy_from_slice(&v.to_le_bytes());
}

fn get(b: &[u8], off: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[off..off + 8]);
    u64::from_le_bytes(w)
}

fn gprs(r: &UserRegs) -> [u64; 17] {
    [
        r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rdi, r.rsi, r.rbp, r.rbx, r.rdx,
        r.rax, r.rcx, r.rsp, r.rip,
    ]
}

/// Writes `siginfo_t` for `sig` (128 bytes).
pub fn encode_siginfo(sig: u32, i: &SigInfo) -> [u8; SIGINFO_SIZE] {
    let mut b = [0u8; SIGINFO_SIZE];
    b[0..4].copy_from_slice(&sig.to_le_bytes());
    b[8..12].copy_from_slice(&i.code.to_le_bytes());
    // The union at 16: `_kill { si_pid; si_uid; }` or `_sigfault { si_addr; }`.
    if matches!(sig, 4 | 5 | 7 | 8 | 11) && i.code > 0 {
        put(&mut b, 16, i.addr);
    } else {
        b[16..20].copy_from_slice(&i.pid.to_le_bytes());
        b[20..24].copy_from_slice(&i.uid.to_le_bytes());
    }
    b
}

/// Builds the bytes of a `struct rt_sigframe` for registers `r`.
pub fn encode(r: &UserRegs, f: &FrameInfo) -> [u8; FRAME_SIZE] {
    let mut b = [0u8; FRAME_SIZE];
    put(&mut b, 0, f.restorer);
    let uc = UC;
    put(&mut b, uc + UC_FLAGS, UC_FLAGS_VALUE);
    put(&mut b, uc + UC_LINK, 0);
    put(&mut b, uc + UC_STACK, f.stack.sp);
    b[uc + UC_STACK + 8..uc + UC_STACK + 12].copy_from_slice(&f.stack.flags.to_le_bytes());
    put(&mut b, uc + UC_STACK + 16, f.stack.size);
    let sc = uc + UC_MCONTEXT;
    for (i, v) in gprs(r).iter().enumerate() {
        put(&mut b, sc + SC_GPRS + 8 * i, *v);
    }
    put(&mut b, sc + SC_EFLAGS, r.rflags);
    b[sc + SC_CS..sc + SC_CS + 2].copy_from_slice(&LINUX_USER_CS.to_le_bytes());
    b[sc + SC_SS..sc + SC_SS + 2].copy_from_slice(&LINUX_USER_DS.to_le_bytes());
    put(&mut b, sc + SC_ERR, r.err);
    put(&mut b, sc + SC_TRAPNO, r.trapno);
    put(&mut b, sc + SC_OLDMASK, f.mask);
    put(&mut b, sc + SC_CR2, r.cr2);
    put(&mut b, sc + SC_FPSTATE, f.fpstate);
    put(&mut b, uc + UC_SIGMASK, f.mask);
    b[INFO..].copy_from_slice(&encode_siginfo(f.sig, &f.info));
    b
}

/// What rt_sigreturn reads back from a `struct ucontext`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    /// The registers (`trapno`, `err`, `cr2` as saved).
    pub regs: UserRegs,
    /// `uc_sigmask`.
    pub mask: u64,
    /// `uc_stack`.
    pub stack: StackT,
    /// `sigcontext.fpstate` (0: none).
    pub fpstate: u64,
}

/// Decodes a `struct ucontext` (the 304 bytes at `frame + 8`).
pub fn decode(uc: &[u8; UC_SIZE]) -> Restored {
    let sc = UC_MCONTEXT;
    let g = |i: usize| get(uc, sc + SC_GPRS + 8 * i);
    let regs = UserRegs {
        r8: g(0),
        r9: g(1),
        r10: g(2),
        r11: g(3),
        r12: g(4),
        r13: g(5),
        r14: g(6),
        r15: g(7),
        rdi: g(8),
        rsi: g(9),
        rbp: g(10),
        rbx: g(11),
        rdx: g(12),
        rax: g(13),
        rcx: g(14),
        rsp: g(15),
        rip: g(16),
        rflags: get(uc, sc + SC_EFLAGS),
        trapno: get(uc, sc + SC_TRAPNO),
        err: get(uc, sc + SC_ERR),
        cr2: get(uc, sc + SC_CR2),
    };
    Restored {
        regs,
        mask: get(uc, UC_SIGMASK),
        stack: StackT {
            sp: get(uc, UC_STACK),
            flags: i32::from_le_bytes([
                uc[UC_STACK + 8],
                uc[UC_STACK + 9],
                uc[UC_STACK + 10],
                uc[UC_STACK + 11],
            ]),
            size: get(uc, UC_STACK + 16),
        },
        fpstate: get(uc, sc + SC_FPSTATE),
    }
}

/// Returns the FXSAVE image of the FPU's initial state (FNINIT: FCW
/// 0x37f; MXCSR 0x1f80), what rt_sigreturn loads for a NULL `fpstate`.
pub fn initial_fpstate() -> [u8; FPSTATE_SIZE] {
    let mut b = [0u8; FPSTATE_SIZE];
    b[0..2].copy_from_slice(&0x037fu16.to_le_bytes());
    b[24..28].copy_from_slice(&0x1f80u32.to_le_bytes());
    b
}
