//! getrandom(2) over the platform's hardware random source (RDSEED/RDRAND):
//! never blocks, so GRND_NONBLOCK and GRND_RANDOM change nothing.

use crate::args::{ret_usize, Args};
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

/// linux/random.h.
const GRND_NONBLOCK: u32 = 1;
const GRND_RANDOM: u32 = 2;
const GRND_INSECURE: u32 = 4;
/// The most bytes one call returns (a short count beyond it, like read(2)
/// with `MAX_RW_COUNT`; callers loop).
const MAX_PER_CALL: usize = crate::sys::MAX_RW_COUNT;

/// getrandom(buf, buflen, flags).
pub(crate) fn sys_getrandom(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (buf, flags) = (a.slice(0, 1), a.uint(2));
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0 {
        bail!(EINVAL, "unknown flags");
    }
    if flags & (GRND_RANDOM | GRND_INSECURE) == (GRND_RANDOM | GRND_INSECURE) {
        bail!(EINVAL, "GRND_RANDOM with GRND_INSECURE");
    }
    let len = buf.len.min(MAX_PER_CALL);
    let mut done = 0usize;
    let mut chunk = [0u8; 256];
    while done < len {
        let n = (len - done).min(chunk.len());
        cx.p.random(&mut chunk[..n]);
        let Some(dst) = buf.addr.checked_add(ret_usize(done)) else {
            bail!(EFAULT, "buffer wraps around");
        };
        match cx.copy_out(dst, &chunk[..n]) {
            Ok(()) => done += n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(ret_usize(done))
}
