//! ioctl(2) on the console fds before the fd layer is wired in. The serial
//! console is not a terminal: TCGETS and TIOCGWINSZ fail with ENOTTY. musl's
//! `__stdout_write` asks TIOCGWINSZ once and, on failure, turns off line
//! buffering, so stdout is block-buffered and flushed at exit, exactly as
//! on Linux with stdout on a pipe; isatty(1) (TCGETS) says no.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::is_console;

/// asm-generic/ioctls.h.
const TCGETS: u32 = 0x5401;
const TIOCGWINSZ: u32 = 0x5413;
const FIONBIO: u32 = 0x5421;
const FIONCLEX: u32 = 0x5450;
const FIOCLEX: u32 = 0x5451;

/// ioctl(fd, request, arg).
pub(crate) fn sys_ioctl(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (fd, request) = (a.fd(0)?, a.uint(1));
    if !is_console(fd) {
        bail!(EBADF, "only the console fds 0..=2 exist yet");
    }
    match request {
        TCGETS | TIOCGWINSZ => bail!(ENOTTY, "the console is not a terminal"),
        // Generic file ioctls (fs/ioctl.c) that apply to every fd.
        FIONBIO | FIONCLEX | FIOCLEX => Ok(0),
        _ => bail!(ENOTTY, "unknown ioctl for the console"),
    }
}
