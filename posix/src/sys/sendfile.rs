//! sendfile(2) and copy_file_range(2): bytes from one file to another
//! through a kernel buffer, at the file offsets or at offsets the caller
//! passes by pointer (which are then updated and the file offsets left
//! alone).

use alloc::sync::Arc;

use crate::args::{ret_usize, Args};
use crate::bail;
use crate::errno::SysResult;
use crate::fd::FileOps;
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::sys::at::file_arg;
use crate::sys::read::CHUNK;
use crate::sys::MAX_RW_COUNT;

fn read_off(cx: &mut Cx<'_>, p: UserAddr) -> SysResult<Option<u64>> {
    if p.is_null() {
        return Ok(None);
    }
    let v = cx.read_u64(p)?;
    if i64::try_from(v).is_err() {
        bail!(EINVAL, "negative offset");
    }
    Ok(Some(v))
}

/// Moves up to `len` bytes; returns the count and the advanced offsets.
fn pump(
    input: &Arc<dyn FileOps>,
    mut in_off: Option<u64>,
    output: &Arc<dyn FileOps>,
    mut out_off: Option<u64>,
    len: usize,
) -> SysResult<(usize, Option<u64>, Option<u64>)> {
    input.description().check_readable()?;
    output.description().check_writable()?;
    let mut buf = alloc::vec![0u8; len.clamp(1, CHUNK)];
    let mut done = 0usize;
    while done < len {
        let want = (len - done).min(buf.len());
        let r = match in_off {
            Some(o) => input.pread(&mut buf[..want], o),
            None => input.read(&mut buf[..want]),
        };
        let n = match r {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        let w = match out_off {
            Some(o) => output.pwrite(&buf[..n], o),
            None => output.write(&buf[..n]),
        };
        let w = match w {
            Ok(w) => w,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        done += w;
        in_off = in_off.map(|o| o + w as u64);
        out_off = out_off.map(|o| o + w as u64);
        if w < n || n < want {
            break;
        }
    }
    Ok((done, in_off, out_off))
}

/// sendfile(out_fd, in_fd, offset, count).
pub(crate) fn sys_sendfile(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let output = file_arg(cx, a, 0)?;
    let input = file_arg(cx, a, 1)?;
    if output.description().is_append() {
        bail!(EINVAL, "sendfile to an O_APPEND file");
    }
    let off_p = a.addr(2);
    let off = read_off(cx, off_p)?;
    let len = a.len(3).min(MAX_RW_COUNT);
    let (n, in_off, _) = pump(&input, off, &output, None, len)?;
    cx.st.files.bridge.drain(cx.p);
    if let Some(o) = in_off {
        cx.write_u64(off_p, o)?;
    }
    Ok(ret_usize(n))
}

/// copy_file_range(fd_in, off_in, fd_out, off_out, len, flags).
pub(crate) fn sys_copy_file_range(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if a.uint(5) != 0 {
        bail!(EINVAL, "copy_file_range flags");
    }
    let input = file_arg(cx, a, 0)?;
    let output = file_arg(cx, a, 2)?;
    if output.description().is_append() {
        bail!(EBADF, "copy_file_range to an O_APPEND file");
    }
    let (pi, po) = (a.addr(1), a.addr(3));
    let (oi, oo) = (read_off(cx, pi)?, read_off(cx, po)?);
    let len = a.len(4).min(MAX_RW_COUNT);
    let (n, ni, no) = pump(&input, oi, &output, oo, len)?;
    if let Some(o) = ni {
        cx.write_u64(pi, o)?;
    }
    if let Some(o) = no {
        cx.write_u64(po, o)?;
    }
    Ok(ret_usize(n))
}
