//! uname(2): `struct new_utsname` (linux/utsname.h, six 65-byte fields).
//! The system calls itself Linux so that programs and libcs that check the
//! kernel version take their Linux paths; the release string says who we are.

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;

/// `__NEW_UTS_LEN + 1`.
const FIELD: usize = 65;
/// The release programs see (a Linux version with our suffix).
pub const RELEASE: &str = "6.1.0-rumprun-rs";

/// uname(buf).
pub(crate) fn sys_uname(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let version = concat!("#1 SMP rumprun-rs ", env!("CARGO_PKG_VERSION"));
    let fields: [&[u8]; 6] = [
        b"Linux",
        cx.st.hostname.as_bytes(),
        RELEASE.as_bytes(),
        version.as_bytes(),
        b"x86_64",
        b"(none)",
    ];
    let mut buf = [0u8; FIELD * 6];
    for (slot, value) in buf.chunks_exact_mut(FIELD).zip(fields) {
        // Truncate to leave the terminating NUL, as the kernel does.
        let n = value.len().min(FIELD - 1);
        slot[..n].copy_from_slice(&value[..n]);
    }
    cx.copy_out(a.addr(0), &buf)?;
    Ok(0)
}
