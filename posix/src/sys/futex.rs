//! futex(2): the calls musl's pthreads are built on. Operations from
//! linux/futex.h: WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET,
//! WAKE_BITSET, with FUTEX_PRIVATE_FLAG (always effectively private: one
//! process) and FUTEX_CLOCK_REALTIME. PI futexes and FUTEX_FD are ENOSYS.
//! The queues are `crate::futex::FutexTable`; waiting is `Cx::block_until`.
//! Reads and writes of the futex word are atomic with respect to other
//! threads because the kernel never preempts a system call.

use super::clock_gettime::now_ns;
use super::nanosleep::read_timespec;
use crate::args::{ret_usize, Args};
use crate::bail;
use crate::errno::SysResult;
use crate::futex::{WakeOp, MATCH_ANY};
use crate::platform::UserAddr;
use crate::process::Cx;

const FUTEX_WAIT: u32 = 0;
const FUTEX_WAKE: u32 = 1;
const FUTEX_REQUEUE: u32 = 3;
const FUTEX_CMP_REQUEUE: u32 = 4;
const FUTEX_WAKE_OP: u32 = 5;
const FUTEX_WAIT_BITSET: u32 = 9;
const FUTEX_WAKE_BITSET: u32 = 10;
const FUTEX_PRIVATE_FLAG: u32 = 128;
const FUTEX_CLOCK_REALTIME: u32 = 256;

fn read_word(cx: &mut Cx<'_>, addr: UserAddr) -> SysResult<u32> {
    let mut b = [0u8; 4];
    cx.copy_in(addr, &mut b)?;
    Ok(u32::from_le_bytes(b))
}

/// Linux wakes at least one waiter even for a count of 0 (futex_wake's
/// `if (++ret >= nr_wake) break;`), and treats the count as an `int`.
fn count(v: u32) -> usize {
    usize::try_from(i32::from_le_bytes(v.to_le_bytes()))
        .unwrap_or(0)
        .max(1)
}

/// Wakes up to `n` waiters on `addr` whose bitset matches; returns how many.
pub(crate) fn wake(cx: &mut Cx<'_>, addr: u64, n: usize, bitset: u32) -> usize {
    let woken = cx.st.futex.wake(addr, n, bitset);
    for &t in &woken {
        cx.p.wake(t);
    }
    woken.len()
}

fn wait(cx: &mut Cx<'_>, a: &Args, op: u32, flags: u32) -> SysResult<u64> {
    let uaddr = a.addr(0);
    let tid = cx.p.current_tid();
    if let Some(r) = cx.resume {
        if !cx.st.futex.is_queued(tid) {
            return Ok(0); // dequeued by a waker
        }
        match r.deadline_ns {
            Some(d) if cx.p.monotonic_ns() >= d => {
                cx.st.futex.remove(tid);
                bail!(ETIMEDOUT, "futex wait timed out");
            }
            // A spurious wake-up: keep waiting, same deadline.
            d => return Err(cx.block_until(d)),
        }
    }
    let bitset = if op == FUTEX_WAIT_BITSET {
        a.uint(5)
    } else {
        MATCH_ANY
    };
    if bitset == 0 {
        bail!(EINVAL, "FUTEX_WAIT_BITSET with an empty bitset");
    }
    let timeout = a.addr(3);
    let deadline = if timeout.is_null() {
        None
    } else {
        let t = read_timespec(cx, timeout)?;
        let now = cx.p.monotonic_ns();
        Some(if op == FUTEX_WAIT {
            now.saturating_add(t) // FUTEX_WAIT: relative
        } else {
            // FUTEX_WAIT_BITSET: absolute on MONOTONIC, or REALTIME with the flag.
            let clock = if flags & FUTEX_CLOCK_REALTIME != 0 {
                0
            } else {
                1
            };
            now.saturating_add(t.saturating_sub(now_ns(cx, clock)?))
        })
    };
    if read_word(cx, uaddr)? != a.uint(2) {
        bail!(EAGAIN, "futex word changed before the wait");
    }
    cx.st.futex.enqueue(uaddr.0, tid, bitset);
    Err(cx.block_until(deadline))
}

/// futex(uaddr, op, val, timeout | val2, uaddr2, val3).
pub(crate) fn sys_futex(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let raw_op = a.uint(1);
    let flags = raw_op & (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    let op = raw_op & !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    let uaddr = a.addr(0);
    if !uaddr.0.is_multiple_of(4) {
        bail!(EINVAL, "futex word not 4-byte aligned");
    }
    if flags & FUTEX_CLOCK_REALTIME != 0 && op != FUTEX_WAIT_BITSET && op != FUTEX_WAIT {
        bail!(
            ENOSYS,
            "FUTEX_CLOCK_REALTIME on an operation without timeout"
        );
    }
    match op {
        FUTEX_WAIT | FUTEX_WAIT_BITSET => wait(cx, a, op, flags),
        FUTEX_WAKE | FUTEX_WAKE_BITSET => {
            let bitset = if op == FUTEX_WAKE_BITSET {
                a.uint(5)
            } else {
                MATCH_ANY
            };
            if bitset == 0 {
                bail!(EINVAL, "FUTEX_WAKE_BITSET with an empty bitset");
            }
            Ok(ret_usize(wake(cx, uaddr.0, count(a.uint(2)), bitset)))
        }
        FUTEX_REQUEUE | FUTEX_CMP_REQUEUE => {
            let to = a.addr(4);
            if !to.0.is_multiple_of(4) {
                bail!(EINVAL, "uaddr2 not 4-byte aligned");
            }
            let (nwake, nreq) = (a.int(2), a.int(3));
            let (Ok(nwake), Ok(nreq)) = (usize::try_from(nwake), usize::try_from(nreq)) else {
                bail!(EINVAL, "negative wake or requeue count");
            };
            if op == FUTEX_CMP_REQUEUE && read_word(cx, uaddr)? != a.uint(5) {
                bail!(EAGAIN, "futex word differs from val3");
            }
            let (woken, moved) = cx.st.futex.requeue(uaddr.0, to.0, nwake, nreq);
            for &t in &woken {
                cx.p.wake(t);
            }
            Ok(ret_usize(woken.len() + moved))
        }
        FUTEX_WAKE_OP => {
            let uaddr2 = a.addr(4);
            if !uaddr2.0.is_multiple_of(4) {
                bail!(EINVAL, "uaddr2 not 4-byte aligned");
            }
            let Some(wop) = WakeOp::decode(a.uint(5)) else {
                bail!(ENOSYS, "unknown FUTEX_WAKE_OP operation or comparison");
            };
            let old = read_word(cx, uaddr2)?;
            cx.copy_out(uaddr2, &wop.apply(old).to_le_bytes())?;
            let mut n = wake(cx, uaddr.0, count(a.uint(2)), MATCH_ANY);
            if wop.compare(old) {
                n += wake(cx, uaddr2.0, count(a.uint(3)), MATCH_ANY);
            }
            Ok(ret_usize(n))
        }
        _ => bail!(
            ENOSYS,
            "futex operation not supported (PI futexes, FUTEX_FD)"
        ),
    }
}
