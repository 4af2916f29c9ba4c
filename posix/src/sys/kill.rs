//! kill(2), tkill(2), tgkill(2) to the one process, and the default actions
//! of signals. Signal frames (running a user handler, rt_sigreturn) do not
//! exist yet, so this milestone delivers only what needs no frame: ignored
//! signals are dropped, default-fatal signals end the program with status
//! 128 + sig (as a shell reports it, `rumprun_config::exit`), and a signal
//! with a user handler fails with ENOSYS. A blocked signal stays pending
//! and is delivered when rt_sigprocmask unblocks it — which is how musl's
//! `raise()` (and so `abort()`) sends SIGABRT.

use alloc::format;

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::rt_sigaction::NSIG;

const SIG_DFL: u64 = 0;
const SIG_IGN: u64 = 1;

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
fn default_ignores(sig: u32) -> bool {
    matches!(sig, 17..=23 | 28)
}

fn bit(sig: u32) -> u64 {
    1u64 << (sig - 1)
}

/// Delivers `sig` now (it is not blocked): drop, terminate, or ENOSYS.
fn act(cx: &mut Cx<'_>, sig: u32) -> SysResult<()> {
    let idx = usize::try_from(sig - 1).unwrap_or(0);
    let raw = cx.st.signals.actions[idx];
    let mut w = [0u8; 8];
    w.copy_from_slice(&raw[..8]);
    let handler = u64::from_le_bytes(w);
    // rt_sigaction refuses handlers for SIGKILL/SIGSTOP, so theirs is SIG_DFL.
    match handler {
        SIG_IGN => Ok(()),
        SIG_DFL if default_ignores(sig) => Ok(()),
        SIG_DFL => {
            let line = format!(
                "rumprun: program terminated by {} ({sig})\n",
                signal_name(sig)
            );
            cx.p.console_write(line.as_bytes());
            let sig8 = u8::try_from(sig).unwrap_or(0);
            cx.exit = Some(rumprun_config::exit::status_for_signal(sig8));
            Ok(())
        }
        _ => bail!(
            ENOSYS,
            "running a user signal handler is not implemented yet"
        ),
    }
}

/// Sends `sig` to the process: pending if blocked, else acted upon.
pub(crate) fn send(cx: &mut Cx<'_>, sig: u32) -> SysResult<()> {
    if sig == 0 {
        return Ok(());
    }
    // SIGKILL and SIGSTOP are never blocked (the mask never holds them).
    if cx.st.signals.mask & bit(sig) != 0 {
        cx.st.signals.pending |= bit(sig);
        return Ok(());
    }
    act(cx, sig)
}

/// Delivers pending signals that the current mask no longer blocks
/// (called after the mask changes). Lowest number first, as Linux does
/// for standard signals.
pub(crate) fn deliver_unblocked(cx: &mut Cx<'_>) -> SysResult<()> {
    let mut ready = cx.st.signals.pending & !cx.st.signals.mask;
    while ready != 0 && cx.exit.is_none() {
        let sig = ready.trailing_zeros() + 1;
        ready &= !bit(sig);
        cx.st.signals.pending &= !bit(sig);
        act(cx, sig)?;
    }
    Ok(())
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
    send(cx, sig)?;
    Ok(0)
}

/// Returns whether `tid` names a live thread. Signals are process-wide in
/// this milestone (one pending set and mask), so a signal to any thread is
/// delivered like a signal to the process.
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
    send(cx, sig)?;
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
    send(cx, sig)?;
    Ok(0)
}
