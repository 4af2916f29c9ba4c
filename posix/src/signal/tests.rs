//! Host tests of signal delivery: the frame's byte layout against the
//! Linux uapi offsets, masks (sa_mask, SA_NODEFER, SA_RESETHAND,
//! rt_sigsuspend), rt_sigreturn and its validation, EINTR versus SA_RESTART,
//! the alternate stack, faults, rt_sigtimedwait, signals between threads.

use super::frame::{self, code, UserRegs, FRAME_SIZE, INFO, UC, UC_MCONTEXT, UC_SIGMASK};
use super::*;
use crate::errno::Errno;
use crate::mock::MockPlatform;
use crate::process::{Process, SyscallOutcome};
use crate::tests::util::{anon, loaded, poke, regs, sys};

const SIGUSR1: u64 = 10;
const SIGUSR2: u64 = 12;
const SIGINFO_F: u64 = 4;
const RESTORER: u64 = 0x0400_0000;
const HANDLER: u64 = 0x5000_1000;
const RESTORE_FN: u64 = 0x5000_2000;

fn e(errno: Errno) -> i64 {
    -i64::from(errno.number())
}

/// Installs a handler for `sig` with `flags` (SA_RESTORER added) and `mask`.
fn install(proc: &Process, p: &MockPlatform, scratch: u64, sig: u64, flags: u64, mask: u64) {
    let mut a = [0u8; 32];
    a[..8].copy_from_slice(&HANDLER.to_le_bytes());
    a[8..16].copy_from_slice(&(flags | RESTORER).to_le_bytes());
    a[16..24].copy_from_slice(&RESTORE_FN.to_le_bytes());
    a[24..].copy_from_slice(&mask.to_le_bytes());
    poke(proc, p, scratch, &a);
    assert_eq!(sys(proc, p, 13, &[sig, scratch, 0, 8]), 0);
}

/// Registers for a syscall made with the stack at `sp`, all GPRs distinct.
fn call_regs(nr: u64, args: [u64; 6], sp: u64) -> UserRegs {
    UserRegs {
        rbx: 0xb0b0,
        rbp: 0xb9b9,
        r12: 0x1212,
        r13: 0x1313,
        r14: 0x1414,
        r15: 0x1515,
        rcx: 0x1004,
        r11: 0x246,
        rsp: sp,
        rip: 0x1004,
        ..regs(nr, args)
    }
}

fn mask_of(proc: &Process, tid: u32) -> u64 {
    proc.state_for_tests().threads[&tid].sig.mask
}

/// A loaded process with a 64 KiB stack area; returns (proc, p, scratch, sp).
fn setup() -> (Process, MockPlatform, u64, u64) {
    let (proc, p, _) = loaded(false);
    let scratch = anon(&proc, &p, 4096);
    let stack = anon(&proc, &p, 65536);
    (proc, p, scratch, stack + 60000)
}

#[test]
fn frame_offsets_match_linux_uapi() {
    assert_eq!(FRAME_SIZE, 440);
    assert_eq!(UC, 8);
    assert_eq!(INFO, 312);
    assert_eq!(UC_MCONTEXT, 40);
    assert_eq!(UC_SIGMASK, 296);
    let r = UserRegs {
        r8: 8,
        r15: 15,
        rdi: 0xd1,
        rax: 0xa0,
        rsp: 0x5a,
        rip: 0x1f,
        rflags: 0x202,
        err: 4,
        trapno: 14,
        cr2: 0xc2,
        ..Default::default()
    };
    let info = SigInfo {
        code: code::SEGV_ACCERR,
        pid: 0,
        uid: 0,
        addr: 0xdead,
    };
    let f = frame::FrameInfo {
        restorer: 0x7e,
        sig: 11,
        info,
        mask: 0x400,
        stack: StackT {
            sp: 0x9000,
            flags: 2,
            size: 0x800,
        },
        fpstate: 0xf000,
    };
    let b = frame::encode(&r, &f);
    let q = |off: usize| u64::from_le_bytes(b[off..off + 8].try_into().unwrap());
    assert_eq!(q(0), 0x7e, "pretcode");
    assert_eq!(q(8), 6, "uc_flags");
    assert_eq!(q(24), 0x9000, "uc_stack.ss_sp");
    assert_eq!(q(32) & 0xffff_ffff, 2, "uc_stack.ss_flags");
    assert_eq!(q(40), 0x800, "uc_stack.ss_size");
    // mcontext at 48: r8 (REG_R8 = 0), r15 (7), rdi (8), rax (13), rsp (15), rip (16).
    assert_eq!(q(48), 8);
    assert_eq!(q(48 + 7 * 8), 15);
    assert_eq!(q(48 + 8 * 8), 0xd1);
    assert_eq!(q(48 + 13 * 8), 0xa0);
    assert_eq!(q(48 + 15 * 8), 0x5a);
    assert_eq!(q(48 + 16 * 8), 0x1f);
    assert_eq!(q(48 + 17 * 8), 0x202, "eflags (REG_EFL)");
    assert_eq!(u16::from_le_bytes([b[48 + 144], b[48 + 145]]), 0x33, "cs");
    assert_eq!(q(48 + 19 * 8), 4, "err (REG_ERR)");
    assert_eq!(q(48 + 20 * 8), 14, "trapno (REG_TRAPNO)");
    assert_eq!(q(48 + 21 * 8), 0x400, "oldmask");
    assert_eq!(q(48 + 22 * 8), 0xc2, "cr2 (REG_CR2)");
    assert_eq!(q(48 + 23 * 8), 0xf000, "fpregs");
    assert_eq!(q(304), 0x400, "uc_sigmask");
    assert_eq!(
        u32::from_le_bytes(b[312..316].try_into().unwrap()),
        11,
        "si_signo"
    );
    assert_eq!(
        i32::from_le_bytes(b[320..324].try_into().unwrap()),
        2,
        "si_code"
    );
    assert_eq!(q(328), 0xdead, "si_addr");
    let uc: [u8; frame::UC_SIZE] = b[8..312].try_into().unwrap();
    let back = frame::decode(&uc);
    assert_eq!(back.regs, r);
    assert_eq!(back.mask, 0x400);
    assert_eq!(back.stack, f.stack);
    assert_eq!(back.fpstate, 0xf000);
}

#[test]
fn raise_runs_the_handler_with_a_linux_frame_and_sigreturn_resumes() {
    let (proc, p, scratch, sp) = setup();
    install(&proc, &p, scratch, SIGUSR1, SIGINFO_F, 1 << (SIGUSR2 - 1));
    p.fpu.borrow_mut()[32] = 0x77; // an x87 register byte
    let mut r = call_regs(200, [1, SIGUSR1, 0, 0, 0, 0], sp);
    let before = r;
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::ReturnRegs);
    assert_eq!(r.rip, HANDLER);
    assert_eq!(r.rdi, SIGUSR1);
    assert_eq!(r.rsp % 16, 8, "rsp % 16 == 8 at handler entry");
    assert!(r.rsp + 440 <= sp - 128, "frame below the red zone");
    assert_eq!(r.rsi, r.rsp + 312);
    assert_eq!(r.rdx, r.rsp + 8);
    assert_eq!(p.peek_u64(r.rsp), Some(RESTORE_FN));
    assert_eq!(
        p.peek_u64(r.rsp + 312),
        Some(SIGUSR1),
        "si_signo, si_errno 0"
    );
    let si_code = p.peek(r.rsp + 320, 4).unwrap();
    assert_eq!(
        i32::from_le_bytes(si_code.try_into().unwrap()),
        code::SI_TKILL
    );
    assert_eq!(
        p.peek_u64(r.rsp + 48 + 13 * 8),
        Some(0),
        "saved rax: tkill's result"
    );
    assert_eq!(p.peek_u64(r.rsp + 48 + 16 * 8), Some(before.rip));
    let fp = p.peek_u64(r.rsp + 48 + 23 * 8).unwrap();
    assert_eq!(fp % 64, 0);
    assert_eq!(p.peek(fp + 32, 1).unwrap()[0], 0x77, "FXSAVE image saved");
    assert_eq!(
        mask_of(&proc, 1),
        (1 << 9) | (1 << 11),
        "sig + sa_mask blocked"
    );
    // The handler clobbers registers and the FPU, then returns through the restorer.
    p.fpu.borrow_mut()[32] = 0;
    let mut h = UserRegs {
        rax: 15,
        rsp: r.rsp + 8,
        rbx: 1,
        rcx: 2,
        rip: RESTORE_FN + 7,
        ..r
    };
    assert_eq!(proc.syscall(&p, &mut h), SyscallOutcome::ReturnRegs);
    assert_eq!(h.rax, 0);
    assert_eq!(h.rip, before.rip);
    assert_eq!(h.rsp, before.rsp);
    assert_eq!(
        (h.rbx, h.rcx, h.rbp, h.r15),
        (before.rbx, before.rcx, before.rbp, before.r15)
    );
    assert_eq!(mask_of(&proc, 1), 0);
    assert_eq!(p.fpu.borrow()[32], 0x77, "FPU state restored");
}

#[test]
fn sigreturn_rejects_bad_frames() {
    let (proc, p, _, sp) = setup();
    let mut r = call_regs(15, [0; 6], 0x10);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::Exit(139));
    assert!(p.console_text().contains("SIGSEGV (11): bad signal frame"));
    // A readable frame whose rip is a kernel address.
    let mut uc = [0u8; frame::UC_SIZE];
    uc[40 + 128..40 + 136].copy_from_slice(&0xffff_8000_0000_0000u64.to_le_bytes());
    poke(&proc, &p, sp, &uc);
    let mut r = call_regs(15, [0; 6], sp);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::Exit(139));
    // An unreadable fpstate.
    uc[40 + 128..40 + 136].copy_from_slice(&0x1000u64.to_le_bytes());
    uc[40 + 184..40 + 192].copy_from_slice(&0x7000_0000_0000u64.to_le_bytes());
    poke(&proc, &p, sp, &uc);
    let mut r = call_regs(15, [0; 6], sp);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::Exit(139));
}

#[test]
fn sigreturn_sanitises_flags_mask_and_mxcsr() {
    let (proc, p, scratch, sp) = setup();
    let mut uc = [0u8; frame::UC_SIZE];
    uc[40 + 128..40 + 136].copy_from_slice(&0x1234u64.to_le_bytes());
    uc[40 + 136..40 + 144].copy_from_slice(&(0x3000u64 | 0x200 | 0x1).to_le_bytes()); // IOPL 3
    uc[296..304].copy_from_slice(&u64::MAX.to_le_bytes());
    let mut fx = frame::initial_fpstate();
    fx[24..28].copy_from_slice(&0xdead_1f80u32.to_le_bytes());
    poke(&proc, &p, scratch, &fx);
    uc[40 + 184..40 + 192].copy_from_slice(&scratch.to_le_bytes());
    poke(&proc, &p, sp, &uc);
    let mut r = call_regs(15, [0; 6], sp);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::ReturnRegs);
    assert_eq!(r.rip, 0x1234);
    assert_eq!(r.rflags & 0x3000, 0, "IOPL is not the program's");
    assert_eq!(r.rflags & 1, 1, "CF is");
    assert_eq!(
        mask_of(&proc, 1),
        !((1 << 8) | (1 << 18)),
        "KILL/STOP never blocked"
    );
    let mx = u32::from_le_bytes(p.fpu.borrow()[24..28].try_into().unwrap());
    assert_eq!(mx, 0x1f80);
}

#[test]
fn blocked_signal_waits_for_unblock_and_nodefer_resethand() {
    let (proc, p, scratch, sp) = setup();
    install(&proc, &p, scratch, SIGUSR1, 0x4000_0000 | 0x8000_0000, 0);
    let set = scratch + 64;
    poke(&proc, &p, set, &(1u64 << 9).to_le_bytes());
    assert_eq!(sys(&proc, &p, 14, &[0, set, 0, 8]), 0);
    assert_eq!(sys(&proc, &p, 62, &[1, SIGUSR1]), 0, "stays pending");
    let mut r = call_regs(14, [1, set, 0, 8, 0, 0], sp);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::ReturnRegs);
    assert_eq!(r.rip, HANDLER);
    let si_code = p.peek(r.rsp + 320, 4).unwrap();
    assert_eq!(
        i32::from_le_bytes(si_code.try_into().unwrap()),
        code::SI_USER
    );
    assert_eq!(
        p.peek_u64(r.rsp + 304),
        Some(0),
        "uc_sigmask: mask after the unblock"
    );
    assert_eq!(
        mask_of(&proc, 1),
        0,
        "SA_NODEFER: not blocked in its handler"
    );
    assert_eq!(sys(&proc, &p, 13, &[SIGUSR1, 0, scratch + 128, 8]), 0);
    assert_eq!(
        p.peek_u64(scratch + 128),
        Some(0),
        "SA_RESETHAND: back to SIG_DFL"
    );
}

#[test]
fn handler_without_restorer_kills_with_sigsegv() {
    let (proc, p, scratch, sp) = setup();
    let mut a = [0u8; 32];
    a[..8].copy_from_slice(&HANDLER.to_le_bytes());
    poke(&proc, &p, scratch, &a);
    assert_eq!(sys(&proc, &p, 13, &[SIGUSR1, scratch, 0, 8]), 0);
    let mut r = call_regs(62, [1, SIGUSR1, 0, 0, 0, 0], sp);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::Exit(139));
}

/// Thread 2 sends SIGUSR1 to thread 1 (waking it); then thread 1 calls `nr`.
fn interrupted(
    flags: u64,
    nr: u64,
    args: [u64; 6],
) -> (UserRegs, UserRegs, MockPlatform, SyscallOutcome) {
    let (proc, p, scratch, sp) = setup();
    install(&proc, &p, scratch, SIGUSR1, flags, 0);
    proc.state_for_tests().threads.insert(2, Default::default());
    p.tid.set(2);
    assert_eq!(sys(&proc, &p, 234, &[1, 1, SIGUSR1]), 0);
    assert_eq!(*p.wakes.borrow(), [1]);
    p.tid.set(1);
    let mut r = call_regs(nr, args, sp);
    let before = r;
    let out = proc.syscall(&p, &mut r);
    (before, r, p, out)
}

#[test]
fn interrupted_wait_gives_eintr_or_restarts_with_sa_restart() {
    // futex(FUTEX_WAIT) without a timeout on a word that matches: it would wait.
    let futex = |flags| {
        let (proc, p, scratch, sp) = setup();
        install(&proc, &p, scratch, SIGUSR1, flags, 0);
        proc.state_for_tests().threads.insert(2, Default::default());
        p.tid.set(2);
        assert_eq!(sys(&proc, &p, 234, &[1, 1, SIGUSR1]), 0);
        p.tid.set(1);
        let word = scratch + 256;
        let mut r = call_regs(202, [word, 0, 0, 0, 0, 0], sp);
        let out = proc.syscall(&p, &mut r);
        assert!(!proc.state_for_tests().futex.is_queued(1), "wait abandoned");
        (r, p, out)
    };
    let (r, p, out) = futex(0);
    assert_eq!(out, SyscallOutcome::ReturnRegs);
    assert_eq!(
        p.peek_u64(r.rsp + 48 + 13 * 8),
        Some(e(Errno::EINTR) as u64)
    );
    assert_eq!(p.peek_u64(r.rsp + 48 + 16 * 8), Some(0x1004));
    let (r, p, out) = futex(0x1000_0000);
    assert_eq!(out, SyscallOutcome::ReturnRegs);
    assert_eq!(p.peek_u64(r.rsp + 48 + 13 * 8), Some(202), "rax = nr again");
    assert_eq!(
        p.peek_u64(r.rsp + 48 + 16 * 8),
        Some(0x1002),
        "rip back on the syscall"
    );
    // pause(2) returns EINTR even under SA_RESTART.
    let (before, r, p, out) = interrupted(0x1000_0000, 34, [0; 6]);
    assert_eq!(out, SyscallOutcome::ReturnRegs);
    assert_eq!(
        p.peek_u64(r.rsp + 48 + 13 * 8),
        Some(e(Errno::EINTR) as u64)
    );
    assert_eq!(p.peek_u64(r.rsp + 48 + 16 * 8), Some(before.rip));
}

#[test]
fn sigsuspend_swaps_the_mask_until_the_handler_returns() {
    let (proc, p, scratch, sp) = setup();
    install(&proc, &p, scratch, SIGUSR1, 0, 0);
    let set = scratch + 64;
    poke(&proc, &p, set, &(1u64 << 9).to_le_bytes());
    assert_eq!(sys(&proc, &p, 14, &[0, set, 0, 8]), 0);
    assert_eq!(sys(&proc, &p, 62, &[1, SIGUSR1]), 0);
    poke(&proc, &p, set + 8, &0u64.to_le_bytes());
    let mut r = call_regs(130, [set + 8, 8, 0, 0, 0, 0], sp);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::ReturnRegs);
    assert_eq!(
        p.peek_u64(r.rsp + 48 + 13 * 8),
        Some(e(Errno::EINTR) as u64)
    );
    assert_eq!(
        p.peek_u64(r.rsp + 304),
        Some(1 << 9),
        "frame restores the old mask"
    );
    let mut h = UserRegs {
        rax: 15,
        rsp: r.rsp + 8,
        ..r
    };
    assert_eq!(proc.syscall(&p, &mut h), SyscallOutcome::ReturnRegs);
    assert_eq!(mask_of(&proc, 1), 1 << 9);
    assert_eq!(h.rax, e(Errno::EINTR) as u64);
}

#[test]
fn sigtimedwait_takes_a_blocked_signal_or_times_out() {
    let (proc, p, scratch, _) = setup();
    let set = scratch + 64;
    poke(&proc, &p, set, &(1u64 << 11).to_le_bytes());
    assert_eq!(sys(&proc, &p, 14, &[0, set, 0, 8]), 0);
    assert_eq!(sys(&proc, &p, 200, &[1, SIGUSR2]), 0);
    let info = scratch + 512;
    assert_eq!(sys(&proc, &p, 128, &[set, info, 0, 8]), SIGUSR2 as i64);
    assert_eq!(p.peek_u64(info), Some(SIGUSR2));
    let ts = scratch + 256;
    poke(&proc, &p, ts, &[0u8; 16]);
    poke(&proc, &p, ts + 8, &1_000_000u64.to_le_bytes());
    assert_eq!(sys(&proc, &p, 128, &[set, 0, ts, 8]), e(Errno::EAGAIN));
    assert_eq!(sys(&proc, &p, 128, &[set, 0, ts, 4]), e(Errno::EINVAL));
}

#[test]
fn alternate_stack_takes_the_frame_and_autodisarms() {
    let (proc, p, scratch, sp) = setup();
    let alt = anon(&proc, &p, 16384);
    let mut ss = [0u8; 24];
    ss[..8].copy_from_slice(&alt.to_le_bytes());
    ss[8..12].copy_from_slice(&i32::MIN.to_le_bytes()); // SS_AUTODISARM
    ss[16..].copy_from_slice(&16384u64.to_le_bytes());
    poke(&proc, &p, scratch + 64, &ss);
    assert_eq!(sys(&proc, &p, 131, &[scratch + 64, 0]), 0);
    install(&proc, &p, scratch, SIGUSR1, 0x0800_0000, 0);
    let mut r = call_regs(62, [1, SIGUSR1, 0, 0, 0, 0], sp);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::ReturnRegs);
    assert!(
        r.rsp > alt && r.rsp < alt + 16384,
        "frame on the alternate stack"
    );
    assert_eq!(r.rsp % 16, 8);
    assert_eq!(p.peek_u64(r.rsp + 24), Some(alt), "uc_stack.ss_sp");
    let disarmed = proc.state_for_tests().threads[&1].sig.altstack;
    assert_eq!(disarmed.flags, SS_DISABLE);
    // sigreturn re-arms it from uc_stack.
    let mut h = UserRegs {
        rax: 15,
        rsp: r.rsp + 8,
        ..r
    };
    assert_eq!(proc.syscall(&p, &mut h), SyscallOutcome::ReturnRegs);
    let back = proc.state_for_tests().threads[&1].sig.altstack;
    assert_eq!(
        (back.sp, back.size, back.flags),
        (alt, 16384, SS_AUTODISARM)
    );
}

#[test]
fn faults_enter_a_handler_only_when_installed_and_unblocked() {
    let (proc, p, scratch, sp) = setup();
    let mut r = call_regs(0, [0; 6], sp);
    assert!(!proc.user_fault(&p, &mut r, 11, code::SEGV_MAPERR, 0x10));
    install(&proc, &p, scratch, 11, SIGINFO_F, 0);
    let mut r = call_regs(0, [0; 6], sp);
    r.trapno = 14;
    r.cr2 = scratch;
    assert!(proc.user_fault(&p, &mut r, 11, code::SEGV_MAPERR, scratch));
    assert_eq!(r.rip, HANDLER);
    let si = p.peek(r.rsp + 312, 24).unwrap();
    assert_eq!(
        i32::from_le_bytes(si[8..12].try_into().unwrap()),
        code::SEGV_ACCERR
    );
    assert_eq!(u64::from_le_bytes(si[16..24].try_into().unwrap()), scratch);
    assert_eq!(p.peek_u64(r.rsp + 48 + 20 * 8), Some(14), "trapno");
    // Now SIGSEGV is blocked (inside its handler): a second fault is fatal.
    let mut r2 = call_regs(0, [0; 6], r.rsp);
    assert!(!proc.user_fault(&p, &mut r2, 11, code::SEGV_MAPERR, 0x10));
    // An unmapped address is SEGV_MAPERR.
    let (proc, p, scratch, sp) = setup();
    install(&proc, &p, scratch, 11, SIGINFO_F, 0);
    let mut r = call_regs(0, [0; 6], sp);
    assert!(proc.user_fault(&p, &mut r, 11, code::SEGV_MAPERR, 0x10));
    let c = p.peek(r.rsp + 320, 4).unwrap();
    assert_eq!(i32::from_le_bytes(c.try_into().unwrap()), code::SEGV_MAPERR);
}

#[test]
fn fatal_signal_to_another_thread_ends_the_program() {
    let (proc, p, _, _) = setup();
    proc.state_for_tests().threads.insert(2, Default::default());
    let out = crate::tests::util::outcome(&proc, &p, 234, &[1, 2, 13]);
    assert_eq!(out, SyscallOutcome::Exit(141), "SIGPIPE terminates");
    assert!(p.console_text().contains("SIGPIPE (13)"));
}

#[test]
fn process_signal_goes_to_a_thread_that_does_not_block_it() {
    let (proc, p, scratch, _) = setup();
    install(&proc, &p, scratch, SIGUSR1, 0, 0);
    proc.state_for_tests().threads.insert(2, Default::default());
    let set = scratch + 64;
    poke(&proc, &p, set, &(1u64 << 9).to_le_bytes());
    assert_eq!(sys(&proc, &p, 14, &[0, set, 0, 8]), 0);
    assert_eq!(sys(&proc, &p, 62, &[1, SIGUSR1]), 0);
    assert_eq!(*p.wakes.borrow(), [2], "thread 2 takes it");
    // Thread 2's next return to ring 3 runs the handler.
    p.tid.set(2);
    let mut r = call_regs(39, [0; 6], 0);
    r.rsp = scratch + 4000;
    assert_eq!(proc.deliver_signals(&p, &mut r), SyscallOutcome::ReturnRegs);
    assert_eq!(r.rip, HANDLER);
}

#[test]
fn interrupted_nanosleep_gives_eintr_and_rem_even_with_sa_restart() {
    let (proc, p, scratch, sp) = setup();
    install(&proc, &p, scratch, SIGUSR1, 0x1000_0000, 0);
    proc.state_for_tests().threads.insert(2, Default::default());
    let ts = scratch + 256;
    poke(&proc, &p, ts, &[0u8; 32]);
    poke(&proc, &p, ts, &2u64.to_le_bytes());
    p.tid.set(2);
    assert_eq!(sys(&proc, &p, 234, &[1, 1, SIGUSR1]), 0);
    p.tid.set(1);
    let mut r = call_regs(35, [ts, ts + 16, 0, 0, 0, 0], sp);
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::ReturnRegs);
    assert_eq!(
        p.peek_u64(r.rsp + 48 + 13 * 8),
        Some(e(Errno::EINTR) as u64)
    );
    assert_eq!(
        p.peek_u64(r.rsp + 48 + 16 * 8),
        Some(0x1004),
        "not restarted"
    );
    assert_eq!(p.peek_u64(ts + 16), Some(2), "rem: the whole request");
}
