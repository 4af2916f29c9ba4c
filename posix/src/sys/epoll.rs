//! epoll_create(2), epoll_create1(2), epoll_ctl(2), epoll_wait(2),
//! epoll_pwait(2), epoll_pwait2(2) over [`crate::event::epoll::Epoll`]. A wait collects
//! from the instance's ready list; if nothing is ready it registers on the
//! instance's queue (which its items' objects notify) and blocks until a
//! notification, a timer item's expiry or the user's deadline (computed
//! once, carried across re-runs).

use alloc::sync::Arc;

use super::nanosleep::read_timespec;
use super::poll::check_sigmask;
use crate::args::{ret_usize, Args};
use crate::bail;
use crate::errno::SysResult;
use crate::event::epoll::{can_poll, Epoll, CTL_DEL};
use crate::fd::{FdFlags, FileOps};
use crate::process::Cx;
use crate::vfs::flags::o;
use crate::wait::{block_on, unblock_from};

/// Linux `EP_MAX_EVENTS` (INT_MAX / sizeof(struct epoll_event)).
const EP_MAX_EVENTS: i32 = i32::MAX / 12;
const FOREVER: u64 = u64::MAX;

/// epoll_create(size): size must be positive, and is otherwise ignored.
pub(crate) fn sys_epoll_create(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if a.int(0) <= 0 {
        bail!(EINVAL, "epoll_create size not positive");
    }
    create(cx, 0)
}

/// epoll_create1(flags): only EPOLL_CLOEXEC (= O_CLOEXEC).
pub(crate) fn sys_epoll_create1(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = a.uint(0);
    if flags & !o::CLOEXEC != 0 {
        bail!(EINVAL, "epoll_create1 flags other than EPOLL_CLOEXEC");
    }
    create(cx, flags)
}

fn create(cx: &mut Cx<'_>, flags: u32) -> SysResult<u64> {
    let f: Arc<dyn FileOps> = Epoll::new(&cx.st.waits);
    let fd = cx.st.fds.insert(f, FdFlags::from_open_flags(flags))?;
    Ok(u64::from(fd.get()))
}

fn as_epoll(f: &Arc<dyn FileOps>) -> SysResult<&Epoll> {
    match f.as_any().and_then(|x| x.downcast_ref::<Epoll>()) {
        Some(e) => Ok(e),
        None => bail!(EINVAL, "fd is not an epoll instance"),
    }
}

/// epoll_ctl(epfd, op, fd, event).
pub(crate) fn sys_epoll_ctl(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    // The order of checks follows fs/eventpoll.c do_epoll_ctl: the event
    // is copied first (EFAULT), then both fds (EBADF), then EPERM, EINVAL.
    let op = a.int(1);
    let mut event = (0u32, 0u64);
    if op != CTL_DEL {
        let mut b = [0u8; 12];
        cx.copy_in(a.addr(3), &mut b)?;
        event = (
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            u64::from_le_bytes([b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11]]),
        );
    }
    let (epfd, fd) = (a.fd(0)?, a.fd(2)?);
    let ep_file = cx.st.fds.get(epfd)?;
    let target = cx.st.fds.get(fd)?;
    if !can_poll(&target) {
        bail!(
            EPERM,
            "file does not support epoll (regular file or directory)"
        );
    }
    let ep = as_epoll(&ep_file)?;
    if Arc::ptr_eq(&ep_file, &target) {
        bail!(EINVAL, "epoll_ctl on the epoll fd itself");
    }
    ep.ctl(op, fd.get(), &target, event)?;
    Ok(0)
}

/// Waits with a relative timeout in ns from `timeout` (`None`: forever),
/// read once on the first run.
fn wait(
    cx: &mut Cx<'_>,
    a: &Args,
    timeout: impl FnOnce(&mut Cx<'_>) -> SysResult<Option<u64>>,
) -> SysResult<u64> {
    let (events, max) = (a.addr(1), a.int(2));
    if !(1..=EP_MAX_EVENTS).contains(&max) {
        bail!(EINVAL, "maxevents not in 1..=EP_MAX_EVENTS");
    }
    let f = cx.st.fds.get(a.fd(0)?)?;
    let ep = as_epoll(&f)?;
    let deadline = match cx.resume {
        Some(r) => (r.carry != FOREVER).then_some(r.carry),
        None => timeout(cx)?.map(|ns| cx.p.monotonic_ns().saturating_add(ns)),
    };
    let got = ep.collect(usize::try_from(max).unwrap_or(1));
    let expired = deadline.is_some_and(|d| cx.p.monotonic_ns() >= d);
    if got.is_empty() && !expired {
        return Err(block_on(cx, &[&f], deadline, deadline.unwrap_or(FOREVER)));
    }
    unblock_from(cx, &[&f]);
    let mut raw = alloc::vec::Vec::with_capacity(got.len() * 12);
    for e in &got {
        raw.extend_from_slice(&e.events.to_le_bytes());
        raw.extend_from_slice(&e.data.to_le_bytes());
    }
    cx.copy_out(events, &raw)?;
    Ok(ret_usize(got.len()))
}

/// epoll_wait(epfd, events, maxevents, timeout_ms).
pub(crate) fn sys_epoll_wait(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    wait(cx, a, |_| Ok(ms_timeout(a.int(3))))
}

/// A millisecond timeout; negative means forever.
fn ms_timeout(ms: i32) -> Option<u64> {
    u64::try_from(ms).ok().map(|m| m.saturating_mul(1_000_000))
}

/// epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize).
pub(crate) fn sys_epoll_pwait(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if cx.resume.is_none() {
        check_sigmask(cx, a.addr(4), a.raw(5))?;
    }
    wait(cx, a, |_| Ok(ms_timeout(a.int(3))))
}

/// epoll_pwait2(epfd, events, maxevents, timeout, sigmask, sigsetsize):
/// the timeout is a `struct timespec *` (NULL: forever).
pub(crate) fn sys_epoll_pwait2(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if cx.resume.is_none() {
        check_sigmask(cx, a.addr(4), a.raw(5))?;
    }
    let ts = a.addr(3);
    wait(cx, a, |cx| {
        if ts.is_null() {
            Ok(None)
        } else {
            read_timespec(cx, ts).map(Some)
        }
    })
}
