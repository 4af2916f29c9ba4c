//! Signal delivery (signal(7)): per-thread masks and pending sets, the
//! process-wide pending set, choosing a thread for a process-directed
//! signal, building the Linux x86_64 `rt_sigframe` on the user stack (or
//! the alternate stack) when a handler runs, rt_sigreturn, and the
//! EINTR-or-restart decision for a system call a signal interrupted
//! (arch/x86/kernel/signal.c `handle_signal`). Key types: [`UserRegs`],
//! [`ThreadSignals`]. Neighbours: `frame` (byte layout), `process` (calls
//! `syscall_exit` after every syscall, `fault` for user exceptions),
//! `sys::rt_sigaction` and `sys::kill` (the system calls).

pub mod frame;
#[cfg(test)]
mod tests;

use alloc::format;

pub use frame::{SigInfo, StackT, UserRegs};

use crate::errno::Errno;
use crate::mm::USER_END;
use crate::platform::{Tid, UserAddr};
use crate::process::{Cx, State, SyscallOutcome};
use crate::sys::kill::{default_ignores, signal_name};
use crate::sys::rt_sigaction::NSIG;
use frame::{code, FrameInfo, FPSTATE_SIZE, FRAME_SIZE, INFO, UC, UC_SIZE};

/// rt_sigreturn's number: the dispatcher runs it itself (it needs the registers).
pub const SYS_RT_SIGRETURN: u64 = 15;

pub(crate) const SIG_DFL: u64 = 0;
pub(crate) const SIG_IGN: u64 = 1;
const SA_ONSTACK: u64 = 0x0800_0000;
const SA_RESTART: u64 = 0x1000_0000;
const SA_NODEFER: u64 = 0x4000_0000;
const SA_RESETHAND: u64 = 0x8000_0000;
const SA_RESTORER: u64 = 0x0400_0000;
const SIGKILL: u32 = 9;
const SIGSEGV: u32 = 11;
const SIGSTOP: u32 = 19;
/// Signals that can be neither caught nor blocked.
pub(crate) const UNBLOCKABLE: u64 = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1));
pub(crate) const SS_ONSTACK: i32 = 1;
pub(crate) const SS_DISABLE: i32 = 2;
pub(crate) const SS_AUTODISARM: i32 = i32::MIN;
// RFLAGS bits (SDM Vol. 1 §3.4.3).
const TF: u64 = 1 << 8;
const DF: u64 = 1 << 10;
const RF: u64 = 1 << 16;
/// The flags rt_sigreturn takes from the frame (FIX_EFLAGS in signal.c):
/// AC OF DF TF SF ZF AF PF CF RF.
const FIX_EFLAGS: u64 = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | RF;
/// Bytes below the interrupted rsp the handler's frame must not touch.
const RED_ZONE: u64 = 128;
/// Length of the `syscall` instruction (0f 05): a restart rewinds by it.
const SYSCALL_INSN: u64 = 2;

/// Returns the mask bit of `sig` (1..=64).
pub(crate) fn bit(sig: u32) -> u64 {
    1u64 << ((sig - 1) & 63)
}

fn idx(sig: u32) -> usize {
    usize::try_from(sig - 1).unwrap_or(0) & (NSIG - 1)
}

/// One thread's signal state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadSignals {
    /// The blocked mask (bit n-1 is signal n); new threads inherit it.
    pub mask: u64,
    /// Signals sent to this thread (tkill/tgkill, faults).
    pub pending: u64,
    /// The siginfo of each pending signal (standard signals do not queue).
    pub info: [SigInfo; NSIG],
    /// The alternate signal stack (sigaltstack(2)); flags hold SS_DISABLE
    /// or 0, plus SS_AUTODISARM.
    pub altstack: StackT,
    /// The mask rt_sigsuspend replaced, restored by the handler's frame.
    pub saved_mask: Option<u64>,
    /// Signals rt_sigtimedwait waits for (they wake the thread though blocked).
    pub waiting: u64,
}

impl Default for ThreadSignals {
    fn default() -> Self {
        ThreadSignals {
            mask: 0,
            pending: 0,
            info: [SigInfo::default(); NSIG],
            altstack: StackT {
                sp: 0,
                flags: SS_DISABLE,
                size: 0,
            },
            saved_mask: None,
            waiting: 0,
        }
    }
}

/// A decoded `struct sigaction` (kernel layout: handler, flags, restorer, mask).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Action {
    pub handler: u64,
    pub flags: u64,
    pub restorer: u64,
    pub mask: u64,
}

fn word(b: &[u8; 32], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[8 * i..8 * i + 8]);
    u64::from_le_bytes(w)
}

/// Returns the action installed for `sig`.
pub(crate) fn action(st: &State, sig: u32) -> Action {
    let raw = &st.signals.actions[idx(sig)];
    Action {
        handler: word(raw, 0),
        flags: word(raw, 1),
        restorer: word(raw, 2),
        mask: word(raw, 3),
    }
}

/// What delivering a signal does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Disposition {
    Ignore,
    Fatal,
    Handler(Action),
}

fn disposition(st: &State, sig: u32) -> Disposition {
    let a = action(st, sig);
    match a.handler {
        SIG_IGN => Disposition::Ignore,
        SIG_DFL if default_ignores(sig) => Disposition::Ignore,
        SIG_DFL => Disposition::Fatal,
        _ => Disposition::Handler(a),
    }
}

/// Discards `sig` from every pending set if its action now ignores it
/// (POSIX sigaction: "setting a signal action to SIG_IGN for a signal that
/// is pending shall cause the pending signal to be discarded"; Linux's
/// do_sigaction also does it for SIG_DFL of a default-ignored signal).
pub(crate) fn discard_if_ignored(st: &mut State, sig: u32) {
    if disposition(st, sig) != Disposition::Ignore {
        return;
    }
    st.signals.pending &= !bit(sig);
    for t in st.threads.values_mut() {
        t.sig.pending &= !bit(sig);
    }
}

fn thread_sig(st: &mut State, tid: Tid) -> &mut ThreadSignals {
    &mut st.threads.entry(tid).or_default().sig
}

/// Ends the program as the default action of `sig` does (128 + sig).
fn terminate(cx: &mut Cx<'_>, sig: u32, why: &str) {
    let line = format!(
        "rumprun: program terminated by {} ({sig}){why}\n",
        signal_name(sig)
    );
    cx.p.console_write(line.as_bytes());
    let sig8 = u8::try_from(sig).unwrap_or(0);
    cx.exit = Some(rumprun_config::exit::status_for_signal(sig8));
}

/// Whether thread `t` would take `sig` now (unblocked, or awaited by
/// rt_sigtimedwait).
fn wants(t: &ThreadSignals, sig: u32) -> bool {
    t.mask & bit(sig) == 0 || t.waiting & bit(sig) != 0
}

/// Sends `sig` to thread `tid`, or to the process when `tid` is `None`
/// (kernel/signal.c `send_signal` + `complete_signal`): an ignored signal
/// is dropped unless blocked; an unblocked default-fatal one ends the
/// program at once; otherwise it becomes pending and the thread that will
/// take it is woken (a blocked system call then returns EINTR).
pub(crate) fn send(cx: &mut Cx<'_>, sig: u32, tid: Option<Tid>, info: SigInfo) {
    if sig == 0 {
        return;
    }
    let me = cx.p.current_tid();
    let target = tid.unwrap_or_else(|| {
        // Prefer the caller, then any thread that takes the signal now.
        let mine = cx.st.threads.get(&me).is_none_or(|t| wants(&t.sig, sig));
        if mine {
            me
        } else {
            cx.st
                .threads
                .iter()
                .find(|(_, t)| wants(&t.sig, sig))
                .map_or(me, |(id, _)| *id)
        }
    });
    let blocked = thread_sig(cx.st, target).mask & bit(sig) != 0;
    match disposition(cx.st, sig) {
        Disposition::Ignore if !blocked => return,
        Disposition::Fatal if !blocked => {
            terminate(cx, sig, "");
            return;
        }
        _ => {}
    }
    let (pending, infos) = match tid {
        Some(t) => {
            let s = thread_sig(cx.st, t);
            (&mut s.pending, &mut s.info)
        }
        None => (&mut cx.st.signals.pending, &mut cx.st.signals.info),
    };
    if *pending & bit(sig) == 0 {
        *pending |= bit(sig);
        infos[idx(sig)] = info;
    }
    if target != me && wants(thread_sig(cx.st, target), sig) {
        cx.p.wake(target);
    }
}

/// Takes the lowest pending signal in `allowed`, thread-directed first
/// (kernel/signal.c `dequeue_signal`).
pub(crate) fn dequeue(cx: &mut Cx<'_>, allowed: u64) -> Option<(u32, SigInfo)> {
    let me = cx.p.current_tid();
    let t = thread_sig(cx.st, me);
    let mine = t.pending & allowed;
    if mine != 0 {
        let sig = mine.trailing_zeros() + 1;
        t.pending &= !bit(sig);
        return Some((sig, t.info[idx(sig)]));
    }
    let shared = cx.st.signals.pending & allowed;
    if shared != 0 {
        let sig = shared.trailing_zeros() + 1;
        cx.st.signals.pending &= !bit(sig);
        return Some((sig, cx.st.signals.info[idx(sig)]));
    }
    None
}

/// Returns the signals pending for the calling thread (its own and the
/// process's).
pub(crate) fn pending_for_current(cx: &mut Cx<'_>) -> u64 {
    let me = cx.p.current_tid();
    thread_sig(cx.st, me).pending | cx.st.signals.pending
}

/// Returns whether a signal that is not ignored waits for the calling
/// thread, unblocked: a wait must then end (EINTR or restart). Ignored
/// pending signals are discarded on the way.
pub(crate) fn interrupting(cx: &mut Cx<'_>) -> bool {
    let me = cx.p.current_tid();
    let mask = thread_sig(cx.st, me).mask;
    let mut ready = pending_for_current(cx) & !mask;
    while ready != 0 {
        let sig = ready.trailing_zeros() + 1;
        ready &= !bit(sig);
        if disposition(cx.st, sig) != Disposition::Ignore {
            return true;
        }
        thread_sig(cx.st, me).pending &= !bit(sig);
        cx.st.signals.pending &= !bit(sig);
    }
    false
}

/// Whether SA_RESTART restarts system call `nr` after a handler (Linux
/// returns -ERESTARTSYS from these; the sleeps, poll/select/epoll_wait,
/// sigsuspend and timed futex waits return EINTR whatever the flags:
/// signal(7), "Interruption of system calls and library functions").
pub(crate) fn restartable(nr: u64, args: &[u64; 6]) -> bool {
    const FUTEX_CMD: u64 = 0x7f;
    match nr {
        // read write pread64 pwrite64 readv writev, connect accept sendto
        // recvfrom sendmsg recvmsg, wait4, fcntl flock, open openat, accept4,
        // preadv pwritev, sendmmsg recvmmsg-free subset.
        0 | 1 | 17..=20 | 42..=47 | 61 | 72 | 73 | 2 | 257 | 288 | 295 | 296 => true,
        // futex FUTEX_WAIT(_BITSET) without a timeout.
        202 => matches!(args[1] & FUTEX_CMD, 0 | 9) && args[3] == 0,
        _ => false,
    }
}

/// An interrupted system call: its number and whether SA_RESTART restarts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interrupted {
    pub nr: u64,
    pub restartable: bool,
}

/// Abandons the wait of the calling thread (its futex queue entry, its
/// rt_sigtimedwait set) and returns the EINTR outcome.
pub(crate) fn abandon_wait(cx: &mut Cx<'_>) -> SyscallOutcome {
    let me = cx.p.current_tid();
    cx.st.futex.remove(me);
    thread_sig(cx.st, me).waiting = 0;
    SyscallOutcome::Return(Errno::EINTR.to_return())
}

/// Delivers the calling thread's pending unblocked signals on its way back
/// to ring 3 with registers `regs`: ignored ones are dropped, a fatal one
/// ends the program, each handled one gets a frame (the last set up runs
/// first, as on Linux). Returns whether `regs` changed beyond `rax`.
pub(crate) fn deliver(cx: &mut Cx<'_>, regs: &mut UserRegs, mut intr: Option<Interrupted>) -> bool {
    let me = cx.p.current_tid();
    let mut changed = false;
    for _ in 0..NSIG {
        if cx.exit.is_some() {
            return changed;
        }
        let mask = thread_sig(cx.st, me).mask;
        let Some((sig, info)) = dequeue(cx, !mask) else {
            break;
        };
        match disposition(cx.st, sig) {
            Disposition::Ignore => {}
            Disposition::Fatal => {
                terminate(cx, sig, "");
                return changed;
            }
            Disposition::Handler(act) => {
                if let Some(i) = intr.take() {
                    if i.restartable && act.flags & SA_RESTART != 0 {
                        rewind(regs, i.nr);
                    }
                }
                if let Err(why) = setup_frame(cx, regs, sig, info, &act) {
                    terminate(cx, SIGSEGV, why);
                    return changed;
                }
                changed = true;
            }
        }
    }
    if let Some(i) = intr {
        // No handler ran: Linux restarts the call (-ERESTART* without a handler).
        rewind(regs, i.nr);
        changed = true;
    }
    let t = thread_sig(cx.st, me);
    if let Some(m) = t.saved_mask.take() {
        t.mask = m;
    }
    changed
}

/// Makes the program execute the `syscall` instruction again on return.
fn rewind(regs: &mut UserRegs, nr: u64) {
    regs.rax = nr;
    regs.rip = regs.rip.wrapping_sub(SYSCALL_INSN);
}

/// Returns whether `sp` is on the alternate stack `s` (`on_sig_stack`).
pub(crate) fn on_stack(s: &StackT, sp: u64) -> bool {
    s.size != 0 && sp > s.sp && sp - s.sp <= s.size
}

/// `ss_flags` as sigaltstack(2) and `uc_stack` report them for `sp`.
pub(crate) fn stack_flags(s: &StackT, sp: u64) -> i32 {
    let mode = if s.flags & SS_DISABLE != 0 || s.size == 0 {
        SS_DISABLE
    } else if on_stack(s, sp) {
        SS_ONSTACK
    } else {
        0
    };
    mode | (s.flags & SS_AUTODISARM)
}

/// Builds a frame for `sig` and points `regs` at the handler
/// (signal_64.c `x64_setup_rt_frame`, signal.c `get_sigframe`).
fn setup_frame(
    cx: &mut Cx<'_>,
    regs: &mut UserRegs,
    sig: u32,
    info: SigInfo,
    act: &Action,
) -> Result<(), &'static str> {
    if act.flags & SA_RESTORER == 0 {
        // x86_64 has no vDSO restorer fallback: Linux fails the frame too.
        return Err(": handler without SA_RESTORER");
    }
    let me = cx.p.current_tid();
    let ts = *thread_sig(cx.st, me);
    let alt = ts.altstack;
    let mut sp = regs.rsp.wrapping_sub(RED_ZONE);
    let mut entering = false;
    if act.flags & SA_ONSTACK != 0 && stack_flags(&alt, sp) & (SS_DISABLE | SS_ONSTACK) == 0 {
        sp = alt.sp.wrapping_add(alt.size);
        entering = true;
    }
    let stack = StackT {
        sp: alt.sp,
        flags: stack_flags(&alt, regs.rsp),
        size: alt.size,
    };
    let mut fx = [0u8; FPSTATE_SIZE];
    cx.p.fpu_save(&mut fx);
    // Bytes 464..512 are software-available; no XSAVE magic is claimed.
    fx[464..].fill(0);
    let fpstate = sp.wrapping_sub(FPSTATE_SIZE as u64) & !63;
    let frame = (fpstate.wrapping_sub(FRAME_SIZE as u64) & !15).wrapping_sub(8);
    let old_mask = ts.saved_mask.unwrap_or(ts.mask);
    let bytes = frame::encode(
        regs,
        &FrameInfo {
            restorer: act.restorer,
            sig,
            info,
            mask: old_mask,
            stack,
            fpstate,
        },
    );
    if frame >= fpstate || fpstate >= USER_END {
        return Err(": no room for the signal frame");
    }
    cx.copy_out(UserAddr(fpstate), &fx)
        .map_err(|_| ": cannot write the signal frame")?;
    cx.copy_out(UserAddr(frame), &bytes)
        .map_err(|_| ": cannot write the signal frame")?;
    regs.rdi = u64::from(sig);
    regs.rax = 0;
    regs.rsi = frame + INFO as u64;
    regs.rdx = frame + UC as u64;
    regs.rip = act.handler;
    regs.rsp = frame;
    regs.rflags &= !(DF | TF | RF);
    let t = thread_sig(cx.st, me);
    t.saved_mask = None;
    let defer = if act.flags & SA_NODEFER != 0 {
        0
    } else {
        bit(sig)
    };
    t.mask = (t.mask | act.mask | defer) & !UNBLOCKABLE;
    if entering && alt.flags & SS_AUTODISARM != 0 {
        t.altstack = ThreadSignals::default().altstack;
    }
    if act.flags & SA_RESETHAND != 0 {
        cx.st.signals.actions[idx(sig)][..8].fill(0);
    }
    Ok(())
}

/// Finishes a system call: writes the result to `rax` and delivers
/// signals; `intr` says the call was interrupted by one.
pub(crate) fn syscall_exit(
    cx: &mut Cx<'_>,
    regs: &mut UserRegs,
    out: SyscallOutcome,
    intr: Option<Interrupted>,
) -> SyscallOutcome {
    let SyscallOutcome::Return(v) = out else {
        return out;
    };
    regs.rax = v;
    let changed = deliver(cx, regs, intr);
    match cx.exit {
        Some(code) => SyscallOutcome::Exit(code),
        None if changed => SyscallOutcome::ReturnRegs,
        None => SyscallOutcome::Return(regs.rax),
    }
}

/// rt_sigreturn(): restores the registers, mask, alternate stack and FPU
/// state from the frame the handler returned through (signal_64.c
/// `restore_sigcontext`). A frame that cannot be read or that returns
/// outside user space ends the program with SIGSEGV.
pub(crate) fn rt_sigreturn(cx: &mut Cx<'_>, regs: &mut UserRegs) -> SyscallOutcome {
    match restore(cx, regs) {
        Ok(()) => {}
        Err(why) => {
            terminate(cx, SIGSEGV, why);
            return SyscallOutcome::Exit(cx.exit.unwrap_or(139));
        }
    }
    let changed = deliver(cx, regs, None);
    let _ = changed;
    match cx.exit {
        Some(code) => SyscallOutcome::Exit(code),
        None => SyscallOutcome::ReturnRegs,
    }
}

fn restore(cx: &mut Cx<'_>, regs: &mut UserRegs) -> Result<(), &'static str> {
    // The handler's `ret` popped pretcode: rsp is the frame's ucontext.
    let mut uc = [0u8; UC_SIZE];
    cx.copy_in(UserAddr(regs.rsp), &mut uc)
        .map_err(|_| ": bad signal frame (unreadable)")?;
    let r = frame::decode(&uc);
    if r.regs.rip >= USER_END {
        return Err(": bad signal frame (return address outside user space)");
    }
    let mut fx = frame::initial_fpstate();
    if r.fpstate != 0 {
        cx.copy_in(UserAddr(r.fpstate), &mut fx)
            .map_err(|_| ": bad signal frame (fpstate unreadable)")?;
        // MXCSR reserved bits would fault FXRSTOR (SDM Vol. 1 §10.5.1.2).
        let mxcsr = u32::from_le_bytes([fx[24], fx[25], fx[26], fx[27]]) & 0xffff;
        fx[24..28].copy_from_slice(&mxcsr.to_le_bytes());
    }
    let flags = (regs.rflags & !FIX_EFLAGS) | (r.regs.rflags & FIX_EFLAGS);
    *regs = UserRegs {
        rflags: flags,
        trapno: 0,
        err: 0,
        cr2: 0,
        ..r.regs
    };
    cx.p.fpu_restore(&fx);
    let me = cx.p.current_tid();
    let t = thread_sig(cx.st, me);
    t.mask = r.mask & !UNBLOCKABLE;
    // restore_altstack: as sigaltstack(2) would, errors ignored.
    if !on_stack(&t.altstack, regs.rsp) {
        let mode = r.stack.flags & !SS_AUTODISARM;
        if mode == SS_DISABLE {
            t.altstack = ThreadSignals::default().altstack;
        } else if (mode == 0 || mode == SS_ONSTACK) && r.stack.size >= 2048 {
            t.altstack = StackT {
                sp: r.stack.sp,
                flags: r.stack.flags & SS_AUTODISARM,
                size: r.stack.size,
            };
        }
    }
    Ok(())
}

/// A user exception turned into `sig`: runs the handler if one is
/// installed and the signal is not blocked (else the default action,
/// which the kernel reports: kernel/signal.c `force_sig_info`). For
/// SIGSEGV a `SEGV_MAPERR` code becomes `SEGV_ACCERR` when `addr` lies in
/// a mapping. Returns true if `regs` now enter a handler.
pub(crate) fn fault(
    cx: &mut Cx<'_>,
    regs: &mut UserRegs,
    sig: u32,
    si_code: i32,
    addr: u64,
) -> bool {
    if !(1..=64).contains(&sig) {
        return false;
    }
    let si_code = if sig == SIGSEGV && si_code == code::SEGV_MAPERR && cx.st.mm.find(addr).is_some()
    {
        code::SEGV_ACCERR
    } else {
        si_code
    };
    let me = cx.p.current_tid();
    if thread_sig(cx.st, me).mask & bit(sig) != 0 {
        return false;
    }
    let Disposition::Handler(act) = disposition(cx.st, sig) else {
        return false;
    };
    let info = SigInfo {
        code: si_code,
        pid: 0,
        uid: 0,
        addr,
    };
    setup_frame(cx, regs, sig, info, &act).is_ok()
}
