//! open(2), openat(2), creat(2), close(2), close_range(2): the VFS opens
//! (flags checked by `OpenFlags`, modes less the umask), the fd table
//! numbers the result (lowest free fd, FD_CLOEXEC from O_CLOEXEC).

use alloc::sync::Arc;

use crate::args::Args;
use crate::errno::SysResult;
use crate::fd::{FdFlags, FileOps};
use crate::process::Cx;
use crate::sys::at::{path_at, path_cwd, AT_FDCWD};
use crate::vfs::flags::{o, AtFlags, Mode, OpenFlags};
use crate::vfs::Loc;

/// open(pathname, flags, mode).
pub(crate) fn sys_open(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    open(cx, &at, &path, a.uint(1), a.uint(2))
}

/// openat(dirfd, pathname, flags, mode).
pub(crate) fn sys_openat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_at(cx, a, 0, 1, AtFlags::default())?;
    open(cx, &at, &path, a.uint(2), a.uint(3))
}

/// creat(pathname, mode): open with O_CREAT|O_WRONLY|O_TRUNC.
pub(crate) fn sys_creat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    open(cx, &at, &path, o::CREAT | o::WRONLY | o::TRUNC, a.uint(1))
}

fn open(cx: &mut Cx<'_>, at: &Loc, path: &[u8], raw: u32, mode: u32) -> SysResult<u64> {
    // Linux forces O_LARGEFILE on 64-bit (fs/open.c, force_o_largefile).
    let flags = OpenFlags::try_from(raw | o::LARGEFILE)?;
    let file = cx.st.files.vfs.open(at, path, flags, Mode::new(mode))?;
    install(cx, file, flags.bits())
}

/// Installs `file` at the lowest free fd with FD_CLOEXEC from `o::CLOEXEC`
/// in `flags`, and returns the fd for the return register.
///
/// # Errors
/// EMFILE.
pub(crate) fn install(cx: &mut Cx<'_>, file: Arc<dyn FileOps>, flags: u32) -> SysResult<u64> {
    let fd = cx.st.fds.insert(file, FdFlags::from_open_flags(flags))?;
    Ok(u64::from(fd.get()))
}

/// close(fd).
pub(crate) fn sys_close(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let fd = a.fd(0)?;
    let file = cx.st.fds.remove(fd)?;
    drop(file);
    Ok(0)
}

/// close_range(first, last, flags).
pub(crate) fn sys_close_range(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let closed = cx.st.fds.close_range(a.uint(0), a.uint(1), a.uint(2))?;
    drop(closed);
    Ok(0)
}

/// Returns the AT_FDCWD value (for tests and callers that build `Args`).
pub const fn at_fdcwd() -> i32 {
    AT_FDCWD
}
