//! umask(2), chmod(2), fchmod(2), fchmodat(2), chown(2), fchown(2),
//! lchown(2), fchownat(2): attributes are stored (stat shows them) but
//! never enforced (one identity, DESIGN.md decision 2); EROFS on the
//! read-only root, as Linux answers there.

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{file_arg, path_at, path_cwd};
use crate::vfs::flags::{AtFlags, Mode};
use crate::vfs::Loc;

/// umask(mask): returns the previous mask.
pub(crate) fn sys_umask(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.files.vfs.set_umask(a.uint(0))))
}

fn empty() -> AtFlags {
    AtFlags::parse(AtFlags::EMPTY_PATH, AtFlags::EMPTY_PATH).unwrap_or_default()
}

fn nofollow() -> AtFlags {
    AtFlags::parse(AtFlags::SYMLINK_NOFOLLOW, AtFlags::SYMLINK_NOFOLLOW).unwrap_or_default()
}

/// Returns the location of an fd's file, or `None` for objects outside
/// the namespace (pipes, sockets), on which Linux changes only the
/// anonymous inode.
fn fd_loc(cx: &Cx<'_>, a: &Args) -> SysResult<Option<Loc>> {
    Ok(file_arg(cx, a, 0)?.loc())
}

/// chmod(pathname, mode).
pub(crate) fn sys_chmod(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let mode = Mode::new(a.uint(1));
    cx.st
        .files
        .vfs
        .chmod(&at, &path, mode, AtFlags::default())?;
    Ok(0)
}

/// fchmod(fd, mode).
pub(crate) fn sys_fchmod(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if let Some(loc) = fd_loc(cx, a)? {
        let mode = Mode::new(a.uint(1));
        cx.st.files.vfs.chmod(&loc, b"", mode, empty())?;
    }
    Ok(0)
}

/// fchmodat(dirfd, pathname, mode): the syscall has no flags argument.
pub(crate) fn sys_fchmodat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_at(cx, a, 0, 1, AtFlags::default())?;
    let mode = Mode::new(a.uint(2));
    cx.st
        .files
        .vfs
        .chmod(&at, &path, mode, AtFlags::default())?;
    Ok(0)
}

/// Decodes a uid/gid argument: -1 leaves it unchanged.
fn id(raw: u32) -> Option<u32> {
    (raw != u32::MAX).then_some(raw)
}

/// chown(pathname, owner, group).
pub(crate) fn sys_chown(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let (u, g) = (id(a.uint(1)), id(a.uint(2)));
    cx.st
        .files
        .vfs
        .chown(&at, &path, u, g, AtFlags::default())?;
    Ok(0)
}

/// lchown(pathname, owner, group).
pub(crate) fn sys_lchown(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let (u, g) = (id(a.uint(1)), id(a.uint(2)));
    cx.st.files.vfs.chown(&at, &path, u, g, nofollow())?;
    Ok(0)
}

/// fchown(fd, owner, group).
pub(crate) fn sys_fchown(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if let Some(loc) = fd_loc(cx, a)? {
        let (u, g) = (id(a.uint(1)), id(a.uint(2)));
        cx.st.files.vfs.chown(&loc, b"", u, g, empty())?;
    }
    Ok(0)
}

/// fchownat(dirfd, pathname, owner, group, flags).
pub(crate) fn sys_fchownat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let allowed = AtFlags::SYMLINK_NOFOLLOW | AtFlags::EMPTY_PATH;
    let flags = AtFlags::parse(a.uint(4), allowed)?;
    let (at, path) = path_at(cx, a, 0, 1, flags)?;
    let (u, g) = (id(a.uint(2)), id(a.uint(3)));
    cx.st.files.vfs.chown(&at, &path, u, g, flags)?;
    Ok(0)
}
