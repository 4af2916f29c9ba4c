//! write(2), writev(2). Until the fd layer is wired in, fds 1 and 2 are the
//! console (serial port); other fds are EBADF. As on Linux, a fault after
//! some bytes were written returns the short count instead of EFAULT.

use crate::args::{ret_usize, Args, UserSlice};
use crate::bail;
use crate::errno::SysResult;
use crate::fd::Fd;
use crate::process::Cx;
use crate::sys::{read_iovecs, MAX_RW_COUNT};

/// write(fd, buf, count).
pub(crate) fn sys_write(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (fd, buf) = (a.fd(0)?, a.slice(1, 2));
    write(cx, fd, buf).map(ret_usize)
}

/// writev(fd, iov, iovcnt).
pub(crate) fn sys_writev(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let fd = a.fd(0)?;
    check_fd(fd)?;
    let iov = read_iovecs(cx, a.addr(1), a.int(2))?;
    let mut total = 0usize;
    for buf in iov {
        match write(cx, fd, buf) {
            Ok(n) => {
                total += n;
                if n < buf.len {
                    break;
                }
            }
            Err(e) if total == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(ret_usize(total))
}

fn check_fd(fd: Fd) -> SysResult<()> {
    if fd.get() != 1 && fd.get() != 2 {
        bail!(EBADF, "only the console fds 1 and 2 are writable yet");
    }
    Ok(())
}

/// Writes `buf` to the console in page-sized chunks.
fn write(cx: &mut Cx<'_>, fd: Fd, buf: UserSlice) -> SysResult<usize> {
    check_fd(fd)?;
    let len = buf.len.min(MAX_RW_COUNT);
    let mut done = 0usize;
    let mut chunk = [0u8; 4096];
    while done < len {
        let n = (len - done).min(chunk.len());
        let Some(src) = buf.addr.checked_add(ret_usize(done)) else {
            bail!(EFAULT, "buffer wraps around");
        };
        match cx.copy_in(src, &mut chunk[..n]) {
            Ok(()) => {}
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
        cx.p.console_write(&chunk[..n]);
        done += n;
    }
    Ok(done)
}
