//! getpriority(2), setpriority(2): the nice value is stored and reported
//! (one process; the scheduler has nothing to weigh it against yet). As the
//! raw syscall does, getpriority returns `20 - nice` (1..=40) so the value
//! is never negative; libc converts back.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

const PRIO_PROCESS: i32 = 0;
const PRIO_PGRP: i32 = 1;
const PRIO_USER: i32 = 2;

fn check(cx: &Cx<'_>, which: i32, who: i32) -> SysResult<()> {
    let me = match which {
        PRIO_PROCESS | PRIO_PGRP => who == 0 || who == 1,
        PRIO_USER => who == 0 || u32::try_from(who).is_ok_and(|u| u == cx.st.id.uid),
        _ => bail!(EINVAL, "which is not PRIO_PROCESS, PRIO_PGRP or PRIO_USER"),
    };
    if !me {
        bail!(ESRCH, "no such process, group or user");
    }
    Ok(())
}

/// getpriority(which, who).
pub(crate) fn sys_getpriority(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    check(cx, a.int(0), a.int(1))?;
    Ok(u64::try_from(20 - cx.st.nice).unwrap_or(20))
}

/// setpriority(which, who, prio): clamped to -20..=19 as Linux does.
pub(crate) fn sys_setpriority(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    check(cx, a.int(0), a.int(1))?;
    cx.st.nice = a.int(2).clamp(-20, 19);
    Ok(0)
}
