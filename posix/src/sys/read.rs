//! read(2), readv(2), pread64(2), preadv(2), preadv2(2): through the fd
//! table to the file's [`FileOps`], in bounded chunks copied out to the
//! program. As on Linux, a fault after some bytes were read returns the
//! short count; only a fault before any byte is EFAULT.

use alloc::sync::Arc;

use crate::args::{ret_usize, Args, UserSlice};
use crate::bail;
use crate::errno::SysResult;
use crate::fd::FileOps;
use crate::fd::Whence;
use crate::process::Cx;
use crate::sys::at::{copy_out_prefix, file_arg};
use crate::sys::{read_iovecs, MAX_RW_COUNT};

/// Bytes moved per chunk between a file and the program.
pub(crate) const CHUNK: usize = 64 * 1024;

/// read(fd, buf, count).
pub(crate) fn sys_read(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let r = read_into(cx, &f, a.slice(1, 2), None);
    crate::wait::read_or_wait(cx, &f, r).map(ret_usize)
}

/// pread64(fd, buf, count, offset).
pub(crate) fn sys_pread64(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let off = offset_arg(a.raw(3))?;
    read_into(cx, &f, a.slice(1, 2), Some(off)).map(ret_usize)
}

/// readv(fd, iov, iovcnt).
pub(crate) fn sys_readv(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let r = readv(cx, &f, a, None).map(|n| usize::try_from(n).unwrap_or(0));
    crate::wait::read_or_wait(cx, &f, r).map(ret_usize)
}

/// preadv(fd, iov, iovcnt, pos_l, pos_h): on x86_64 `pos_l` holds the
/// whole offset.
pub(crate) fn sys_preadv(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let off = offset_arg(a.raw(3))?;
    readv(cx, &f, a, Some(off))
}

/// preadv2(fd, iov, iovcnt, pos_l, pos_h, flags): offset -1 reads at the
/// file offset; only flags 0 is supported (EOPNOTSUPP otherwise, as Linux
/// answers RWF_* bits a file cannot honour).
pub(crate) fn sys_preadv2(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    if a.int(5) != 0 {
        bail!(EOPNOTSUPP, "preadv2 RWF_* flags");
    }
    let off = match a.raw(3) {
        u64::MAX => None,
        raw => Some(offset_arg(raw)?),
    };
    readv(cx, &f, a, off)
}

/// Checks a `loff_t` argument (pread(2): EINVAL if negative).
///
/// # Errors
/// EINVAL.
pub(crate) fn offset_arg(raw: u64) -> SysResult<u64> {
    if i64::try_from(raw).is_err() {
        bail!(EINVAL, "negative offset");
    }
    Ok(raw)
}

fn readv(cx: &mut Cx<'_>, f: &Arc<dyn FileOps>, a: &Args, off: Option<u64>) -> SysResult<u64> {
    let iov = read_iovecs(cx, a.addr(1), a.int(2))?;
    let mut total = 0usize;
    for buf in iov {
        let at = off.map(|o| o + total as u64);
        match read_into(cx, f, buf, at) {
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

/// Reads from `f` into the program buffer `buf`, at the file offset or at
/// `off` (pread), and returns the bytes read.
///
/// # Errors
/// The file's errnos (EBADF not open for reading, EISDIR, EAGAIN, ...),
/// EFAULT if the first chunk cannot be copied out.
pub(crate) fn read_into(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    buf: UserSlice,
    off: Option<u64>,
) -> SysResult<usize> {
    let len = buf.len.min(MAX_RW_COUNT);
    if len == 0 {
        // read(2): "If count is zero, read() may detect the errors
        // described below"; Linux checks the fd mode, then returns 0.
        f.description().check_readable()?;
        return Ok(0);
    }
    let mut chunk = alloc::vec![0u8; len.min(CHUNK)];
    let mut done = 0usize;
    while done < len {
        let want = (len - done).min(chunk.len());
        let r = match off {
            Some(o) => f.pread(&mut chunk[..want], o + done as u64),
            None => f.read(&mut chunk[..want]),
        };
        let n = match r {
            Ok(n) => n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        let Some(dst) = buf.addr.checked_add(ret_usize(done)) else {
            bail!(EFAULT, "buffer wraps around");
        };
        let copied = match copy_out_prefix(cx, dst, &chunk[..n]) {
            Ok(c) => c,
            Err(e) if done == 0 => {
                unread(f, off, n);
                return Err(e);
            }
            Err(_) => {
                unread(f, off, n);
                break;
            }
        };
        done += copied;
        if copied < n {
            unread(f, off, n - copied);
            break;
        }
        if n < want {
            break;
        }
    }
    Ok(done)
}

/// Gives back `n` bytes read but not delivered: a seekable file's offset
/// moves back, so only what reached the program counts as read.
fn unread(f: &Arc<dyn FileOps>, off: Option<u64>, n: usize) {
    if off.is_none() {
        if let Ok(back) = i64::try_from(n) {
            let _ = f.lseek(-back, Whence::Cur);
        }
    }
}
