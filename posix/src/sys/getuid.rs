//! getuid(2), geteuid(2), getgid(2), getegid(2): the one identity from the
//! image (uid/gid 0 unless it says otherwise, DESIGN.md decision 2).

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;

/// getuid().
pub(crate) fn sys_getuid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.id.uid))
}

/// geteuid().
pub(crate) fn sys_geteuid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.id.euid))
}

/// getgid().
pub(crate) fn sys_getgid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.id.gid))
}

/// getegid().
pub(crate) fn sys_getegid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.id.egid))
}
