//! nanosleep(2), clock_nanosleep(2) and sched_yield(2): waits that end at
//! a deadline, through `Cx::block_until`. The deadline is computed once, on
//! the first run, and carried across re-runs (a spurious wake-up must not
//! restart a relative sleep). A signal to deliver ends a sleep with EINTR
//! and the time left in `rem` (nanosleep(2)), never a restart.

use super::clock_gettime::{now_ns, CLOCK_MONOTONIC, CLOCK_REALTIME};
use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::platform::UserAddr;
use crate::process::Cx;

const NSEC_PER_SEC: u64 = 1_000_000_000;
/// TIMER_ABSTIME (linux/time.h).
const TIMER_ABSTIME: u32 = 1;
const CLOCK_BOOTTIME: i32 = 7;
const CLOCK_TAI: i32 = 11;

/// Reads a `struct timespec` and returns it in nanoseconds.
///
/// # Errors
/// `EFAULT`; `EINVAL` for a negative `tv_sec` or a `tv_nsec` outside
/// 0..999,999,999 (nanosleep(2)).
pub(crate) fn read_timespec(cx: &mut Cx<'_>, src: UserAddr) -> SysResult<u64> {
    let mut b = [0u8; 16];
    cx.copy_in(src, &mut b)?;
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    let sec = i64::from_le_bytes(w);
    w.copy_from_slice(&b[8..]);
    let nsec = i64::from_le_bytes(w);
    let (Ok(sec), Ok(nsec)) = (u64::try_from(sec), u64::try_from(nsec)) else {
        bail!(EINVAL, "negative tv_sec or tv_nsec");
    };
    if nsec >= NSEC_PER_SEC {
        bail!(EINVAL, "tv_nsec above 999999999");
    }
    Ok(sec.saturating_mul(NSEC_PER_SEC).saturating_add(nsec))
}

/// Sleeps until the monotonic `deadline` (blocking as often as needed).
fn sleep_until(cx: &mut Cx<'_>, deadline: u64) -> SysResult<u64> {
    if cx.p.monotonic_ns() >= deadline {
        return Ok(0);
    }
    Err(cx.block_until(Some(deadline)))
}

/// nanosleep(req, rem).
pub(crate) fn sys_nanosleep(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let deadline = match cx.resume.and_then(|r| r.deadline_ns) {
        Some(d) => d,
        None => {
            let d = read_timespec(cx, a.addr(0))?;
            cx.p.monotonic_ns().saturating_add(d)
        }
    };
    interrupted(cx, deadline, a.addr(1))?;
    sleep_until(cx, deadline)
}

/// Fails with EINTR, after writing the time left to `rem` (if not NULL),
/// when a signal is to be delivered before `deadline` (nanosleep(2): the
/// call is not restarted, whatever SA_RESTART says).
fn interrupted(cx: &mut Cx<'_>, deadline: u64, rem: UserAddr) -> SysResult<()> {
    let now = cx.p.monotonic_ns();
    if now >= deadline || !crate::signal::interrupting(cx) {
        return Ok(());
    }
    if !rem.is_null() {
        let left = deadline - now;
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&(left / NSEC_PER_SEC).to_le_bytes());
        b[8..].copy_from_slice(&(left % NSEC_PER_SEC).to_le_bytes());
        cx.copy_out(rem, &b)?;
    }
    bail!(EINTR, "interrupted by a signal")
}

/// clock_nanosleep(clockid, flags, req, rem). REALTIME absolute deadlines
/// are converted to the monotonic clock when the sleep starts (a wall-clock
/// step during the sleep is not followed; the VM's wall clock never steps).
pub(crate) fn sys_clock_nanosleep(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let rem = if a.uint(1) & TIMER_ABSTIME != 0 {
        UserAddr(0)
    } else {
        a.addr(3)
    };
    if let Some(d) = cx.resume.and_then(|r| r.deadline_ns) {
        interrupted(cx, d, rem)?;
        return sleep_until(cx, d);
    }
    let clock = a.int(0);
    if !matches!(
        clock,
        CLOCK_REALTIME | CLOCK_MONOTONIC | CLOCK_BOOTTIME | CLOCK_TAI
    ) {
        bail!(EINVAL, "clock cannot be slept on");
    }
    let flags = a.uint(1);
    if flags & !TIMER_ABSTIME != 0 {
        bail!(EINVAL, "unknown flags");
    }
    let t = read_timespec(cx, a.addr(2))?;
    let now_mono = cx.p.monotonic_ns();
    let deadline = if flags & TIMER_ABSTIME != 0 {
        let now_clock = now_ns(cx, clock)?;
        now_mono.saturating_add(t.saturating_sub(now_clock))
    } else {
        now_mono.saturating_add(t)
    };
    // rem is written only for relative sleeps (clock_nanosleep(2)).
    interrupted(cx, deadline, rem)?;
    sleep_until(cx, deadline)
}

/// sched_yield(): lets every other ready thread run once (a wait with a
/// deadline of now puts this thread behind them).
pub(crate) fn sys_sched_yield(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    if cx.resume.is_some() || cx.st.threads.len() < 2 {
        return Ok(0);
    }
    let now = cx.p.monotonic_ns();
    Err(cx.block_until(Some(now)))
}
