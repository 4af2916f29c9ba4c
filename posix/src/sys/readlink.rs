//! readlink(2), readlinkat(2): a symlink's target, truncated to the
//! buffer and not NUL-terminated (EINVAL for a non-symlink or size <= 0).

use alloc::vec::Vec;

use crate::args::{ret_usize, Args};
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{path_at, path_cwd};
use crate::vfs::flags::AtFlags;
use crate::vfs::Loc;

/// readlink(pathname, buf, bufsiz).
pub(crate) fn sys_readlink(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    readlink(cx, a, 1, &at, &path)
}

/// readlinkat(dirfd, pathname, buf, bufsiz): an empty path reads the
/// symlink `dirfd` itself (opened O_PATH|O_NOFOLLOW).
pub(crate) fn sys_readlinkat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = AtFlags::parse(AtFlags::EMPTY_PATH, AtFlags::EMPTY_PATH)?;
    let (at, path) = path_at(cx, a, 0, 1, flags)?;
    readlink(cx, a, 2, &at, &path)
}

fn readlink(cx: &mut Cx<'_>, a: &Args, buf: usize, at: &Loc, path: &[u8]) -> SysResult<u64> {
    let size = a.int(buf + 1);
    if size <= 0 {
        bail!(EINVAL, "bufsiz <= 0");
    }
    if path.is_empty()
        && !at
            .metadata()
            .file_type
            .eq(&crate::vfs::types::FileType::Symlink)
    {
        bail!(ENOENT, "empty path");
    }
    let target: Vec<u8> = cx.st.files.vfs.readlink(at, path)?;
    let n = target.len().min(usize::try_from(size).unwrap_or(0));
    cx.copy_out(a.addr(buf), &target[..n])?;
    Ok(ret_usize(n))
}
