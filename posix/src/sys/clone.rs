//! clone(2) and clone3(2) for threads, and the rest of a thread's life
//! (exit(2) of one thread lives in `sys::exit`). DESIGN.md decision 2: only
//! `CLONE_VM|CLONE_THREAD` clones exist; anything that would make a second
//! process (fork, vfork, clone without CLONE_VM) fails with ENOSYS after one
//! console line naming the call. The flags musl's pthread_create passes are
//! CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|
//! CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_DETACHED
//! (src/thread/pthread_create.c); flag values from linux/sched.h.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::platform::UserAddr;
use crate::process::Cx;

const CLONE_VM: u64 = 0x0000_0100;
const CLONE_FS: u64 = 0x0000_0200;
const CLONE_FILES: u64 = 0x0000_0400;
const CLONE_SIGHAND: u64 = 0x0000_0800;
const CLONE_PIDFD: u64 = 0x0000_1000;
const CLONE_VFORK: u64 = 0x0000_4000;
const CLONE_THREAD: u64 = 0x0001_0000;
const CLONE_SYSVSEM: u64 = 0x0004_0000;
const CLONE_SETTLS: u64 = 0x0008_0000;
const CLONE_PARENT_SETTID: u64 = 0x0010_0000;
const CLONE_CHILD_CLEARTID: u64 = 0x0020_0000;
const CLONE_DETACHED: u64 = 0x0040_0000;
const CLONE_CHILD_SETTID: u64 = 0x0100_0000;
const CSIGNAL: u64 = 0xff;

/// Flags a thread clone may carry; anything else is refused.
const THREAD_OK: u64 = CLONE_VM
    | CLONE_FS
    | CLONE_FILES
    | CLONE_SIGHAND
    | CLONE_THREAD
    | CLONE_SYSVSEM
    | CLONE_SETTLS
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_DETACHED
    | CLONE_CHILD_SETTID;

/// The decoded request common to clone and clone3.
struct Request {
    flags: u64,
    stack: u64,
    parent_tid: UserAddr,
    child_tid: UserAddr,
    tls: u64,
}

/// Key in `State::reported` for the fork-style clone note (syscall numbers
/// stay below 463, so this cannot collide with the ENOSYS reports).
const FORK_NOTE: u64 = 1 << 32;

fn note_fork_once(cx: &mut Cx<'_>) {
    if cx.st.reported.insert(FORK_NOTE) {
        cx.p.console_write(
            b"rumprun: clone without CLONE_VM (fork): a unikernel has one process; ENOSYS\n",
        );
    }
}

fn spawn(cx: &mut Cx<'_>, r: Request) -> SysResult<u64> {
    if r.flags & CLONE_VM == 0 || r.flags & CLONE_VFORK != 0 {
        note_fork_once(cx);
        bail!(ENOSYS, "fork: one process only");
    }
    // clone(2): CLONE_THREAD requires CLONE_SIGHAND, which requires CLONE_VM.
    if r.flags & CLONE_THREAD == 0 || r.flags & CLONE_SIGHAND == 0 {
        bail!(
            EINVAL,
            "a shared-memory clone must be a thread (CLONE_THREAD|CLONE_SIGHAND)"
        );
    }
    if r.flags & !(THREAD_OK | CSIGNAL) != 0 || r.flags & CSIGNAL != 0 || r.flags & CLONE_PIDFD != 0
    {
        bail!(EINVAL, "clone flag not supported for threads");
    }
    if r.stack == 0 {
        bail!(EINVAL, "a thread needs its own stack");
    }
    let tls = (r.flags & CLONE_SETTLS != 0).then_some(r.tls);
    if let Some(t) = tls {
        if t >= crate::mm::USER_END {
            bail!(EPERM, "TLS pointer outside user space");
        }
    }
    let tid = match cx.p.spawn_thread(r.stack, tls) {
        Ok(t) => t,
        Err(_) => bail!(EAGAIN, "no memory for a new thread"),
    };
    let tid_bytes = tid.to_le_bytes();
    // The new thread has not run yet (it runs when this one blocks or is
    // preempted in user mode), so these writes happen-before its first step.
    if r.flags & CLONE_PARENT_SETTID != 0 {
        cx.copy_out(r.parent_tid, &tid_bytes)?;
    }
    if r.flags & CLONE_CHILD_SETTID != 0 {
        cx.copy_out(r.child_tid, &tid_bytes)?;
    }
    let clear = if r.flags & CLONE_CHILD_CLEARTID != 0 {
        r.child_tid.0
    } else {
        0
    };
    // A new thread inherits the signal mask, not pending signals nor the
    // alternate stack (clone(2), CLONE_VM without CLONE_VFORK).
    let sig = crate::signal::ThreadSignals {
        mask: cx.thread().sig.mask,
        ..Default::default()
    };
    cx.st.threads.insert(
        tid,
        crate::process::ThreadState {
            clear_child_tid: clear,
            robust_list: 0,
            sig,
        },
    );
    Ok(u64::from(tid))
}

/// clone(flags, stack, parent_tid, child_tid, tls): x86_64 argument order.
pub(crate) fn sys_clone(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    spawn(
        cx,
        Request {
            flags: a.raw(0),
            stack: a.raw(1),
            parent_tid: a.addr(2),
            child_tid: a.addr(3),
            tls: a.raw(4),
        },
    )
}

/// clone3(struct clone_args *, size): the same threads, from the struct of
/// linux/sched.h (flags, pidfd, child_tid, parent_tid, exit_signal, stack,
/// stack_size, tls, ...; CLONE_ARGS_SIZE_VER0 = 64 bytes).
pub(crate) fn sys_clone3(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let size = a.raw(1);
    if !(64..=4096).contains(&size) {
        bail!(
            EINVAL,
            "clone_args size below CLONE_ARGS_SIZE_VER0 or too large"
        );
    }
    let mut raw = [0u8; 64];
    cx.copy_in(a.addr(0), &mut raw)?;
    let f = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&raw[i * 8..i * 8 + 8]);
        u64::from_le_bytes(w)
    };
    let (flags, child_tid, parent_tid, exit_signal, stack, stack_size, tls) =
        (f(0), f(2), f(3), f(4), f(5), f(6), f(7));
    if exit_signal != 0 && flags & CLONE_THREAD != 0 {
        bail!(EINVAL, "exit_signal with CLONE_THREAD");
    }
    let top = match stack.checked_add(stack_size) {
        Some(t) if stack_size > 0 => t,
        _ => bail!(EINVAL, "clone3 needs stack and stack_size"),
    };
    spawn(
        cx,
        Request {
            flags,
            stack: top,
            parent_tid: UserAddr(parent_tid),
            child_tid: UserAddr(child_tid),
            tls,
        },
    )
}
