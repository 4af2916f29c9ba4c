//! link(2), linkat(2), symlink(2), symlinkat(2) through the VFS (hard
//! links stay within a mount: EXDEV; directories: EPERM).

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{path_at, path_cwd, read_path};
use crate::vfs::flags::AtFlags;

/// link(oldpath, newpath).
pub(crate) fn sys_link(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (oat, old) = path_cwd(cx, a, 0)?;
    let (nat, new) = path_cwd(cx, a, 1)?;
    let vfs = &cx.st.files.vfs;
    vfs.link(&oat, &old, &nat, &new, AtFlags::default())?;
    Ok(0)
}

/// linkat(olddirfd, oldpath, newdirfd, newpath, flags).
pub(crate) fn sys_linkat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = AtFlags::parse(a.uint(4), AtFlags::SYMLINK_FOLLOW | AtFlags::EMPTY_PATH)?;
    let (oat, old) = path_at(cx, a, 0, 1, flags)?;
    let (nat, new) = path_at(cx, a, 2, 3, AtFlags::default())?;
    cx.st.files.vfs.link(&oat, &old, &nat, &new, flags)?;
    Ok(0)
}

/// symlink(target, linkpath).
pub(crate) fn sys_symlink(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let target = read_path(cx, a.addr(0))?;
    let (at, path) = path_cwd(cx, a, 1)?;
    cx.st.files.vfs.symlink(&target, &at, &path)?;
    Ok(0)
}

/// symlinkat(target, newdirfd, linkpath).
pub(crate) fn sys_symlinkat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let target = read_path(cx, a.addr(0))?;
    let (at, path) = path_at(cx, a, 1, 2, AtFlags::default())?;
    cx.st.files.vfs.symlink(&target, &at, &path)?;
    Ok(0)
}
