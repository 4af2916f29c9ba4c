//! exit(2), exit_group(2). One process and, in this milestone, one thread:
//! both end the program, and the low 8 bits of the status become the VM's
//! exit status (wait(2) semantics: `status & 0xff`).

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;

fn status_byte(a: &Args) -> u8 {
    a.raw(0).to_le_bytes()[0]
}

/// exit(status).
pub(crate) fn sys_exit(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    cx.exit = Some(status_byte(a));
    Ok(0)
}

/// exit_group(status).
pub(crate) fn sys_exit_group(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    cx.exit = Some(status_byte(a));
    Ok(0)
}
