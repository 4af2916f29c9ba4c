//! The one place `*at` calls turn `(dirfd, path)` into a starting
//! directory (openat(2): AT_FDCWD means the cwd; an absolute path ignores
//! dirfd; a relative one needs a directory fd, else ENOTDIR), plus path
//! copy-in (PATH_MAX, path_resolution(7)) and fd lookup. Neighbours: every
//! file-syscall family in `sys/`.

use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::fd::{Fd, FileOps, UserMemory};
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::uaccess;
use crate::vfs::flags::AtFlags;
use crate::vfs::walk::PATH_MAX;
use crate::vfs::Loc;

/// `AT_FDCWD` (fcntl.h).
pub const AT_FDCWD: i32 = -100;

/// Copies a path from the program: at most PATH_MAX bytes with the NUL.
///
/// # Errors
/// EFAULT, ENAMETOOLONG.
pub(crate) fn read_path(cx: &mut Cx<'_>, addr: UserAddr) -> SysResult<Vec<u8>> {
    if addr.is_null() {
        bail!(EFAULT, "NULL path");
    }
    uaccess::read_cstr(cx.p, &mut cx.st.mm, addr, PATH_MAX - 1)
}

/// Returns the open file behind `fd`.
///
/// # Errors
/// EBADF.
pub(crate) fn file(cx: &Cx<'_>, fd: Fd) -> SysResult<Arc<dyn FileOps>> {
    cx.st.fds.get(fd)
}

/// Returns the open file behind argument `i`.
///
/// # Errors
/// EBADF.
pub(crate) fn file_arg(cx: &Cx<'_>, a: &Args, i: usize) -> SysResult<Arc<dyn FileOps>> {
    file(cx, a.fd(i)?)
}

/// Returns where a walk of `path` starts for `dirfd`: the cwd for
/// AT_FDCWD or an absolute path, else the directory `dirfd` names. With
/// `empty_path` (AT_EMPTY_PATH and an empty path) any file with a place in
/// the namespace will do.
///
/// # Errors
/// EBADF for a bad dirfd, ENOTDIR when it is not a directory (or has no
/// place in the namespace, like a pipe).
pub(crate) fn start(cx: &Cx<'_>, dirfd: i32, path: &[u8], flags: AtFlags) -> SysResult<Loc> {
    // getname() refuses "" before any dirfd check unless AT_EMPTY_PATH
    // (path_resolution(7): "empty pathname ... ENOENT").
    if path.is_empty() && !flags.empty_path() {
        bail!(ENOENT, "empty path");
    }
    if dirfd == AT_FDCWD || path.first() == Some(&b'/') {
        return Ok(cx.st.files.cwd.clone());
    }
    let Ok(fd) = Fd::try_from(i64::from(dirfd)) else {
        bail!(EBADF, "dirfd is neither open nor AT_FDCWD");
    };
    let f = file(cx, fd)?;
    let Some(loc) = f.loc() else {
        bail!(ENOTDIR, "dirfd is not a directory");
    };
    if !(loc.metadata().is_dir() || path.is_empty() && flags.empty_path()) {
        bail!(ENOTDIR, "dirfd is not a directory");
    }
    Ok(loc)
}

/// Reads the path at argument `p` and the start for the dirfd at `d`.
///
/// # Errors
/// As [`read_path`] and [`start`].
pub(crate) fn path_at(
    cx: &mut Cx<'_>,
    a: &Args,
    d: usize,
    p: usize,
    flags: AtFlags,
) -> SysResult<(Loc, Vec<u8>)> {
    let path = read_path(cx, a.addr(p))?;
    let at = start(cx, a.int(d), &path, flags)?;
    Ok((at, path))
}

/// Reads the path at argument `p`, relative to the cwd.
///
/// # Errors
/// As [`read_path`].
pub(crate) fn path_cwd(cx: &mut Cx<'_>, a: &Args, p: usize) -> SysResult<(Loc, Vec<u8>)> {
    let path = read_path(cx, a.addr(p))?;
    Ok((cx.st.files.cwd.clone(), path))
}

/// Copies as much of `dst.len()` bytes from `src` as is readable, in
/// page steps once a whole copy fails (write(2) returns the short count
/// of a partly bad buffer); returns the bytes copied.
///
/// # Errors
/// EFAULT when not even the first byte is readable.
pub(crate) fn copy_in_prefix(cx: &mut Cx<'_>, src: UserAddr, dst: &mut [u8]) -> SysResult<usize> {
    if cx.copy_in(src, dst).is_ok() {
        return Ok(dst.len());
    }
    let mut done = 0usize;
    while done < dst.len() {
        let at = src.0.wrapping_add(done as u64);
        let step = ((4096 - at % 4096) as usize).min(dst.len() - done);
        let Some(a) = src.checked_add(done as u64) else {
            break;
        };
        match cx.copy_in(a, &mut dst[done..done + step]) {
            Ok(()) => done += step,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// Like [`copy_in_prefix`], towards the program.
///
/// # Errors
/// EFAULT when not even the first byte is writable.
pub(crate) fn copy_out_prefix(cx: &mut Cx<'_>, dst: UserAddr, src: &[u8]) -> SysResult<usize> {
    if cx.copy_out(dst, src).is_ok() {
        return Ok(src.len());
    }
    let mut done = 0usize;
    while done < src.len() {
        let at = dst.0.wrapping_add(done as u64);
        let step = ((4096 - at % 4096) as usize).min(src.len() - done);
        let Some(a) = dst.checked_add(done as u64) else {
            break;
        };
        match cx.copy_out(a, &src[done..done + step]) {
            Ok(()) => done += step,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// The program's memory as file objects see it (ioctl arguments).
pub(crate) struct CxMemory<'c, 'a>(pub &'c mut Cx<'a>);

impl UserMemory for CxMemory<'_, '_> {
    fn copy_in(&mut self, src: UserAddr, dst: &mut [u8]) -> SysResult<()> {
        self.0.copy_in(src, dst)
    }

    fn copy_out(&mut self, dst: UserAddr, src: &[u8]) -> SysResult<()> {
        self.0.copy_out(dst, src)
    }
}
