//! wait4(2) and waitid(2). A unikernel has one process (DESIGN.md decision
//! 2), so there is never a child to wait for: both fail with ECHILD, which is
//! what Linux returns to a process without children. The first call prints
//! one console line naming it, like every other single-process stub.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

// linux/wait.h
const WNOHANG: u32 = 0x1;
const WUNTRACED: u32 = 0x2;
const WEXITED: u32 = 0x4;
const WCONTINUED: u32 = 0x8;
const WNOWAIT: u32 = 0x0100_0000;
const WNOTHREAD: u32 = 0x2000_0000;
const WALL: u32 = 0x4000_0000;
const WCLONE: u32 = 0x8000_0000;
const P_ALL: i32 = 0;
const P_PIDFD: i32 = 3;

fn note_once(cx: &mut Cx<'_>, nr: u64, name: &str) {
    if cx.st.reported.insert(nr) {
        let line = alloc::format!("rumprun: {name}: one process, never any children: ECHILD\n");
        cx.p.console_write(line.as_bytes());
    }
}

/// wait4(pid, wstatus, options, rusage).
pub(crate) fn sys_wait4(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    // kernel/exit.c kernel_wait4: unknown option bits are EINVAL.
    if a.uint(2) & !(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE) != 0 {
        bail!(EINVAL, "unknown wait4 options");
    }
    note_once(cx, 61, "wait4");
    bail!(ECHILD, "no child processes in a unikernel")
}

/// waitid(idtype, id, infop, options, rusage).
pub(crate) fn sys_waitid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let options = a.uint(3);
    // kernel/exit.c kernel_waitid: no wait kind or unknown bits are EINVAL.
    if options & !(WNOHANG | WNOWAIT | WEXITED | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)
        != 0
        || options & (WEXITED | WUNTRACED | WCONTINUED) == 0
    {
        bail!(EINVAL, "bad waitid options");
    }
    if !(P_ALL..=P_PIDFD).contains(&a.int(0)) {
        bail!(EINVAL, "bad idtype");
    }
    note_once(cx, 247, "waitid");
    bail!(ECHILD, "no child processes in a unikernel")
}
