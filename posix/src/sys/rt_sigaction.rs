//! rt_sigaction(2), rt_sigprocmask(2), rt_sigpending(2), sigaltstack(2):
//! the process's actions and each thread's mask and alternate stack, which
//! `crate::signal` uses to deliver. Layouts: the x86_64 kernel `struct
//! sigaction { handler; flags; restorer; mask; }` (32 bytes), a 64-bit
//! `sigset_t` (`_NSIG / 8` = 8 bytes), `stack_t { ss_sp; ss_flags; ss_size; }`.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::signal::{
    on_stack, stack_flags, SigInfo, StackT, ThreadSignals, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK,
    UNBLOCKABLE,
};

/// `_NSIG`.
pub const NSIG: usize = 64;
const SIGSET_SIZE: usize = 8;
const SIGKILL: i32 = 9;
const SIGSTOP: i32 = 19;
/// `MINSIGSTKSZ` on x86_64.
const MINSIGSTKSZ: u64 = 2048;
const SIG_BLOCK: i32 = 0;
const SIG_UNBLOCK: i32 = 1;
const SIG_SETMASK: i32 = 2;

/// Per-process signal state (masks and alternate stacks are per thread:
/// `signal::ThreadSignals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signals {
    /// Each signal's `struct sigaction`, raw (all zero: SIG_DFL).
    pub actions: [[u8; 32]; NSIG],
    /// Process-directed signals (kill) waiting for a thread to take them.
    pub pending: u64,
    /// The siginfo of each process-directed pending signal.
    pub info: [SigInfo; NSIG],
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            pending: 0,
            actions: [[0u8; 32]; NSIG],
            info: [SigInfo::default(); NSIG],
        }
    }
}

/// rt_sigaction(sig, act, oact, sigsetsize).
pub(crate) fn sys_rt_sigaction(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (sig, act, oact, size) = (a.int(0), a.addr(1), a.addr(2), a.len(3));
    if size != SIGSET_SIZE {
        bail!(EINVAL, "sigsetsize is not 8");
    }
    let Some(idx) = usize::try_from(sig).ok().filter(|s| (1..=NSIG).contains(s)) else {
        bail!(EINVAL, "signal number out of range");
    };
    let new = if act.is_null() {
        None
    } else {
        if sig == SIGKILL || sig == SIGSTOP {
            bail!(EINVAL, "SIGKILL and SIGSTOP cannot be caught");
        }
        let mut b = [0u8; 32];
        cx.copy_in(act, &mut b)?;
        // kernel/signal.c do_sigaction: KILL and STOP never enter sa_mask.
        let mut m = [0u8; 8];
        m.copy_from_slice(&b[24..]);
        let mask = u64::from_le_bytes(m) & !UNBLOCKABLE;
        b[24..].copy_from_slice(&mask.to_le_bytes());
        Some(b)
    };
    let old = cx.st.signals.actions[idx - 1];
    if let Some(b) = new {
        cx.st.signals.actions[idx - 1] = b;
        crate::signal::discard_if_ignored(cx.st, u32::try_from(idx).unwrap_or(0));
    }
    if !oact.is_null() {
        cx.copy_out(oact, &old)?;
    }
    Ok(0)
}

/// rt_sigprocmask(how, set, oset, sigsetsize).
pub(crate) fn sys_rt_sigprocmask(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (how, set, oset, size) = (a.int(0), a.addr(1), a.addr(2), a.len(3));
    if size != SIGSET_SIZE {
        bail!(EINVAL, "sigsetsize is not 8");
    }
    let old = cx.thread().sig.mask;
    if !set.is_null() {
        let new = cx.read_u64(set)? & !UNBLOCKABLE;
        cx.thread().sig.mask = match how {
            SIG_BLOCK => old | new,
            SIG_UNBLOCK => old & !new,
            SIG_SETMASK => new,
            _ => bail!(EINVAL, "how is not SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK"),
        };
    }
    if !oset.is_null() {
        cx.write_u64(oset, old)?;
    }
    // A signal the new mask lets through is delivered on the way out
    // (signal::syscall_exit): musl's raise() relies on that.
    Ok(0)
}

/// rt_sigpending(set, sigsetsize): the signals sent while blocked.
pub(crate) fn sys_rt_sigpending(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if a.len(1) > SIGSET_SIZE {
        bail!(EINVAL, "sigsetsize above 8");
    }
    let n = a.len(1);
    let mask = cx.thread().sig.mask;
    let pending = (crate::signal::pending_for_current(cx) & mask).to_le_bytes();
    cx.copy_out(a.addr(0), &pending[..n])?;
    Ok(0)
}

/// sigaltstack(ss, old_ss): the calling thread's alternate signal stack
/// (kernel/signal.c `do_sigaltstack`): EPERM while running on it.
pub(crate) fn sys_sigaltstack(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (ss, old_ss) = (a.addr(0), a.addr(1));
    let sp = cx.user_sp;
    let old = cx.thread().sig.altstack;
    if !ss.is_null() {
        let mut b = [0u8; 24];
        cx.copy_in(ss, &mut b)?;
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[..8]);
        let new_sp = u64::from_le_bytes(w);
        let flags = i32::from_le_bytes([b[8], b[9], b[10], b[11]]);
        w.copy_from_slice(&b[16..]);
        let size = u64::from_le_bytes(w);
        if on_stack(&old, sp) {
            bail!(EPERM, "changing the alternate stack while on it");
        }
        let mode = flags & !SS_AUTODISARM;
        cx.thread().sig.altstack = match mode {
            SS_DISABLE => ThreadSignals::default().altstack,
            0 | SS_ONSTACK => {
                if size < MINSIGSTKSZ {
                    bail!(ENOMEM, "ss_size below MINSIGSTKSZ");
                }
                StackT {
                    sp: new_sp,
                    flags: flags & SS_AUTODISARM,
                    size,
                }
            }
            _ => bail!(EINVAL, "unknown ss_flags"),
        };
    }
    if !old_ss.is_null() {
        let mut b = [0u8; 24];
        b[..8].copy_from_slice(&old.sp.to_le_bytes());
        b[8..12].copy_from_slice(&stack_flags(&old, sp).to_le_bytes());
        b[16..].copy_from_slice(&old.size.to_le_bytes());
        cx.copy_out(old_ss, &b)?;
    }
    Ok(0)
}
