//! exit(2), exit_group(2). exit_group ends the program, and so does exit
//! of the last thread; the low 8 bits of the status become the VM's exit
//! status (wait(2) semantics: `status & 0xff`). exit of one thread among
//! several ends only that thread: its clear_child_tid word is zeroed and
//! futex-woken (set_tid_address(2)), which is how pthread_join waits.

use crate::args::Args;
use crate::errno::SysResult;
use crate::platform::UserAddr;
use crate::process::Cx;

fn status_byte(a: &Args) -> u8 {
    a.raw(0).to_le_bytes()[0]
}

/// exit(status).
pub(crate) fn sys_exit(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let tid = cx.p.current_tid();
    if cx.st.threads.len() <= 1 {
        cx.exit = Some(status_byte(a));
        return Ok(0);
    }
    let ts = cx.st.threads.remove(&tid).unwrap_or_default();
    if ts.clear_child_tid != 0 {
        // A fault here is the program's problem; the thread still exits
        // (Linux ignores it too: mm_release's put_user result is unused).
        if cx
            .copy_out(UserAddr(ts.clear_child_tid), &0u32.to_le_bytes())
            .is_ok()
        {
            super::futex::wake(cx, ts.clear_child_tid, 1, crate::futex::MATCH_ANY);
        }
    }
    cx.exit_thread = true;
    Ok(0)
}

/// exit_group(status).
pub(crate) fn sys_exit_group(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    cx.exit = Some(status_byte(a));
    Ok(0)
}
