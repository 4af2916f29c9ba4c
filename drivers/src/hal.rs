//! The hardware access traits that drivers are generic over.

/// x86 port I/O. The kernel implements it with `in`/`out`; tests with a fake.
pub trait PortIo {
    /// Reads a byte from `port`.
    fn inb(&self, port: u16) -> u8;
    /// Writes a byte to `port`.
    fn outb(&self, port: u16, value: u8);
}

/// 32-bit x86 port I/O (`in eax, dx` / `out dx, eax`), for PCI
/// configuration mechanism #1 ([`crate::pci::Mechanism1`]).
pub trait PortIo32 {
    /// Reads a doubleword from `port`.
    fn inl(&self, port: u16) -> u32;
    /// Writes a doubleword to `port`.
    fn outl(&self, port: u16, value: u32);
}

/// Read access to a device's 32-bit registers (a virtio-mmio window): the
/// kernel implements it with volatile loads from the mapped window.
pub trait MmioRegs {
    /// Reads the 32-bit register at byte offset `off`.
    fn read32(&self, off: usize) -> u32;
}
