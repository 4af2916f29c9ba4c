//! clock_gettime(2), clock_getres(2), gettimeofday(2), time(2), over the
//! platform's monotonic and wall clocks. Deviations from Linux, by design:
//! BOOTTIME equals MONOTONIC (the VM never suspends); the `_COARSE` clocks
//! return the precise value (allowed: coarse only promises to be cheap);
//! PROCESS_CPUTIME_ID and THREAD_CPUTIME_ID are approximated by MONOTONIC
//! (one process that owns the machine; no CPU accounting yet); dynamic CPU
//! clocks (negative ids) are EINVAL.

use crate::args::{ret_i64, Args};
use crate::errno::SysResult;
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::{bail, err};

const NSEC_PER_SEC: u64 = 1_000_000_000;

/// Clock ids from linux/time.h.
pub(crate) const CLOCK_REALTIME: i32 = 0;
pub(crate) const CLOCK_MONOTONIC: i32 = 1;
const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
const CLOCK_MONOTONIC_RAW: i32 = 4;
const CLOCK_REALTIME_COARSE: i32 = 5;
const CLOCK_MONOTONIC_COARSE: i32 = 6;
const CLOCK_BOOTTIME: i32 = 7;
const CLOCK_REALTIME_ALARM: i32 = 8;
const CLOCK_BOOTTIME_ALARM: i32 = 9;
const CLOCK_TAI: i32 = 11;

/// Returns the time of `clock` in nanoseconds.
pub(crate) fn now_ns(cx: &Cx<'_>, clock: i32) -> SysResult<u64> {
    match clock {
        CLOCK_REALTIME | CLOCK_REALTIME_COARSE | CLOCK_REALTIME_ALARM => Ok(cx.p.realtime_ns()),
        // TAI = UTC + 37 s since 2017 (no leap-second table here).
        CLOCK_TAI => Ok(cx.p.realtime_ns() + 37 * NSEC_PER_SEC),
        CLOCK_MONOTONIC
        | CLOCK_MONOTONIC_RAW
        | CLOCK_MONOTONIC_COARSE
        | CLOCK_BOOTTIME
        | CLOCK_BOOTTIME_ALARM
        | CLOCK_PROCESS_CPUTIME_ID
        | CLOCK_THREAD_CPUTIME_ID => Ok(cx.p.monotonic_ns()),
        _ => bail!(EINVAL, "unknown clock id"),
    }
}

/// Writes a `struct timespec { time_t tv_sec; long tv_nsec; }`.
fn put_timespec(cx: &mut Cx<'_>, dst: UserAddr, ns: u64) -> SysResult<()> {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&(ns / NSEC_PER_SEC).to_le_bytes());
    b[8..].copy_from_slice(&(ns % NSEC_PER_SEC).to_le_bytes());
    cx.copy_out(dst, &b)
}

/// clock_gettime(clockid, tp).
pub(crate) fn sys_clock_gettime(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (clock, tp) = (a.int(0), a.addr(1));
    let ns = now_ns(cx, clock)?;
    put_timespec(cx, tp, ns)?;
    Ok(0)
}

/// clock_getres(clockid, res): 1 ns for every clock (res may be NULL).
pub(crate) fn sys_clock_getres(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (clock, res) = (a.int(0), a.addr(1));
    now_ns(cx, clock)?;
    if !res.is_null() {
        put_timespec(cx, res, 1)?;
    }
    Ok(0)
}

/// gettimeofday(tv, tz): tz (obsolete) is filled with zeros.
pub(crate) fn sys_gettimeofday(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (tv, tz) = (a.addr(0), a.addr(1));
    let ns = cx.p.realtime_ns();
    if !tv.is_null() {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&(ns / NSEC_PER_SEC).to_le_bytes());
        b[8..].copy_from_slice(&((ns % NSEC_PER_SEC) / 1000).to_le_bytes());
        cx.copy_out(tv, &b)?;
    }
    if !tz.is_null() {
        cx.copy_out(tz, &[0u8; 8])?;
    }
    Ok(0)
}

/// time(tloc): seconds since the epoch, also stored at tloc if not NULL.
pub(crate) fn sys_time(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let tloc = a.addr(0);
    let secs = i64::try_from(cx.p.realtime_ns() / NSEC_PER_SEC)
        .map_err(|_| err!(EOVERFLOW, "clock beyond i64 seconds"))?;
    if !tloc.is_null() {
        cx.copy_out(tloc, &secs.to_le_bytes())?;
    }
    Ok(ret_i64(secs))
}
