//! unlink(2), unlinkat(2): remove a name (an open file stays readable
//! until its last close; the inode keeps its data while referenced).

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{path_at, path_cwd};
use crate::vfs::flags::AtFlags;

/// unlink(pathname).
pub(crate) fn sys_unlink(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    cx.st.files.vfs.unlink(&at, &path)?;
    Ok(0)
}

/// unlinkat(dirfd, pathname, flags): AT_REMOVEDIR is rmdir.
pub(crate) fn sys_unlinkat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = AtFlags::parse(a.uint(2), AtFlags::REMOVEDIR)?;
    let (at, path) = path_at(cx, a, 0, 1, AtFlags::default())?;
    cx.st.files.vfs.unlinkat(&at, &path, flags)?;
    Ok(0)
}
