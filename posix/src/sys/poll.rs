//! poll(2), ppoll(2), select(2), pselect6(2): report which fds are ready,
//! waiting until one is or the timeout passes. Readiness is each object's
//! `FileOps::poll`; to wait, the thread registers on every polled
//! object's wait queue and blocks until a notification, an object's
//! `ready_at` (timers) or the user's deadline, computed once and carried
//! across re-runs in `Resume::carry` (fs/select.c `do_poll`/`do_select`).
//! The timeout is not written back: musl passes a copy. The signal mask of
//! ppoll/pselect6 is validated but not applied during the wait.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::nanosleep::read_timespec;
use crate::args::{ret_usize, Args};
use crate::bail;
use crate::errno::SysResult;
use crate::event::ev;
use crate::fd::{Fd, FileOps};
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::wait::{block_on, unblock_from};

const NSEC_PER_SEC: u64 = 1_000_000_000;
/// select's read set (`POLLIN_SET`, fs/select.c).
const IN_SET: u32 = ev::IN | ev::RDNORM | ev::RDBAND | ev::HUP | ev::ERR;
/// select's write set (`POLLOUT_SET`).
const OUT_SET: u32 = ev::OUT | ev::WRNORM | ev::WRBAND | ev::ERR;
/// select's exception set (`POLLEX_SET`).
const EX_SET: u32 = ev::PRI;
/// `carry` value meaning "no deadline".
const FOREVER: u64 = u64::MAX;

/// The user's deadline: from `carry` on a re-run, else from `first()`
/// (a relative timeout in ns, `None` for no timeout).
fn user_deadline(
    cx: &mut Cx<'_>,
    first: impl FnOnce(&mut Cx<'_>) -> SysResult<Option<u64>>,
) -> SysResult<Option<u64>> {
    if let Some(r) = cx.resume {
        return Ok((r.carry != FOREVER).then_some(r.carry));
    }
    let rel = first(cx)?;
    Ok(rel.map(|ns| cx.p.monotonic_ns().saturating_add(ns)))
}

/// Decides, once readiness is computed, between returning (something is
/// ready or the deadline passed: Ok) and blocking (the error to return).
fn finish_or_block(
    cx: &mut Cx<'_>,
    files: &[&Arc<dyn FileOps>],
    ready: bool,
    deadline: Option<u64>,
) -> SysResult<()> {
    let expired = deadline.is_some_and(|d| cx.p.monotonic_ns() >= d);
    if ready || expired {
        unblock_from(cx, files);
        return Ok(());
    }
    Err(block_on(cx, files, deadline, deadline.unwrap_or(FOREVER)))
}

/// One `struct pollfd { int fd; short events; short revents; }`.
struct PollFd {
    fd: i32,
    events: u16,
    revents: u16,
}

fn do_poll(cx: &mut Cx<'_>, addr: UserAddr, nfds: u64, deadline: Option<u64>) -> SysResult<u64> {
    let limit = u64::try_from(cx.st.fds.limit()).unwrap_or(u64::MAX);
    if nfds > limit {
        bail!(EINVAL, "nfds above RLIMIT_NOFILE");
    }
    let n = usize::try_from(nfds).unwrap_or(0);
    let mut raw = alloc::vec![0u8; n * 8];
    cx.copy_in(addr, &mut raw)?;
    let mut pfds: Vec<PollFd> = raw
        .chunks_exact(8)
        .map(|c| PollFd {
            fd: i32::from_le_bytes([c[0], c[1], c[2], c[3]]),
            events: u16::from_le_bytes([c[4], c[5]]),
            revents: 0,
        })
        .collect();
    let mut files: Vec<Arc<dyn FileOps>> = Vec::new();
    let mut count = 0u64;
    for p in &mut pfds {
        p.revents = 0;
        let Ok(fd) = u32::try_from(p.fd) else {
            continue;
        };
        match cx.st.fds.get(Fd::new(fd)) {
            Err(_) => p.revents = u16::try_from(ev::NVAL).unwrap_or(0),
            Ok(f) => {
                let want = u32::from(p.events) | ev::HUP | ev::ERR;
                let m = u32::from(f.poll().0) & want;
                p.revents = u16::try_from(m).unwrap_or(0);
                files.push(f);
            }
        }
        if p.revents != 0 {
            count += 1;
        }
    }
    let refs: Vec<&Arc<dyn FileOps>> = files.iter().collect();
    finish_or_block(cx, &refs, count > 0, deadline)?;
    for (c, p) in raw.chunks_exact_mut(8).zip(&pfds) {
        c[6..8].copy_from_slice(&p.revents.to_le_bytes());
    }
    cx.copy_out(addr, &raw)?;
    Ok(count)
}

/// poll(fds, nfds, timeout_ms): a negative timeout waits forever.
pub(crate) fn sys_poll(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let ms = a.int(2);
    let deadline = user_deadline(cx, |_| {
        Ok(u64::try_from(ms).ok().map(|m| m.saturating_mul(1_000_000)))
    })?;
    do_poll(cx, a.addr(0), a.raw(1), deadline)
}

/// Checks a `sigset_t *` and its size (ppoll(2), epoll_pwait(2): EINVAL
/// unless the size is 8).
pub(crate) fn check_sigmask(cx: &mut Cx<'_>, mask: UserAddr, size: u64) -> SysResult<()> {
    if mask.is_null() {
        return Ok(());
    }
    if size != 8 {
        bail!(EINVAL, "sigsetsize is not 8");
    }
    let mut b = [0u8; 8];
    cx.copy_in(mask, &mut b)
}

/// Reads an optional timespec as a relative timeout in ns.
fn opt_timespec(cx: &mut Cx<'_>, at: UserAddr) -> SysResult<Option<u64>> {
    if at.is_null() {
        Ok(None)
    } else {
        read_timespec(cx, at).map(Some)
    }
}

/// ppoll(fds, nfds, tmo_p, sigmask, sigsetsize).
pub(crate) fn sys_ppoll(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if cx.resume.is_none() {
        check_sigmask(cx, a.addr(3), a.raw(4))?;
    }
    let ts = a.addr(2);
    let deadline = user_deadline(cx, |cx| opt_timespec(cx, ts))?;
    do_poll(cx, a.addr(0), a.raw(1), deadline)
}

fn do_select(cx: &mut Cx<'_>, a: &Args, deadline: Option<u64>) -> SysResult<u64> {
    let nfds = a.int(0);
    let Ok(nfds) = usize::try_from(nfds) else {
        bail!(EINVAL, "negative nfds");
    };
    // fs/select.c core_sys_select: nfds is capped at the fd table's
    // capacity (at least 64, grown in powers of two); bits above it are
    // ignored, unopened fds below it are EBADF.
    let open_max = cx.st.fds.fds().last().map_or(0, |f| f.get() as usize + 1);
    let n = nfds.min(open_max.next_power_of_two().max(64));
    let words = nfds.div_ceil(64);
    let mut sets = [Vec::new(), Vec::new(), Vec::new()];
    for (i, set) in sets.iter_mut().enumerate() {
        let at = a.addr(1 + i);
        if at.is_null() {
            continue;
        }
        let mut raw = alloc::vec![0u8; words * 8];
        cx.copy_in(at, &mut raw)?;
        *set = raw
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect::<Vec<u64>>();
    }
    let bit =
        |set: &Vec<u64>, fd: usize| set.get(fd / 64).is_some_and(|w| w & (1 << (fd % 64)) != 0);
    let mut out = [
        alloc::vec![0u64; words],
        alloc::vec![0u64; words],
        alloc::vec![0u64; words],
    ];
    let mut files = Vec::new();
    let mut count = 0u64;
    for fd in 0..nfds {
        let wanted = [bit(&sets[0], fd), bit(&sets[1], fd), bit(&sets[2], fd)];
        if !wanted.iter().any(|&w| w) {
            continue;
        }
        if fd >= n {
            break;
        }
        let fd32 = u32::try_from(fd).unwrap_or(u32::MAX);
        let Ok(f) = cx.st.fds.get(Fd::new(fd32)) else {
            bail!(EBADF, "select on an fd that is not open");
        };
        let m = u32::from(f.poll().0);
        for (i, mask) in [IN_SET, OUT_SET, EX_SET].into_iter().enumerate() {
            if wanted[i] && m & mask != 0 {
                out[i][fd / 64] |= 1 << (fd % 64);
                count += 1;
            }
        }
        files.push(f);
    }
    let refs: Vec<&Arc<dyn FileOps>> = files.iter().collect();
    finish_or_block(cx, &refs, count > 0, deadline)?;
    for (i, set) in out.iter().enumerate() {
        let at = a.addr(1 + i);
        if at.is_null() {
            continue;
        }
        let bytes: Vec<u8> = set.iter().flat_map(|w| w.to_le_bytes()).collect();
        cx.copy_out(at, &bytes)?;
    }
    Ok(count)
}

/// select(nfds, readfds, writefds, exceptfds, timeout).
pub(crate) fn sys_select(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let tv = a.addr(4);
    let deadline = user_deadline(cx, |cx| {
        if tv.is_null() {
            return Ok(None);
        }
        let mut b = [0u8; 16];
        cx.copy_in(tv, &mut b)?;
        let sec = i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        let usec = i64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]);
        let (Ok(sec), Ok(usec)) = (u64::try_from(sec), u64::try_from(usec)) else {
            bail!(EINVAL, "negative timeval");
        };
        Ok(Some(
            sec.saturating_mul(NSEC_PER_SEC)
                .saturating_add(usec.saturating_mul(1000)),
        ))
    })?;
    do_select(cx, a, deadline).map(|n| ret_usize(usize::try_from(n).unwrap_or(0)))
}

/// pselect6(nfds, readfds, writefds, exceptfds, timeout, sig): `sig`
/// points to `{ const sigset_t *ss; size_t ss_len; }`.
pub(crate) fn sys_pselect6(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let sig = a.addr(5);
    if cx.resume.is_none() && !sig.is_null() {
        let mut b = [0u8; 16];
        cx.copy_in(sig, &mut b)?;
        let ss = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        let len = u64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]);
        check_sigmask(cx, UserAddr(ss), len)?;
    }
    let ts = a.addr(4);
    let deadline = user_deadline(cx, |cx| opt_timespec(cx, ts))?;
    do_select(cx, a, deadline)
}
