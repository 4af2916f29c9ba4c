//! The kernel console: the 16550 driver from `drivers` on COM1, with port
//! I/O from `arch`. Kernel lines start with `rumprun:` so test harnesses can
//! tell them from the program's output (which goes out unprefixed).

use drivers::hal::PortIo;
use drivers::serial::{Serial, COM1};
use spin::Mutex;

use crate::arch::cpu;

/// Port I/O through `in`/`out`.
pub struct Ports;

impl PortIo for Ports {
    fn inb(&self, port: u16) -> u8 {
        cpu::inb(port)
    }
    fn outb(&self, port: u16, value: u8) {
        cpu::outb(port, value)
    }
}

static SERIAL: Mutex<Option<Serial<Ports>>> = Mutex::new(None);

/// Initialises the UART.
pub fn init() {
    *SERIAL.lock() = Some(Serial::new(Ports, COM1));
}

/// Writes raw bytes (program output).
pub fn write_bytes(b: &[u8]) {
    // A fault while the lock is held (e.g. in a kernel bug report) must still
    // print: fall back to an unlocked writer rather than deadlock.
    match SERIAL.try_lock() {
        Some(s) => match s.as_ref() {
            Some(s) => s.write(b),
            None => Serial::new(Ports, COM1).write(b),
        },
        None => Serial::new(Ports, COM1).write(b),
    }
}

/// `core::fmt` adapter over the console.
pub struct Writer;

impl core::fmt::Write for Writer {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        write_bytes(s.as_bytes());
        Ok(())
    }
}

/// Prints a kernel line prefixed with `rumprun: `.
#[macro_export]
macro_rules! kprintln {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = write!($crate::console::Writer, "rumprun: ");
        let _ = writeln!($crate::console::Writer, $($arg)*);
    }};
}
