//! getrusage(2), times(2). There is no CPU accounting yet: user time is
//! approximated by time since boot (the program owns the machine) and
//! system time is 0; the children's figures are 0 (no children ever).
//! `ru_maxrss` is the present pages of the address space, in KiB.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

const RUSAGE_SELF: i32 = 0;
const RUSAGE_CHILDREN: i32 = -1;
const RUSAGE_THREAD: i32 = 1;
/// `sizeof(struct rusage)` on x86_64: two timevals and fourteen longs.
const RUSAGE_SIZE: usize = 144;
/// Clock ticks per second (AT_CLKTCK, `USER_HZ`).
const USER_HZ: u64 = 100;

/// getrusage(who, usage).
pub(crate) fn sys_getrusage(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (who, usage) = (a.int(0), a.addr(1));
    let mut b = [0u8; RUSAGE_SIZE];
    match who {
        RUSAGE_SELF | RUSAGE_THREAD => {
            let ns = cx.p.monotonic_ns();
            b[..8].copy_from_slice(&(ns / 1_000_000_000).to_le_bytes());
            b[8..16].copy_from_slice(&((ns % 1_000_000_000) / 1000).to_le_bytes());
            // ru_maxrss is the first long after the two timevals.
            let kib = cx.st.mm.present_pages() * 4;
            b[32..40].copy_from_slice(&kib.to_le_bytes());
        }
        RUSAGE_CHILDREN => {}
        _ => bail!(
            EINVAL,
            "who is not RUSAGE_SELF, RUSAGE_CHILDREN or RUSAGE_THREAD"
        ),
    }
    cx.copy_out(usage, &b)?;
    Ok(0)
}

/// times(buf): returns clock ticks since boot; fills `struct tms` if not NULL.
pub(crate) fn sys_times(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let buf = a.addr(0);
    let ticks = cx.p.monotonic_ns() / (1_000_000_000 / USER_HZ);
    if !buf.is_null() {
        let mut b = [0u8; 32];
        b[..8].copy_from_slice(&ticks.to_le_bytes());
        cx.copy_out(buf, &b)?;
    }
    Ok(ticks)
}
