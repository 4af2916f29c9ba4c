//! read(2), readv(2). Until the fd layer is wired in, fds 0..=2 are the
//! console, which has no input: reads return 0 (end of file).

use crate::args::{Args, UserSlice};
use crate::bail;
use crate::errno::SysResult;
use crate::fd::Fd;
use crate::process::Cx;
use crate::sys::{is_console, read_iovecs};

/// read(fd, buf, count).
pub(crate) fn sys_read(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (fd, buf) = (a.fd(0)?, a.slice(1, 2));
    read(cx, fd, buf).map(crate::args::ret_usize)
}

/// readv(fd, iov, iovcnt).
pub(crate) fn sys_readv(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let fd = a.fd(0)?;
    let iov = read_iovecs(cx, a.addr(1), a.int(2))?;
    let mut total = 0usize;
    for buf in iov {
        let n = read(cx, fd, buf)?;
        total += n;
        if n < buf.len {
            break;
        }
    }
    Ok(crate::args::ret_usize(total))
}

/// Reads into `buf`; the console is always at end of file.
fn read(_cx: &mut Cx<'_>, fd: Fd, _buf: UserSlice) -> SysResult<usize> {
    if !is_console(fd) {
        bail!(EBADF, "only the console fds 0..=2 exist yet");
    }
    Ok(0)
}
