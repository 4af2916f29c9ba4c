//! The hardware access traits that drivers are generic over.

/// x86 port I/O. The kernel implements it with `in`/`out`; tests with a fake.
pub trait PortIo {
    /// Reads a byte from `port`.
    fn inb(&self, port: u16) -> u8;
    /// Writes a byte to `port`.
    fn outb(&self, port: u16, value: u8);
}
