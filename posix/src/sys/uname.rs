//! uname(2), sethostname(2), setdomainname(2): `struct new_utsname`
//! (linux/utsname.h, six 65-byte fields). sethostname changes what uname
//! reports (no permission checks, DESIGN.md decision 2); /etc/hostname in
//! the VFS keeps the boot value.
//! The system calls itself Linux so that programs and libcs that check the
//! kernel version take their Linux paths; the release string says who we are.

use alloc::string::String;

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

/// `__NEW_UTS_LEN + 1`.
const FIELD: usize = 65;
/// The release programs see (a Linux version with our suffix).
pub const RELEASE: &str = "6.1.0-rumprun-rs";

/// uname(buf).
pub(crate) fn sys_uname(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let version = concat!("#1 SMP rumprun-rs ", env!("CARGO_PKG_VERSION"));
    let domain = cx.st.domainname.clone();
    let fields: [&[u8]; 6] = [
        b"Linux",
        cx.st.hostname.as_bytes(),
        RELEASE.as_bytes(),
        version.as_bytes(),
        b"x86_64",
        domain.as_bytes(),
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

/// Reads a name of at most 64 bytes (`__NEW_UTS_LEN`).
fn read_name(cx: &mut Cx<'_>, a: &Args) -> SysResult<String> {
    let len = a.len(1);
    if len > FIELD - 1 {
        bail!(EINVAL, "name longer than 64 bytes");
    }
    let mut b = alloc::vec![0u8; len];
    cx.copy_in(a.addr(0), &mut b)?;
    // The kernel stores raw bytes; a name is text in practice.
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// sethostname(name, len).
pub(crate) fn sys_sethostname(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    cx.st.hostname = read_name(cx, a)?;
    Ok(0)
}

/// setdomainname(name, len).
pub(crate) fn sys_setdomainname(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    cx.st.domainname = read_name(cx, a)?;
    Ok(0)
}
