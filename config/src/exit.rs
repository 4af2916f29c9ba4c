//! The exit protocol: how the program's exit status leaves the VM.
//!
//! QEMU's `isa-debug-exit` turns a write of `v` into a host exit code of
//! `(v << 1) | 1`, which cannot carry even statuses and is truncated to 8
//! bits by the host. So the kernel first writes one line `exit <status>\n`
//! to the `isa-debugcon` port [`DEBUGCON_PORT`] (which the launcher routes to
//! a private file), then writes to [`DEBUG_EXIT_PORT`] to stop the VM. The
//! launcher returns the status from that line. No line means the VM stopped
//! some other way (triple fault, QEMU error): the launcher returns
//! [`STATUS_NO_REPORT`].

/// I/O port of QEMU's `isa-debugcon` device that carries the status line.
/// Not 0x402: SeaBIOS (q35) writes its debug log there.
pub const DEBUGCON_PORT: u16 = 0xe9;
/// I/O port of QEMU's `isa-debug-exit` device (`iobase=0xf4,iosize=4`).
pub const DEBUG_EXIT_PORT: u16 = 0xf4;
/// Status when the kernel itself failed (CPU exception in ring 0, panic,
/// out of kernel memory).
pub const STATUS_KERNEL_PANIC: u8 = 125;
/// Status the launcher returns when the VM stopped without reporting one.
pub const STATUS_NO_REPORT: u8 = 124;
/// Status of a program that was terminated by signal `sig`: 128 + sig, as a
/// POSIX shell reports it (SIGSEGV 11 -> 139, SIGABRT 6 -> 134).
pub const fn status_for_signal(sig: u8) -> u8 {
    128u8.wrapping_add(sig)
}

/// Formats the status line the kernel writes to the debugcon port.
pub fn status_line(status: u8, out: &mut [u8; 16]) -> &[u8] {
    let mut n = 0;
    for b in b"exit " {
        out[n] = *b;
        n += 1;
    }
    let digits = [status / 100, (status / 10) % 10, status % 10];
    let skip = if status >= 100 {
        0
    } else if status >= 10 {
        1
    } else {
        2
    };
    for d in &digits[skip..] {
        out[n] = b'0' + d;
        n += 1;
    }
    out[n] = b'\n';
    &out[..=n]
}

/// Parses the launcher's view of the debugcon output; returns the status of
/// the last well-formed `exit N` line, or `None` if there is none.
pub fn parse_status(output: &[u8]) -> Option<u8> {
    output
        .split(|b| *b == b'\n')
        .filter_map(|line| {
            let rest = line.strip_prefix(b"exit ")?;
            let text = core::str::from_utf8(rest).ok()?;
            text.trim().parse::<u8>().ok()
        })
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_round_trips_every_status() {
        for s in 0..=255u8 {
            let mut buf = [0u8; 16];
            let line = status_line(s, &mut buf);
            assert_eq!(parse_status(line), Some(s), "status {s}");
        }
    }

    #[test]
    fn garbage_gives_no_status() {
        assert_eq!(parse_status(b""), None);
        assert_eq!(parse_status(b"exit \nexit 300\nexit x\n"), None);
        assert_eq!(parse_status(b"exit 3\nexit 4\n"), Some(4));
    }

    #[test]
    fn signal_statuses_match_the_shell() {
        assert_eq!(status_for_signal(11), 139);
        assert_eq!(status_for_signal(6), 134);
    }
}
