//! Syscall handlers, one file per family named after Linux (STYLE.md).
//! Each handler decodes its registers once with [`crate::args::Args`], then
//! validates and delegates (to `mm`, `uaccess`, the platform). The dispatch
//! table in `crate::table` names every handler here.

pub mod access;
pub mod arch_prctl;
pub mod at;
pub mod chmod;
pub mod clock_gettime;
pub mod clone;
pub mod dup;
pub mod epoll;
pub mod eventfd;
pub mod exit;
pub mod fcntl;
pub mod fsync;
pub mod futex;
pub mod getcwd;
pub mod getdents;
pub mod getpid;
pub mod getpriority;
pub mod getrandom;
pub mod getrusage;
pub mod getuid;
pub mod ioctl;
pub mod ioctl_if;
pub mod kill;
pub mod link;
pub mod lseek;
pub mod memfd_create;
pub mod mkdir;
pub mod mmap;
pub mod nanosleep;
pub mod open;
pub mod personality;
pub mod pipe;
pub mod poll;
pub mod prctl;
pub mod prlimit;
pub mod read;
pub mod readlink;
pub mod rename;
pub mod rt_sigaction;
pub mod rt_sigsuspend;
pub mod sched;
pub mod sendfile;
pub mod socket;
pub mod sockmsg;
pub mod sockopt;
pub mod stat;
pub mod sysinfo;
pub mod timerfd;
pub mod truncate;
pub mod uname;
pub mod unlink;
pub mod utimensat;
pub mod wait;
pub mod write;

use alloc::vec::Vec;

use crate::args::UserSlice;
use crate::bail;
use crate::errno::SysResult;
use crate::platform::UserAddr;
use crate::process::Cx;

/// Linux `UIO_MAXIOV`: the most iovecs one readv/writev takes.
pub const UIO_MAXIOV: i32 = 1024;
/// Linux `MAX_RW_COUNT` (`INT_MAX & PAGE_MASK`): the most bytes one
/// read/write transfers.
pub const MAX_RW_COUNT: usize = 0x7fff_f000;

/// Reads `cnt` `struct iovec { void *base; size_t len; }` from `addr`
/// (readv(2): EINVAL for a negative or too large count or a total length
/// overflowing `ssize_t`).
///
/// # Errors
/// `EINVAL`, `EFAULT`.
pub(crate) fn read_iovecs(cx: &mut Cx<'_>, addr: UserAddr, cnt: i32) -> SysResult<Vec<UserSlice>> {
    if !(0..=UIO_MAXIOV).contains(&cnt) {
        bail!(EINVAL, "iovcnt negative or above UIO_MAXIOV");
    }
    let n = usize::try_from(cnt).unwrap_or(0);
    let mut raw = alloc::vec![0u8; n * 16];
    cx.copy_in(addr, &mut raw)?;
    let mut out = Vec::with_capacity(n);
    let mut total: u64 = 0;
    for c in raw.chunks_exact(16) {
        let mut w = [0u8; 8];
        w.copy_from_slice(&c[..8]);
        let base = u64::from_le_bytes(w);
        w.copy_from_slice(&c[8..]);
        let len = u64::from_le_bytes(w);
        total = match total.checked_add(len) {
            Some(t) if i64::try_from(t).is_ok() => t,
            _ => bail!(EINVAL, "iovec lengths overflow ssize_t"),
        };
        out.push(UserSlice {
            addr: UserAddr(base),
            len: usize::try_from(len).unwrap_or(usize::MAX),
        });
    }
    Ok(out)
}

/// Installs two new files as fds and writes their numbers to the
/// program's `int[2]` at `out` (pipe2(2), socketpair(2)). The fds exist
/// only once the array is written: EMFILE or EFAULT leaves none behind
/// (fs/pipe.c `do_pipe2`, net/socket.c `__sys_socketpair`).
///
/// # Errors
/// EMFILE, EFAULT.
pub(crate) fn install_pair(
    cx: &mut Cx<'_>,
    x: alloc::sync::Arc<dyn crate::fd::FileOps>,
    y: alloc::sync::Arc<dyn crate::fd::FileOps>,
    fdflags: crate::fd::FdFlags,
    out: UserAddr,
) -> SysResult<u64> {
    let fx = cx.st.fds.insert(x, fdflags)?;
    let fy = match cx.st.fds.insert(y, fdflags) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = cx.st.fds.remove(fx);
            return Err(e);
        }
    };
    let mut b = [0u8; 8];
    b[..4].copy_from_slice(&fx.get().to_le_bytes());
    b[4..].copy_from_slice(&fy.get().to_le_bytes());
    if let Err(e) = cx.copy_out(out, &b) {
        let _ = cx.st.fds.remove(fx);
        let _ = cx.st.fds.remove(fy);
        return Err(e);
    }
    Ok(0)
}
