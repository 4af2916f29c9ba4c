//! Virtio over MMIO (virtio 1.2 §4.2): where the devices are and what they
//! are. QEMU's microvm machine has no bus to enumerate; it appends one
//! `virtio_mmio.device=<size>@<base>:<irq>` token per plugged device to the
//! kernel command line (Linux's syntax, drivers/virtio/virtio_mmio.c,
//! "vm_cmdline_set"). [`parse_device`] reads one; [`probe`] reads the
//! identification registers through [`MmioRegs`]. virtio-drivers'
//! `MmioTransport` (in the kernel) does the rest.

use crate::hal::MmioRegs;

/// The command-line key QEMU (and Linux) use.
pub const CMDLINE_KEY: &str = "virtio_mmio.device=";

/// One device window from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MmioDevice {
    /// Physical base address of the register window.
    pub base: u64,
    /// Window size in bytes.
    pub size: u64,
    /// Interrupt: the GSI (IOAPIC input) the device raises.
    pub irq: u32,
}

/// Parses an unsigned number the way Linux's `simple_strtoull(s, 0)` does:
/// `0x` hex, leading `0` octal, else decimal; returns it and the rest.
fn number(s: &str) -> Option<(u64, &str)> {
    let (radix, digits) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, h)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    let v = u64::from_str_radix(&digits[..end], radix).ok()?;
    Some((v, &digits[end..]))
}

/// Parses the value of one `virtio_mmio.device=` token:
/// `<size>[KMG]@<base>:<irq>[:<id>]` (Linux's `memparse` for the size).
/// Returns `None` for anything malformed (the token is then ignored).
pub fn parse_device(value: &str) -> Option<MmioDevice> {
    let (size, rest) = number(value)?;
    let (size, rest) = match rest.as_bytes().first() {
        Some(b'K' | b'k') => (size.checked_mul(1 << 10)?, &rest[1..]),
        Some(b'M' | b'm') => (size.checked_mul(1 << 20)?, &rest[1..]),
        Some(b'G' | b'g') => (size.checked_mul(1 << 30)?, &rest[1..]),
        _ => (size, rest),
    };
    let (base, rest) = number(rest.strip_prefix('@')?)?;
    let (irq, rest) = number(rest.strip_prefix(':')?)?;
    // An optional platform-device id follows; nothing else may.
    if !(rest.is_empty()
        || rest
            .strip_prefix(':')
            .and_then(number)
            .is_some_and(|(_, r)| r.is_empty()))
    {
        return None;
    }
    if size == 0 || base.checked_add(size).is_none() {
        return None;
    }
    Some(MmioDevice {
        base,
        size,
        irq: u32::try_from(irq).ok()?,
    })
}

/// Returns the devices named on a kernel command line, in order.
pub fn devices_in_cmdline(line: &str) -> impl Iterator<Item = MmioDevice> + '_ {
    line.split_ascii_whitespace()
        .filter_map(|t| t.strip_prefix(CMDLINE_KEY))
        .filter_map(parse_device)
}

/// Register offsets (virtio 1.2 §4.2.2, and §4.2.4 for the legacy layout).
pub mod reg {
    /// "virt" in little endian.
    pub const MAGIC: usize = 0x000;
    /// 1 legacy, 2 modern.
    pub const VERSION: usize = 0x004;
    /// Virtio device type; 0 is an empty slot.
    pub const DEVICE_ID: usize = 0x008;
    /// Interrupt status (bit 0 used ring, bit 1 configuration change).
    pub const INTERRUPT_STATUS: usize = 0x060;
    /// Interrupt acknowledge (write the status bits back).
    pub const INTERRUPT_ACK: usize = 0x064;
}

/// The magic value, "virt".
pub const MAGIC: u32 = 0x7472_6976;
/// Virtio device type of a network card (§5.1).
pub const DEVICE_TYPE_NET: u32 = 1;

/// What sits in a virtio-mmio window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    /// 1 (legacy interface, §4.2.4) or 2 (virtio 1.x).
    pub version: u32,
    /// The virtio device type (1 net, 2 block, ...).
    pub device_id: u32,
}

/// Identifies the device in a window: `None` without the magic value, with
/// an unknown version, or for an empty slot (device ID 0, §4.2.2).
pub fn probe<R: MmioRegs>(regs: &R) -> Option<Probe> {
    if regs.read32(reg::MAGIC) != MAGIC {
        return None;
    }
    let version = regs.read32(reg::VERSION);
    let device_id = regs.read32(reg::DEVICE_ID);
    (matches!(version, 1 | 2) && device_id != 0).then_some(Probe { version, device_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qemu_microvm_tokens() {
        assert_eq!(
            parse_device("512@0xfeb00e00:12"),
            Some(MmioDevice {
                base: 0xfeb0_0e00,
                size: 512,
                irq: 12
            })
        );
        assert_eq!(
            parse_device("4K@0xd0000000:5:3"),
            Some(MmioDevice {
                base: 0xd000_0000,
                size: 4096,
                irq: 5
            })
        );
        for bad in [
            "",
            "512",
            "512@",
            "@0x1000:5",
            "512@0xfeb00e00",
            "512@0xfeb00e00:",
            "512@0xfeb00e00:12x",
            "0@0x1000:5",
            "1G@0xffffffffffffffff:1",
            "512@0xfeb00e00:99999999999",
        ] {
            assert_eq!(parse_device(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn picks_the_devices_out_of_a_command_line() {
        let line = "rr.debug virtio_mmio.device=512@0xfeb00e00:12 rr.trace virtio_mmio.device=junk virtio_mmio.device=512@0xfeb00c00:11";
        let d: Vec<_> = devices_in_cmdline(line).map(|d| (d.base, d.irq)).collect();
        assert_eq!(d, vec![(0xfeb0_0e00, 12), (0xfeb0_0c00, 11)]);
    }

    struct Regs([u32; 3]);
    impl MmioRegs for Regs {
        fn read32(&self, off: usize) -> u32 {
            self.0[off / 4]
        }
    }

    #[test]
    fn probe_reads_magic_version_and_type() {
        assert_eq!(
            probe(&Regs([MAGIC, 2, 1])),
            Some(Probe {
                version: 2,
                device_id: DEVICE_TYPE_NET
            })
        );
        assert_eq!(probe(&Regs([MAGIC, 1, 2])).map(|p| p.version), Some(1));
        assert_eq!(probe(&Regs([MAGIC, 2, 0])), None, "empty slot");
        assert_eq!(probe(&Regs([MAGIC, 3, 1])), None, "unknown version");
        assert_eq!(probe(&Regs([0, 2, 1])), None, "no magic");
    }
}
