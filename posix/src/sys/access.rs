//! access(2), faccessat(2), faccessat2(2): existence and, as for root
//! (one identity, no permission checks), W_OK is EROFS on the read-only
//! root and X_OK needs an execute bit (`Vfs::access`).

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{path_at, path_cwd};
use crate::vfs::flags::AtFlags;

/// access(pathname, mode).
pub(crate) fn sys_access(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    cx.st
        .files
        .vfs
        .access(&at, &path, a.uint(1), AtFlags::default())?;
    Ok(0)
}

/// faccessat(dirfd, pathname, mode): no flags argument in the syscall.
pub(crate) fn sys_faccessat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_at(cx, a, 0, 1, AtFlags::default())?;
    cx.st
        .files
        .vfs
        .access(&at, &path, a.uint(2), AtFlags::default())?;
    Ok(0)
}

/// faccessat2(dirfd, pathname, mode, flags).
pub(crate) fn sys_faccessat2(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let allowed = AtFlags::EACCESS | AtFlags::SYMLINK_NOFOLLOW | AtFlags::EMPTY_PATH;
    let flags = AtFlags::parse(a.uint(3), allowed)?;
    let (at, path) = path_at(cx, a, 0, 1, flags)?;
    cx.st.files.vfs.access(&at, &path, a.uint(2), flags)?;
    Ok(0)
}
