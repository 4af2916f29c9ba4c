//! ioctl(2): the generic requests every fd takes (fs/ioctl.c: FIOCLEX,
//! FIONCLEX, FIONBIO, FIOASYNC, FIONREAD on regular files), then the
//! file's own `FileOps::ioctl` (the console answers the tty requests;
//! other files ENOTTY, so `isatty` is false for them). The interface
//! requests (SIOCGIF*) on sockets are `sys::ioctl_if`'s.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::fd::{FdFlags, FileOps};
use crate::process::Cx;
use crate::sys::at::{file, CxMemory};
use crate::vfs::flags::o;
use crate::vfs::types::FileType;

/// asm-generic/ioctls.h.
const FIONREAD: u32 = 0x541b;
const FIONBIO: u32 = 0x5421;
/// `SIOCOUTQ` (= TIOCOUTQ, linux/sockios.h).
const SIOCOUTQ: u32 = 0x5411;
const FIONCLEX: u32 = 0x5450;
const FIOCLEX: u32 = 0x5451;
const FIOASYNC: u32 = 0x5452;

/// ioctl(fd, request, arg).
pub(crate) fn sys_ioctl(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (fd, request, arg) = (a.fd(0)?, a.uint(1), a.addr(2));
    let f = file(cx, fd)?;
    match request {
        FIOCLEX | FIONCLEX => {
            let flags = FdFlags {
                cloexec: request == FIOCLEX,
            };
            cx.st.fds.set_flags(fd, flags)?;
            Ok(0)
        }
        FIONBIO | FIOASYNC => {
            let mut v = [0u8; 4];
            cx.copy_in(arg, &mut v)?;
            let bit = if request == FIONBIO {
                o::NONBLOCK
            } else {
                o::ASYNC
            };
            let cur = f.status_flags();
            let new = if i32::from_le_bytes(v) != 0 {
                cur | bit
            } else {
                cur & !bit
            };
            f.set_status_flags(new)?;
            Ok(0)
        }
        FIONREAD if is_regular(&*f) => {
            // fs/ioctl.c: for a regular file, the bytes between the offset
            // and the end.
            let meta = f.fstat()?;
            let pos = *f.description().offset();
            let left = i32::try_from(meta.size.saturating_sub(pos)).unwrap_or(i32::MAX);
            cx.copy_out(arg, &left.to_le_bytes())?;
            Ok(0)
        }
        // netlink_ioctl has neither (ENOTTY, from the default below).
        FIONREAD | SIOCOUTQ
            if f.as_socket()
                .is_some_and(|s| s.domain() != crate::net::netlink::AF_NETLINK) =>
        {
            // A socket kind with its own answer (unix_ioctl) gives it;
            // otherwise socket(7)/tcp(7): SIOCINQ (= FIONREAD) is the bytes
            // waiting to be read, SIOCOUTQ the unsent ones, reported as 0
            // since the stack hands data to the device as soon as it may.
            match f.ioctl(request, arg, &mut CxMemory(cx)) {
                Err(e) if e.errno == crate::errno::Errno::ENOTTY => {}
                r => return r,
            }
            let n = match (request, f.as_socket()) {
                (FIONREAD, Some(s)) => s.readable_bytes(),
                _ => 0,
            };
            cx.copy_out(arg, &i32::try_from(n).unwrap_or(i32::MAX).to_le_bytes())?;
            Ok(0)
        }
        r if crate::sys::ioctl_if::handles(r) && f.as_socket().is_some() => {
            crate::sys::ioctl_if::ioctl_if(cx, &f, r, arg)
        }
        _ => {
            if f.description().is_path() {
                bail!(EBADF, "ioctl on an O_PATH descriptor");
            }
            f.ioctl(request, arg, &mut CxMemory(cx))
        }
    }
}

fn is_regular(f: &dyn FileOps) -> bool {
    f.fstat().is_ok_and(|m| m.file_type == FileType::Regular)
}
