//! pipe(2), pipe2(2): a pipe ([`crate::event::pipe`]) installed as two
//! fds. Flags O_CLOEXEC, O_NONBLOCK and O_DIRECT (packet mode: accepted,
//! the stream semantics are kept) as pipe2(2) lists; others are EINVAL.
//! The fds appear only once the `int[2]` is written (fs/pipe.c
//! `do_pipe2`: EFAULT leaves no fds behind).

use alloc::sync::Arc;

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::event::pipe::{pipe_pair, PipeEnd};
use crate::fd::{FdFlags, FileOps};
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::vfs::flags::o;

/// pipe(fds).
pub(crate) fn sys_pipe(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    pipe2(cx, a.addr(0), 0)
}

/// pipe2(fds, flags).
pub(crate) fn sys_pipe2(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    pipe2(cx, a.addr(0), a.uint(1))
}

fn pipe2(cx: &mut Cx<'_>, out: UserAddr, flags: u32) -> SysResult<u64> {
    if flags & !(o::CLOEXEC | o::NONBLOCK | o::DIRECT) != 0 {
        bail!(
            EINVAL,
            "pipe2 flags other than O_CLOEXEC|O_NONBLOCK|O_DIRECT"
        );
    }
    let (r, w) = pipe_pair(&cx.st.waits, flags);
    let fdflags = FdFlags::from_open_flags(flags);
    let r: Arc<dyn FileOps> = r;
    let w: Arc<dyn FileOps> = w;
    crate::sys::install_pair(cx, r, w, fdflags, out)
}

/// `F_SETPIPE_SZ` (linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7).
pub const F_SETPIPE_SZ: i32 = 1031;
/// `F_GETPIPE_SZ` (F_LINUX_SPECIFIC_BASE + 8).
pub const F_GETPIPE_SZ: i32 = 1032;

/// Runs fcntl's pipe-size commands on `f` (fcntl(2) "Changing the
/// capacity of a pipe"): the capacity, or the new one after a change.
///
/// # Errors
/// EBADF when `f` is not a pipe (as Linux answers `pipe_fcntl` on other
/// files), and `Pipe::set_capacity`'s EINVAL/EPERM/EBUSY.
pub(crate) fn pipe_size_fcntl(f: &Arc<dyn FileOps>, cmd: i32, arg: u64) -> SysResult<u64> {
    let Some(end) = f.as_any().and_then(|a| a.downcast_ref::<PipeEnd>()) else {
        bail!(EBADF, "F_GETPIPE_SZ/F_SETPIPE_SZ on a non-pipe");
    };
    let size = if cmd == F_SETPIPE_SZ {
        end.pipe().set_capacity(arg)?
    } else {
        end.pipe().capacity()
    };
    Ok(crate::args::ret_usize(size))
}
