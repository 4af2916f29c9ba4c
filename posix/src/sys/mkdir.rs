//! mkdir(2), mkdirat(2), rmdir(2) through the VFS (mode less the umask;
//! EEXIST, ENOTEMPTY, EROFS as `Vfs::mkdir`/`Vfs::rmdir` document).

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{path_at, path_cwd};
use crate::vfs::flags::{AtFlags, Mode};

/// mkdir(pathname, mode).
pub(crate) fn sys_mkdir(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    cx.st.files.vfs.mkdir(&at, &path, Mode::new(a.uint(1)))?;
    Ok(0)
}

/// mkdirat(dirfd, pathname, mode).
pub(crate) fn sys_mkdirat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_at(cx, a, 0, 1, AtFlags::default())?;
    cx.st.files.vfs.mkdir(&at, &path, Mode::new(a.uint(2)))?;
    Ok(0)
}

/// rmdir(pathname).
pub(crate) fn sys_rmdir(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    cx.st.files.vfs.rmdir(&at, &path)?;
    Ok(0)
}
