//! The console terminal behind /dev/console and /dev/tty: output to a
//! sink, and the termios/winsize ioctls (ioctl_tty(2)) that libc uses for
//! `isatty` and line buffering (musl's stdout probes TIOCGWINSZ). The
//! settings are remembered but not applied: the serial line is raw.

use alloc::sync::Arc;

use spin::Mutex;

use super::devfs::ConsoleSink;
use super::error::{err, Errno, SysResult};
use crate::fd::UserMemory;
use crate::platform::UserAddr;

/// ioctl request numbers (asm-generic/ioctls.h).
pub mod ioctl {
    /// Get the terminal attributes.
    pub const TCGETS: u32 = 0x5401;
    /// Set the attributes now.
    pub const TCSETS: u32 = 0x5402;
    /// Set after draining output.
    pub const TCSETSW: u32 = 0x5403;
    /// Set after draining and flushing input.
    pub const TCSETSF: u32 = 0x5404;
    /// Get the foreground process group.
    pub const TIOCGPGRP: u32 = 0x540f;
    /// Set the foreground process group.
    pub const TIOCSPGRP: u32 = 0x5410;
    /// Get the window size.
    pub const TIOCGWINSZ: u32 = 0x5413;
    /// Set the window size.
    pub const TIOCSWINSZ: u32 = 0x5414;
}

/// Size of the kernel's `struct termios` (asm-generic/termbits.h: four
/// u32 flags, `c_line`, `c_cc[19]`).
pub const TERMIOS_SIZE: usize = 36;
/// Size of `struct winsize` (four u16).
pub const WINSIZE_SIZE: usize = 8;

/// The `stty sane` settings of a fresh Linux tty: ICRNL|IXON, OPOST|ONLCR,
/// B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|
/// IEXTEN, and the default control characters (termios(3)).
fn default_termios() -> [u8; TERMIOS_SIZE] {
    let mut t = [0u8; TERMIOS_SIZE];
    for (i, v) in [0x0500u32, 0x0005, 0x00bf, 0x8a3b].iter().enumerate() {
        t[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }
    // c_line at 16, then c_cc: VINTR VQUIT VERASE VKILL VEOF VTIME VMIN
    // VSWTC VSTART VSTOP VSUSP VEOL VREPRINT VDISCARD VWERASE VLNEXT VEOL2.
    let cc = [
        3u8, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0,
    ];
    t[17..17 + cc.len()].copy_from_slice(&cc);
    t
}

/// The console terminal shared by every open of /dev/console and /dev/tty.
pub struct Console {
    sink: Arc<dyn ConsoleSink>,
    termios: Mutex<[u8; TERMIOS_SIZE]>,
    winsize: Mutex<[u8; WINSIZE_SIZE]>,
}

impl Console {
    /// Creates the terminal over `sink`, 24 rows by 80 columns.
    pub fn new(sink: Arc<dyn ConsoleSink>) -> Self {
        let mut ws = [0u8; WINSIZE_SIZE];
        ws[0..2].copy_from_slice(&24u16.to_le_bytes());
        ws[2..4].copy_from_slice(&80u16.to_le_bytes());
        Console {
            sink,
            termios: Mutex::new(default_termios()),
            winsize: Mutex::new(ws),
        }
    }

    /// Sends output to the sink.
    pub fn write(&self, bytes: &[u8]) {
        self.sink.write(bytes);
    }

    /// Performs a tty ioctl.
    ///
    /// # Errors
    /// EFAULT from the copies; ENOTTY for requests a tty does not know
    /// (ioctl_tty(2)).
    pub fn ioctl(&self, cmd: u32, arg: UserAddr, mem: &mut dyn UserMemory) -> SysResult<u64> {
        match cmd {
            ioctl::TCGETS => {
                let t = *self.termios.lock();
                mem.copy_out(arg, &t)?;
            }
            ioctl::TCSETS | ioctl::TCSETSW | ioctl::TCSETSF => {
                let mut t = [0u8; TERMIOS_SIZE];
                mem.copy_in(arg, &mut t)?;
                *self.termios.lock() = t;
            }
            ioctl::TIOCGWINSZ => {
                let w = *self.winsize.lock();
                mem.copy_out(arg, &w)?;
            }
            ioctl::TIOCSWINSZ => {
                let mut w = [0u8; WINSIZE_SIZE];
                mem.copy_in(arg, &mut w)?;
                *self.winsize.lock() = w;
            }
            // The one process is the foreground group; pid 1.
            ioctl::TIOCGPGRP => mem.copy_out(arg, &1i32.to_le_bytes())?,
            ioctl::TIOCSPGRP => {}
            _ => return err(Errno::ENOTTY, "unknown tty ioctl"),
        }
        Ok(0)
    }
}
