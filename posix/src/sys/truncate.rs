//! truncate(2), ftruncate(2), fallocate(2): sizes and allocation of
//! regular files (EINVAL for negative lengths and non-regular files,
//! EROFS on the read-only root).

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{file_arg, path_cwd};
use crate::vfs::types::Fallocate;

/// fallocate(2) mode bits (linux/falloc.h).
const FALLOC_FL_KEEP_SIZE: i32 = 1;
const FALLOC_FL_PUNCH_HOLE: i32 = 2;

fn signed(raw: u64) -> i64 {
    i64::from_le_bytes(raw.to_le_bytes())
}

/// truncate(path, length).
pub(crate) fn sys_truncate(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    cx.st.files.vfs.truncate(&at, &path, signed(a.raw(1)))?;
    Ok(0)
}

/// ftruncate(fd, length).
pub(crate) fn sys_ftruncate(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let Ok(len) = u64::try_from(signed(a.raw(1))) else {
        bail!(EINVAL, "negative length");
    };
    if f.description().is_path() {
        bail!(EBADF, "ftruncate on an O_PATH descriptor");
    }
    f.ftruncate(len)?;
    Ok(0)
}

/// fallocate(fd, mode, offset, len).
pub(crate) fn sys_fallocate(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let mode = match a.int(1) {
        0 => Fallocate::Allocate,
        FALLOC_FL_KEEP_SIZE => Fallocate::KeepSize,
        m if m == FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE => Fallocate::PunchHole,
        FALLOC_FL_PUNCH_HOLE => bail!(EINVAL, "PUNCH_HOLE without KEEP_SIZE"),
        _ => bail!(EOPNOTSUPP, "fallocate mode"),
    };
    let (off, len) = (signed(a.raw(2)), signed(a.raw(3)));
    let (Ok(off), Ok(len)) = (u64::try_from(off), u64::try_from(len)) else {
        bail!(EINVAL, "negative offset or length");
    };
    if len == 0 {
        bail!(EINVAL, "zero length");
    }
    if off.checked_add(len).is_none_or(|e| e > i64::MAX as u64) {
        bail!(EFBIG, "offset + len overflows");
    }
    f.fallocate(mode, off, len)?;
    Ok(0)
}
