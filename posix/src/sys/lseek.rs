//! lseek(2): moves the file offset through `FileOps::lseek` (ESPIPE for
//! pipes and ttys, EINVAL for a bad whence or a negative result, ENXIO for
//! SEEK_DATA/SEEK_HOLE past the end).

use crate::args::{ret_i64, Args};
use crate::errno::SysResult;
use crate::fd::Whence;
use crate::process::Cx;
use crate::sys::at::file_arg;

/// lseek(fd, offset, whence).
pub(crate) fn sys_lseek(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let whence = Whence::try_from(a.uint(2))?;
    let off = i64::from_le_bytes(a.raw(1).to_le_bytes());
    let pos = f.lseek(off, whence)?;
    Ok(ret_i64(i64::try_from(pos).unwrap_or(i64::MAX)))
}
