//! timerfd_create(2), timerfd_settime(2), timerfd_gettime(2) over
//! [`crate::event::timerfd::TimerFd`]. Clocks: CLOCK_REALTIME,
//! CLOCK_MONOTONIC, CLOCK_BOOTTIME and their _ALARM variants (the VM never
//! suspends, so an alarm clock is its base clock); others are EINVAL.

use alloc::sync::Arc;

use super::clock_gettime::now_ns;
use super::nanosleep::read_timespec;
use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::event::timerfd::{TimerFd, TimerSpec};
use crate::fd::{FdFlags, FileOps};
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::vfs::flags::o;

const CLOCK_REALTIME: i32 = 0;
const CLOCK_MONOTONIC: i32 = 1;
const CLOCK_BOOTTIME: i32 = 7;
const CLOCK_REALTIME_ALARM: i32 = 8;
const CLOCK_BOOTTIME_ALARM: i32 = 9;
/// `TFD_TIMER_ABSTIME` (linux/timerfd.h).
pub const TFD_TIMER_ABSTIME: u32 = 1;
/// `TFD_TIMER_CANCEL_ON_SET`: accepted; the wall clock never steps here.
pub const TFD_TIMER_CANCEL_ON_SET: u32 = 2;
const NSEC_PER_SEC: u64 = 1_000_000_000;

/// timerfd_create(clockid, flags).
pub(crate) fn sys_timerfd_create(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (clock, flags) = (a.int(0), a.uint(1));
    if !matches!(
        clock,
        CLOCK_REALTIME
            | CLOCK_MONOTONIC
            | CLOCK_BOOTTIME
            | CLOCK_REALTIME_ALARM
            | CLOCK_BOOTTIME_ALARM
    ) {
        bail!(EINVAL, "timerfd clock");
    }
    if flags & !(o::CLOEXEC | o::NONBLOCK) != 0 {
        bail!(
            EINVAL,
            "timerfd_create flags other than TFD_CLOEXEC|TFD_NONBLOCK"
        );
    }
    let f: Arc<dyn FileOps> = TimerFd::new(&cx.st.waits, clock, flags & o::NONBLOCK != 0);
    let fd = cx.st.fds.insert(f, FdFlags::from_open_flags(flags))?;
    Ok(u64::from(fd.get()))
}

fn timer(cx: &Cx<'_>, a: &Args) -> SysResult<Arc<dyn FileOps>> {
    let f = cx.st.fds.get(a.fd(0)?)?;
    if !f.as_any().is_some_and(|x| x.is::<TimerFd>()) {
        bail!(EINVAL, "fd is not a timerfd");
    }
    Ok(f)
}

fn as_timer(f: &Arc<dyn FileOps>) -> SysResult<&TimerFd> {
    match f.as_any().and_then(|x| x.downcast_ref::<TimerFd>()) {
        Some(t) => Ok(t),
        None => bail!(EINVAL, "fd is not a timerfd"),
    }
}

/// Writes a `struct itimerspec { timespec it_interval, it_value; }`.
fn put_itimerspec(cx: &mut Cx<'_>, dst: UserAddr, t: TimerSpec) -> SysResult<()> {
    let mut b = [0u8; 32];
    for (i, ns) in [t.interval_ns, t.value_ns].into_iter().enumerate() {
        b[i * 16..i * 16 + 8].copy_from_slice(&(ns / NSEC_PER_SEC).to_le_bytes());
        b[i * 16 + 8..i * 16 + 16].copy_from_slice(&(ns % NSEC_PER_SEC).to_le_bytes());
    }
    cx.copy_out(dst, &b)
}

/// timerfd_settime(fd, flags, new_value, old_value).
pub(crate) fn sys_timerfd_settime(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = a.uint(1);
    let f = timer(cx, a)?;
    if flags & !(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) != 0 {
        bail!(EINVAL, "timerfd_settime flags");
    }
    let new = a.addr(2);
    let interval_ns = read_timespec(cx, new)?;
    let Some(value_at) = new.checked_add(16) else {
        bail!(EFAULT, "itimerspec wraps around");
    };
    let value_ns = read_timespec(cx, value_at)?;
    let t = as_timer(&f)?;
    let abs = if flags & TFD_TIMER_ABSTIME != 0 {
        Some(now_ns(cx, t.clock())?)
    } else {
        None
    };
    let old = t.settime(
        TimerSpec {
            interval_ns,
            value_ns,
        },
        abs,
    );
    let old_addr = a.addr(3);
    if !old_addr.is_null() {
        put_itimerspec(cx, old_addr, old)?;
    }
    Ok(0)
}

/// timerfd_gettime(fd, curr_value).
pub(crate) fn sys_timerfd_gettime(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = timer(cx, a)?;
    let cur = as_timer(&f)?.gettime();
    put_itimerspec(cx, a.addr(1), cur)?;
    Ok(0)
}
