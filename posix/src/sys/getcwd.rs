//! getcwd(2), chdir(2), fchdir(2): the working directory is a `Loc`
//! in `Files::cwd`; getcwd names it with `Vfs::path_of`.

use crate::args::{ret_usize, Args};
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{file_arg, path_cwd};

/// getcwd(buf, size): returns the length including the NUL.
/// ERANGE when `size` cannot hold it; ENOENT if the cwd was removed.
pub(crate) fn sys_getcwd(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let buf = a.slice(0, 1);
    let mut path = cx.st.files.vfs.path_of(&cx.st.files.cwd)?;
    path.push(0);
    if path.len() > buf.len {
        bail!(ERANGE, "buffer shorter than the cwd");
    }
    cx.copy_out(buf.addr, &path)?;
    Ok(ret_usize(path.len()))
}

/// chdir(path).
pub(crate) fn sys_chdir(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let loc = cx.st.files.vfs.chdir(&at, &path)?;
    cx.st.files.cwd = loc;
    Ok(0)
}

/// fchdir(fd).
pub(crate) fn sys_fchdir(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    match f.loc() {
        Some(loc) if loc.metadata().is_dir() => {
            cx.st.files.cwd = loc;
            Ok(0)
        }
        _ => bail!(ENOTDIR, "fchdir to a non-directory"),
    }
}
