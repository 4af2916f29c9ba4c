//! utimensat(2), utimes(2), utime(2), futimesat(2): set access and
//! modification times (UTIME_NOW, UTIME_OMIT; a NULL times array means
//! now). utimensat with a NULL path acts on `dirfd` itself (futimens).

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::sys::at::{file_arg, path_at, path_cwd};
use crate::vfs::flags::AtFlags;
use crate::vfs::types::{TimeUpdate, Timespec};
use crate::vfs::Loc;

/// utimensat(2) special tv_nsec values (linux/stat.h).
const UTIME_NOW: i64 = (1 << 30) - 1;
const UTIME_OMIT: i64 = (1 << 30) - 2;

fn i64_at(b: &[u8], off: usize) -> i64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[off..off + 8]);
    i64::from_le_bytes(w)
}

fn ts(sec: i64, nsec: i64) -> SysResult<TimeUpdate> {
    match nsec {
        UTIME_NOW => Ok(TimeUpdate::Now),
        UTIME_OMIT => Ok(TimeUpdate::Omit),
        0..=999_999_999 => Ok(TimeUpdate::Set(Timespec {
            sec,
            nsec: u32::try_from(nsec).unwrap_or(0),
        })),
        _ => bail!(EINVAL, "tv_nsec out of range"),
    }
}

/// Reads `struct timespec[2]` (or `struct timeval[2]` with `micro`).
fn read_times(cx: &mut Cx<'_>, addr: UserAddr, micro: bool) -> SysResult<Option<[TimeUpdate; 2]>> {
    if addr.is_null() {
        return Ok(None);
    }
    let mut b = [0u8; 32];
    cx.copy_in(addr, &mut b)?;
    let mut out = [TimeUpdate::Omit; 2];
    for (i, t) in out.iter_mut().enumerate() {
        let (sec, frac) = (i64_at(&b, i * 16), i64_at(&b, i * 16 + 8));
        *t = if micro {
            if !(0..1_000_000).contains(&frac) {
                bail!(EINVAL, "tv_usec out of range");
            }
            ts(sec, frac * 1000)?
        } else {
            ts(sec, frac)?
        };
    }
    Ok(Some(out))
}

fn apply(
    cx: &mut Cx<'_>,
    at: &Loc,
    path: &[u8],
    times: Option<[TimeUpdate; 2]>,
    flags: AtFlags,
) -> SysResult<u64> {
    cx.st.files.vfs.utimensat(at, path, times, flags)?;
    Ok(0)
}

/// utimensat(dirfd, pathname, times, flags).
pub(crate) fn sys_utimensat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = AtFlags::parse(a.uint(3), AtFlags::SYMLINK_NOFOLLOW | AtFlags::EMPTY_PATH)?;
    let times = read_times(cx, a.addr(2), false)?;
    if a.addr(1).is_null() {
        // futimens(3): the file dirfd refers to.
        let Some(loc) = file_arg(cx, a, 0)?.loc() else {
            return Ok(0);
        };
        let empty = AtFlags::parse(AtFlags::EMPTY_PATH, AtFlags::EMPTY_PATH)?;
        return apply(cx, &loc, b"", times, empty);
    }
    let (at, path) = path_at(cx, a, 0, 1, flags)?;
    apply(cx, &at, &path, times, flags)
}

/// utimes(filename, times): `struct timeval[2]`.
pub(crate) fn sys_utimes(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let times = read_times(cx, a.addr(1), true)?;
    apply(cx, &at, &path, times, AtFlags::default())
}

/// futimesat(dirfd, pathname, times): `struct timeval[2]`.
pub(crate) fn sys_futimesat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_at(cx, a, 0, 1, AtFlags::default())?;
    let times = read_times(cx, a.addr(2), true)?;
    apply(cx, &at, &path, times, AtFlags::default())
}

/// utime(filename, times): `struct utimbuf { actime; modtime; }` seconds.
pub(crate) fn sys_utime(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let times = if a.addr(1).is_null() {
        None
    } else {
        let mut b = [0u8; 16];
        cx.copy_in(a.addr(1), &mut b)?;
        Some([ts(i64_at(&b, 0), 0)?, ts(i64_at(&b, 8), 0)?])
    };
    apply(cx, &at, &path, times, AtFlags::default())
}
