//! getdents64(2): `linux_dirent64` records from an open directory
//! (`FileOps::getdents64`; ENOTDIR for other files, EINVAL when the
//! buffer cannot hold one entry).

use crate::args::{ret_usize, Args};
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::at::file_arg;

/// The most bytes one call fills.
const MAX_BUF: usize = 64 * 1024;

/// getdents64(fd, dirp, count).
pub(crate) fn sys_getdents64(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let buf = a.slice(1, 2);
    let mut k = alloc::vec![0u8; buf.len.min(MAX_BUF)];
    let n = f.getdents64(&mut k)?;
    cx.copy_out(buf.addr, &k[..n])?;
    Ok(ret_usize(n))
}
