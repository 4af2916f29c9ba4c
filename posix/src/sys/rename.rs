//! rename(2), renameat(2), renameat2(2) (RENAME_NOREPLACE and
//! RENAME_EXCHANGE; RENAME_WHITEOUT is EINVAL) through `Vfs::rename`.

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::{path_at, path_cwd};
use crate::vfs::flags::{AtFlags, RenameFlags};

/// rename(oldpath, newpath).
pub(crate) fn sys_rename(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (oat, old) = path_cwd(cx, a, 0)?;
    let (nat, new) = path_cwd(cx, a, 1)?;
    let vfs = &cx.st.files.vfs;
    vfs.rename(&oat, &old, &nat, &new, RenameFlags::default())?;
    Ok(0)
}

/// renameat(olddirfd, oldpath, newdirfd, newpath).
pub(crate) fn sys_renameat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    rename_at(cx, a, RenameFlags::default())
}

/// renameat2(olddirfd, oldpath, newdirfd, newpath, flags).
pub(crate) fn sys_renameat2(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = RenameFlags::try_from(a.uint(4))?;
    rename_at(cx, a, flags)
}

fn rename_at(cx: &mut Cx<'_>, a: &Args, flags: RenameFlags) -> SysResult<u64> {
    let (oat, old) = path_at(cx, a, 0, 1, AtFlags::default())?;
    let (nat, new) = path_at(cx, a, 2, 3, AtFlags::default())?;
    cx.st.files.vfs.rename(&oat, &old, &nat, &new, flags)?;
    Ok(0)
}
