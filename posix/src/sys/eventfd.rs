//! eventfd(2), eventfd2(2): a counter object ([`crate::event::eventfd`])
//! installed as an fd. Flags EFD_SEMAPHORE, EFD_CLOEXEC, EFD_NONBLOCK
//! (the latter two are O_CLOEXEC and O_NONBLOCK); others are EINVAL.

use alloc::sync::Arc;

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::event::eventfd::EventFd;
use crate::fd::{FdFlags, FileOps};
use crate::process::Cx;
use crate::vfs::flags::o;

/// `EFD_SEMAPHORE` (linux/eventfd.h).
pub const EFD_SEMAPHORE: u32 = 1;

/// eventfd(initval): eventfd2 without flags.
pub(crate) fn sys_eventfd(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    eventfd(cx, a.uint(0), 0)
}

/// eventfd2(initval, flags).
pub(crate) fn sys_eventfd2(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    eventfd(cx, a.uint(0), a.uint(1))
}

fn eventfd(cx: &mut Cx<'_>, initval: u32, flags: u32) -> SysResult<u64> {
    if flags & !(EFD_SEMAPHORE | o::CLOEXEC | o::NONBLOCK) != 0 {
        bail!(
            EINVAL,
            "eventfd flags other than EFD_SEMAPHORE|EFD_CLOEXEC|EFD_NONBLOCK"
        );
    }
    let f: Arc<dyn FileOps> = EventFd::new(
        &cx.st.waits,
        initval,
        flags & o::NONBLOCK != 0,
        flags & EFD_SEMAPHORE != 0,
    );
    let fd = cx.st.fds.insert(f, FdFlags::from_open_flags(flags))?;
    Ok(u64::from(fd.get()))
}
