//! kill(2), tkill(2), tgkill(2) to the one process or one of its threads,
//! and the default actions of signals (signal(7)). Sending is
//! `crate::signal::send`: pending per thread (tkill, tgkill) or per process
//! (kill), taken on the target's way back to ring 3, where a handler gets a
//! frame, an ignored signal is dropped and a default-fatal one ends the
//! program with status 128 + sig (as a shell reports it).

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::signal::{frame::code, SigInfo};
use crate::sys::rt_sigaction::NSIG;

/// Returns the Linux name of signal `sig` (`"SIGABRT"`), or `"SIG?"`.
pub fn signal_name(sig: u32) -> &'static str {
    const NAMES: [&str; 32] = [
        "SIG?",
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    match usize::try_from(sig) {
        Ok(i) if i < NAMES.len() => NAMES[i],
        Ok(i) if i <= NSIG => "SIGRT",
        _ => "SIG?",
    }
}

/// Whether the default action of `sig` is to ignore it (signal(7)):
/// SIGCHLD, SIGCONT, SIGURG, SIGWINCH; the stop signals are ignored too,
/// since there is no job control to stop for.
pub(crate) fn default_ignores(sig: u32) -> bool {
    matches!(sig, 17..=23 | 28)
}

/// The siginfo of a signal this process sends (`si_pid` 1, our uid).
fn from_us(cx: &Cx<'_>, code: i32) -> SigInfo {
    SigInfo {
        code,
        pid: 1,
        uid: cx.st.id.uid,
        addr: 0,
    }
}

fn signal_arg(raw: i32) -> SysResult<u32> {
    match u32::try_from(raw) {
        Ok(s) if usize::try_from(s).is_ok_and(|s| s <= NSIG) => Ok(s),
        _ => bail!(EINVAL, "signal number out of range"),
    }
}

/// kill(pid, sig): pid 1, 0 (own group) and -1 (everyone) all mean us.
pub(crate) fn sys_kill(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (pid, sig) = (a.int(0), signal_arg(a.int(1))?);
    if !(-1..=1).contains(&pid) {
        bail!(ESRCH, "only pid 1 exists");
    }
    let info = from_us(cx, code::SI_USER);
    crate::signal::send(cx, sig, None, info);
    Ok(0)
}

/// Returns whether `tid` names a live thread.
fn live_thread(cx: &Cx<'_>, tid: i32) -> bool {
    u32::try_from(tid).is_ok_and(|t| cx.st.threads.contains_key(&t))
}

/// tkill(tid, sig).
pub(crate) fn sys_tkill(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (tid, sig) = (a.int(0), signal_arg(a.int(1))?);
    if tid <= 0 {
        bail!(EINVAL, "tid must be positive");
    }
    if !live_thread(cx, tid) {
        bail!(ESRCH, "no such thread");
    }
    let info = from_us(cx, code::SI_TKILL);
    crate::signal::send(cx, sig, u32::try_from(tid).ok(), info);
    Ok(0)
}

/// tgkill(tgid, tid, sig).
pub(crate) fn sys_tgkill(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (tgid, tid, sig) = (a.int(0), a.int(1), signal_arg(a.int(2))?);
    if tgid <= 0 || tid <= 0 {
        bail!(EINVAL, "ids must be positive");
    }
    if tgid != 1 || !live_thread(cx, tid) {
        bail!(ESRCH, "no such thread in thread group 1");
    }
    let info = from_us(cx, code::SI_TKILL);
    crate::signal::send(cx, sig, u32::try_from(tid).ok(), info);
    Ok(0)
}
