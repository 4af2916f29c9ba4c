//! dup(2), dup2(2), dup3(2): more fds on one open file description
//! (shared offset and status flags), per `FdTable`.

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;

/// dup(oldfd).
pub(crate) fn sys_dup(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let fd = cx.st.fds.dup(a.fd(0)?)?;
    Ok(u64::from(fd.get()))
}

/// dup2(oldfd, newfd).
pub(crate) fn sys_dup2(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let old = a.fd(0)?;
    let new = a.fd(1)?;
    let (fd, displaced) = cx.st.fds.dup2(old, new)?;
    drop(displaced);
    Ok(u64::from(fd.get()))
}

/// dup3(oldfd, newfd, flags).
pub(crate) fn sys_dup3(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let old = a.fd(0)?;
    let new = a.fd(1)?;
    let (fd, displaced) = cx.st.fds.dup3(old, new, a.uint(2))?;
    drop(displaced);
    Ok(u64::from(fd.get()))
}
