//! 16550 UART driver for the console (COM1 at 0x3f8 on PC and microvm).
//! Register offsets and bits follow the National Semiconductor PC16550D
//! datasheet: THR/RBR at +0, IER +1, FCR +2, LCR +3, MCR +4, LSR +5.

use crate::hal::PortIo;

/// Base port of COM1.
pub const COM1: u16 = 0x3f8;

const LSR_THR_EMPTY: u8 = 1 << 5;
const LSR_DATA_READY: u8 = 1 << 0;

/// A 16550 UART at a port base.
pub struct Serial<P: PortIo> {
    io: P,
    base: u16,
}

impl<P: PortIo> Serial<P> {
    /// Initialises the UART: 115200 8N1, FIFOs on, interrupts off.
    pub fn new(io: P, base: u16) -> Self {
        io.outb(base + 1, 0x00); // IER: no interrupts
        io.outb(base + 3, 0x80); // LCR: DLAB on
        io.outb(base, 0x01); // DLL: divisor 1 = 115200 baud
        io.outb(base + 1, 0x00); // DLM
        io.outb(base + 3, 0x03); // LCR: 8 bits, no parity, 1 stop, DLAB off
        io.outb(base + 2, 0xc7); // FCR: enable + clear FIFOs, 14-byte threshold
        io.outb(base + 4, 0x03); // MCR: DTR + RTS
        Serial { io, base }
    }

    /// Writes one byte, waiting for the transmit holding register.
    pub fn write_byte(&self, b: u8) {
        // Bounded wait: a missing UART must not hang the kernel forever.
        for _ in 0..100_000 {
            if self.io.inb(self.base + 5) & LSR_THR_EMPTY != 0 {
                break;
            }
        }
        self.io.outb(self.base, b);
    }

    /// Writes bytes, turning `\n` into `\r\n` as a terminal expects.
    pub fn write(&self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.write_byte(b'\r');
            }
            self.write_byte(b);
        }
    }

    /// Returns a received byte if one is waiting.
    pub fn try_read(&self) -> Option<u8> {
        (self.io.inb(self.base + 5) & LSR_DATA_READY != 0).then(|| self.io.inb(self.base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[derive(Default)]
    struct FakePorts {
        writes: RefCell<Vec<(u16, u8)>>,
    }
    impl PortIo for &FakePorts {
        fn inb(&self, port: u16) -> u8 {
            if port == COM1 + 5 {
                LSR_THR_EMPTY
            } else {
                0
            }
        }
        fn outb(&self, port: u16, value: u8) {
            self.writes.borrow_mut().push((port, value));
        }
    }

    #[test]
    fn newline_becomes_crlf_on_the_data_port() {
        let ports = FakePorts::default();
        let s = Serial::new(&ports, COM1);
        ports.writes.borrow_mut().clear();
        s.write(b"a\n");
        let data: Vec<u8> = ports
            .writes
            .borrow()
            .iter()
            .filter(|(p, _)| *p == COM1)
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(data, b"a\r\n");
    }

    #[test]
    fn init_sets_8n1_with_dlab_cleared() {
        let ports = FakePorts::default();
        let _ = Serial::new(&ports, COM1);
        let lcr: Vec<u8> = ports
            .writes
            .borrow()
            .iter()
            .filter(|(p, _)| *p == COM1 + 3)
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(lcr.last(), Some(&0x03));
    }
}
