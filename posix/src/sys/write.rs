//! write(2), writev(2), pwrite64(2), pwritev(2), pwritev2(2): through the
//! fd table to the file's [`FileOps`], copying the program's bytes in
//! bounded chunks. As on Linux, a fault or error after some bytes were
//! written returns the short count. Console output queued by the console
//! file is flushed to the platform after each chunk, so it interleaves
//! with the syscall trace in call order. A zero-length write(2) still
//! reaches the file (vfs_write has no shortcut: /dev/full gives ENOSPC);
//! a writev(2) of zero bytes returns 0 without reaching it (vfs_writev).

use alloc::sync::Arc;

use crate::args::{ret_usize, Args, UserSlice};
use crate::bail;
use crate::errno::SysResult;
use crate::fd::FileOps;
use crate::process::Cx;
use crate::sys::at::{copy_in_prefix, file_arg};
use crate::sys::read::{offset_arg, CHUNK};
use crate::sys::{read_iovecs, MAX_RW_COUNT};

/// write(fd, buf, count).
pub(crate) fn sys_write(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    crate::wait::write_or_wait(cx, &f, a.slice(1, 2), |cx, f, b| write_from(cx, f, b, None))
        .map(ret_usize)
}

/// pwrite64(fd, buf, count, offset).
pub(crate) fn sys_pwrite64(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let off = offset_arg(a.raw(3))?;
    write_from(cx, &f, a.slice(1, 2), Some(off)).map(ret_usize)
}

/// writev(fd, iov, iovcnt).
pub(crate) fn sys_writev(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    // A blocking writev waits only before its first byte (a short count
    // after that; Linux would go on, which pipes reach through write).
    let r = writev(cx, &f, a, None).map(|n| usize::try_from(n).unwrap_or(0));
    match r {
        Err(e) if e.errno == crate::errno::Errno::EAGAIN && crate::wait::blocks(&f) => {
            Err(crate::wait::block_on(cx, &[&f], None, 0))
        }
        Err(e) if e.errno == crate::errno::Errno::EPIPE => {
            crate::wait::raise_sigpipe(cx);
            Err(e)
        }
        r => r.map(ret_usize),
    }
}

/// pwritev(fd, iov, iovcnt, pos_l, pos_h).
pub(crate) fn sys_pwritev(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let off = offset_arg(a.raw(3))?;
    writev(cx, &f, a, Some(off))
}

/// pwritev2(fd, iov, iovcnt, pos_l, pos_h, flags): offset -1 writes at the
/// file offset; flags other than 0 are EOPNOTSUPP.
pub(crate) fn sys_pwritev2(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    if a.int(5) != 0 {
        bail!(EOPNOTSUPP, "pwritev2 RWF_* flags");
    }
    let off = match a.raw(3) {
        u64::MAX => None,
        raw => Some(offset_arg(raw)?),
    };
    writev(cx, &f, a, off)
}

fn writev(cx: &mut Cx<'_>, f: &Arc<dyn FileOps>, a: &Args, off: Option<u64>) -> SysResult<u64> {
    let iov = read_iovecs(cx, a.addr(1), a.int(2))?;
    f.description().check_writable()?;
    // Linux's vfs_writev returns 0 for an iter of zero bytes before it
    // reaches the object (`if (!tot_len) goto out`), and the object never
    // sees the empty segments of a longer one: so empty iovecs are skipped
    // here, unlike a zero-length write(2).
    let mut total = 0usize;
    for buf in iov.into_iter().filter(|b| b.len != 0) {
        let at = off.map(|o| o + total as u64);
        match write_from(cx, f, buf, at) {
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

/// Writes the program buffer `buf` to `f`, at the file offset or at `off`
/// (pwrite), and returns the bytes written.
///
/// # Errors
/// The file's errnos (EBADF not open for writing, ENOSPC, EFBIG, EAGAIN,
/// ...), EFAULT if the first chunk cannot be copied in.
pub(crate) fn write_from(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    buf: UserSlice,
    off: Option<u64>,
) -> SysResult<usize> {
    let len = buf.len.min(MAX_RW_COUNT);
    if len == 0 {
        // Linux's vfs_write (fs/read_write.c) has no zero-count shortcut:
        // the object's write decides, so /dev/full still gives ENOSPC
        // (drivers/char/mem.c write_full), eventfd EINVAL, a pipe 0
        // (pipe_write "Null write succeeds"), a regular file 0 without
        // touching it (generic_write_checks).
        let r = match off {
            Some(o) => f.pwrite(&[], o),
            None => f.write(&[]),
        };
        cx.st.files.bridge.drain(cx.p);
        return r;
    }
    let mut chunk = alloc::vec![0u8; len.min(CHUNK)];
    let mut done = 0usize;
    while done < len {
        let want = (len - done).min(chunk.len());
        let Some(src) = buf.addr.checked_add(ret_usize(done)) else {
            bail!(EFAULT, "buffer wraps around");
        };
        let got = match copy_in_prefix(cx, src, &mut chunk[..want]) {
            Ok(g) => g,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        let r = match off {
            Some(o) => f.pwrite(&chunk[..got], o + done as u64),
            None => f.write(&chunk[..got]),
        };
        cx.st.files.bridge.drain(cx.p);
        let n = match r {
            Ok(n) => n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        done += n;
        if n < want || got < want {
            break;
        }
    }
    Ok(done)
}
