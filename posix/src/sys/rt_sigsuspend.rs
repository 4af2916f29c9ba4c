//! rt_sigsuspend(2), pause(2), rt_sigtimedwait(2) and the table entry of
//! rt_sigreturn(2): the waits for a signal. A wait ends when the dispatcher
//! finds a signal to deliver (`signal::interrupting`): the call returns
//! EINTR and the handler runs; rt_sigsuspend's frame restores the mask it
//! replaced. rt_sigtimedwait takes a signal from its set without running
//! a handler. Neighbours: `crate::signal` (state, delivery).

use super::nanosleep::read_timespec;
use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::signal::{self, frame, UNBLOCKABLE};
use crate::{bail, err};

const SIGSET_SIZE: usize = 8;

/// rt_sigsuspend(mask, sigsetsize): waits with `mask` until a handler runs.
pub(crate) fn sys_rt_sigsuspend(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if cx.resume.is_none() {
        if a.len(1) != SIGSET_SIZE {
            bail!(EINVAL, "sigsetsize is not 8");
        }
        let new = cx.read_u64(a.addr(0))? & !UNBLOCKABLE;
        let t = &mut cx.thread().sig;
        t.saved_mask = Some(t.saved_mask.unwrap_or(t.mask));
        t.mask = new;
    }
    Err(cx.block_until(None))
}

/// pause(): waits until a handler runs (or the program ends).
pub(crate) fn sys_pause(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Err(cx.block_until(None))
}

/// rt_sigtimedwait(set, info, timeout, sigsetsize): takes a pending signal
/// of `set` (normally blocked) and returns its number; EAGAIN when
/// `timeout` passes first.
pub(crate) fn sys_rt_sigtimedwait(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if a.len(3) != SIGSET_SIZE {
        bail!(EINVAL, "sigsetsize is not 8");
    }
    let set = cx.read_u64(a.addr(0))? & !UNBLOCKABLE;
    if let Some((sig, si)) = signal::dequeue(cx, set) {
        cx.thread().sig.waiting = 0;
        if !a.addr(1).is_null() {
            cx.copy_out(a.addr(1), &frame::encode_siginfo(sig, &si))?;
        }
        return Ok(u64::from(sig));
    }
    let deadline = match cx.resume {
        Some(r) => r.deadline_ns,
        None if a.addr(2).is_null() => None,
        None => {
            let t = read_timespec(cx, a.addr(2))?;
            Some(cx.p.monotonic_ns().saturating_add(t))
        }
    };
    if deadline.is_some_and(|d| cx.p.monotonic_ns() >= d) {
        cx.thread().sig.waiting = 0;
        bail!(EAGAIN, "no signal of the set before the timeout");
    }
    cx.thread().sig.waiting = set;
    Err(cx.block_until(deadline))
}

/// rt_sigreturn(): `Process::syscall` runs it (it needs every register),
/// so the table's handler is never reached.
pub(crate) fn sys_rt_sigreturn(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Err(err!(
        ENOSYS,
        "rt_sigreturn is dispatched with the registers"
    ))
}
