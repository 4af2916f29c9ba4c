//! getpid(2), gettid(2), getppid(2), set_tid_address(2), set_robust_list(2).
//! One process, pid 1, with no parent (getppid 0, like init in a container);
//! the first thread is tid 1, later threads get the platform's ids.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

/// The process id.
pub const PID: u64 = 1;

/// getpid().
pub(crate) fn sys_getpid(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(PID)
}

/// gettid().
pub(crate) fn sys_gettid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.p.current_tid()))
}

/// getppid().
pub(crate) fn sys_getppid(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(0)
}

/// set_tid_address(tidptr): remembers the pointer, returns the tid.
pub(crate) fn sys_set_tid_address(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    cx.thread().clear_child_tid = a.raw(0);
    Ok(u64::from(cx.p.current_tid()))
}

/// set_robust_list(head, len): accepted and remembered (no thread dies
/// holding a lock before threads exist).
pub(crate) fn sys_set_robust_list(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    // sizeof(struct robust_list_head) on x86_64 (linux/futex.h).
    if a.len(1) != 24 {
        bail!(EINVAL, "len is not sizeof(struct robust_list_head)");
    }
    cx.thread().robust_list = a.raw(0);
    Ok(0)
}

/// Checks a pid argument that may name only this process (0 or 1).
fn this_process(pid: i32) -> SysResult<()> {
    if pid != 0 && pid != 1 {
        bail!(ESRCH, "only pid 1 exists");
    }
    Ok(())
}

/// getpgrp(): the process is its own group.
pub(crate) fn sys_getpgrp(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(PID)
}

/// getpgid(pid).
pub(crate) fn sys_getpgid(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    this_process(a.int(0))?;
    Ok(PID)
}

/// getsid(pid): the process leads its own session.
pub(crate) fn sys_getsid(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    this_process(a.int(0))?;
    Ok(PID)
}

/// setsid(): EPERM, as Linux says to a process that already leads a
/// process group (which pid 1 does). `daemon()` ignores this failure.
pub(crate) fn sys_setsid(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    bail!(EPERM, "already a process group leader")
}

/// setpgid(pid, pgid): only "stay in my own group" is possible.
pub(crate) fn sys_setpgid(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (pid, pgid) = (a.int(0), a.int(1));
    this_process(pid)?;
    match pgid {
        0 | 1 => Ok(0),
        p if p < 0 => bail!(EINVAL, "negative pgid"),
        _ => bail!(EPERM, "no other process group exists"),
    }
}
