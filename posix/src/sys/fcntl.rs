//! fcntl(2) and flock(2): fd duplication, fd flags, status flags, and
//! record/whole-file locks, which are always granted (one process: no
//! other owner can conflict; fcntl(2) "Advisory record locking").

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::fd::{Fd, FdFlags};
use crate::process::Cx;
use crate::sys::at::file;

/// fcntl commands (asm-generic/fcntl.h, linux/fcntl.h).
mod cmd {
    pub const F_DUPFD: i32 = 0;
    pub const F_GETFD: i32 = 1;
    pub const F_SETFD: i32 = 2;
    pub const F_GETFL: i32 = 3;
    pub const F_SETFL: i32 = 4;
    pub const F_GETLK: i32 = 5;
    pub const F_SETLK: i32 = 6;
    pub const F_SETLKW: i32 = 7;
    pub const F_SETOWN: i32 = 8;
    pub const F_GETOWN: i32 = 9;
    pub const F_SETSIG: i32 = 10;
    pub const F_GETSIG: i32 = 11;
    pub const F_SETOWN_EX: i32 = 15;
    pub const F_GETOWN_EX: i32 = 16;
    pub const F_OFD_GETLK: i32 = 36;
    pub const F_OFD_SETLK: i32 = 37;
    pub const F_OFD_SETLKW: i32 = 38;
    pub const F_SETLEASE: i32 = 1024;
    pub const F_GETLEASE: i32 = 1025;
    pub const F_DUPFD_CLOEXEC: i32 = 1030;
}

/// `struct flock` l_type values.
const F_RDLCK: i16 = 0;
const F_WRLCK: i16 = 1;
const F_UNLCK: i16 = 2;

/// fcntl(fd, cmd, arg).
pub(crate) fn sys_fcntl(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    use cmd::*;
    let fd = a.fd(0)?;
    let f = file(cx, fd)?;
    match a.int(1) {
        c @ (F_DUPFD | F_DUPFD_CLOEXEC) => {
            let Ok(min) = Fd::try_from(i64::from(a.int(2))) else {
                bail!(EINVAL, "F_DUPFD minimum out of range");
            };
            let flags = FdFlags {
                cloexec: c == F_DUPFD_CLOEXEC,
            };
            let new = cx.st.fds.insert_from(min, f, flags)?;
            Ok(u64::from(new.get()))
        }
        F_GETFD => Ok(u64::from(cx.st.fds.flags(fd)?.bits())),
        F_SETFD => {
            cx.st.fds.set_flags(fd, FdFlags::from_bits(a.uint(2)))?;
            Ok(0)
        }
        F_GETFL => Ok(u64::from(f.status_flags())),
        F_SETFL => {
            f.set_status_flags(a.uint(2))?;
            Ok(0)
        }
        F_GETLK | F_OFD_GETLK => {
            let mut l = [0u8; 32];
            cx.copy_in(a.addr(2), &mut l)?;
            check_lock(&l, a.int(1) == F_OFD_GETLK)?;
            // Nothing else holds a lock: report F_UNLCK, other fields kept.
            l[0..2].copy_from_slice(&F_UNLCK.to_le_bytes());
            cx.copy_out(a.addr(2), &l)?;
            Ok(0)
        }
        c @ (F_SETLK | F_SETLKW | F_OFD_SETLK | F_OFD_SETLKW) => {
            let mut l = [0u8; 32];
            cx.copy_in(a.addr(2), &mut l)?;
            let ty = check_lock(&l, c == F_OFD_SETLK || c == F_OFD_SETLKW)?;
            // fcntl(2): EBADF if the lock type needs an access mode the
            // description lacks.
            let d = f.description();
            if (ty == F_RDLCK && d.check_readable().is_err())
                || (ty == F_WRLCK && d.check_writable().is_err())
            {
                bail!(EBADF, "lock type not allowed by the open mode");
            }
            Ok(0)
        }
        F_GETOWN | F_GETSIG | F_GETLEASE => Ok(if a.int(1) == F_GETLEASE {
            u64::from(F_UNLCK.unsigned_abs())
        } else {
            0
        }),
        F_SETOWN | F_SETSIG | F_SETOWN_EX | F_SETLEASE => Ok(0),
        F_GETOWN_EX => {
            cx.copy_out(a.addr(2), &[0u8; 8])?;
            Ok(0)
        }
        c @ (crate::sys::pipe::F_SETPIPE_SZ | crate::sys::pipe::F_GETPIPE_SZ) => {
            crate::sys::pipe::pipe_size_fcntl(&f, c, a.raw(2))
        }
        _ => bail!(EINVAL, "unknown or unsupported fcntl command"),
    }
}

/// Validates a `struct flock` (l_type at 0, l_whence at 2, l_pid at 24)
/// and returns its type.
fn check_lock(l: &[u8; 32], ofd: bool) -> SysResult<i16> {
    let ty = i16::from_le_bytes([l[0], l[1]]);
    let whence = i16::from_le_bytes([l[2], l[3]]);
    let pid = i32::from_le_bytes([l[24], l[25], l[26], l[27]]);
    if !matches!(ty, F_RDLCK | F_WRLCK | F_UNLCK) || !(0..=2).contains(&whence) {
        bail!(EINVAL, "bad l_type or l_whence");
    }
    if ofd && pid != 0 {
        bail!(EINVAL, "F_OFD_* lock with l_pid != 0");
    }
    Ok(ty)
}

/// flock(fd, operation): LOCK_SH 1, LOCK_EX 2, LOCK_UN 8, optionally
/// with LOCK_NB 4; always granted.
pub(crate) fn sys_flock(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    file(cx, a.fd(0)?)?;
    match a.int(1) & !4 {
        1 | 2 | 8 => Ok(0),
        _ => bail!(EINVAL, "flock operation"),
    }
}
