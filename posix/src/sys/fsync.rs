//! fsync(2), fdatasync(2), sync(2), syncfs(2): nothing is cached on the
//! way to storage (tmpfs and the read-only root), so these only check the
//! fd (`FileOps::fsync`: EINVAL for special files that cannot sync).

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::file_arg;

/// fsync(fd).
pub(crate) fn sys_fsync(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    file_arg(cx, a, 0)?.fsync()?;
    Ok(0)
}

/// fdatasync(fd).
pub(crate) fn sys_fdatasync(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    file_arg(cx, a, 0)?.fsync()?;
    Ok(0)
}

/// sync().
pub(crate) fn sys_sync(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(0)
}

/// syncfs(fd).
pub(crate) fn sys_syncfs(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    file_arg(cx, a, 0)?;
    Ok(0)
}
