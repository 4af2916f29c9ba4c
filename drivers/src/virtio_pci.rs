//! Virtio over PCI, the parts the kernel needs beside virtio-drivers'
//! `PciTransport`: finding a modern virtio-net function (virtio 1.2 §4.1.2),
//! its vendor capabilities (§4.1.4: common, notify, ISR, device config) and
//! its MSI-X capability (PCI 3.0 §6.8.2), whose table the kernel programs.
//! Neighbours: `pci` (enumeration), the kernel's `net` module.

use crate::pci::{self, Bdf, ConfigSpace, Function, CAP_MSIX, CAP_VENDOR};

/// The virtio PCI vendor ID.
pub const VENDOR: u16 = 0x1af4;
/// Modern virtio-net device ID (0x1040 + device type 1, §4.1.2.1).
pub const DEVICE_NET: u16 = 0x1041;
/// Transitional virtio-net device ID (§4.1.2.3).
pub const DEVICE_NET_TRANSITIONAL: u16 = 0x1000;

/// `cfg_type` values of virtio vendor capabilities (§4.1.4).
pub mod cfg_type {
    /// Common configuration.
    pub const COMMON: u8 = 1;
    /// Notifications.
    pub const NOTIFY: u8 = 2;
    /// ISR status.
    pub const ISR: u8 = 3;
    /// Device-specific configuration.
    pub const DEVICE: u8 = 4;
}

/// Where one virtio structure lives: a BAR and a range in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// BAR index.
    pub bar: u8,
    /// Offset in the BAR.
    pub offset: u32,
    /// Length in bytes.
    pub length: u32,
}

/// The virtio structures a modern device exposes (the first of each type,
/// as §4.1.4 recommends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VirtioCaps {
    /// Common configuration.
    pub common: Option<Region>,
    /// Notification area.
    pub notify: Option<Region>,
    /// ISR status byte.
    pub isr: Option<Region>,
    /// Device configuration.
    pub device: Option<Region>,
}

/// Reads the virtio vendor capabilities of `at` (§4.1.4: `cap_len` at +2,
/// `cfg_type` +3, `bar` +4, `offset` +8, `length` +12).
pub fn virtio_caps<C: ConfigSpace>(cfg: &C, at: Bdf) -> VirtioCaps {
    let mut caps = VirtioCaps::default();
    for c in pci::capabilities(cfg, at) {
        if c.id != CAP_VENDOR {
            continue;
        }
        let head = cfg.read32(at, c.offset);
        let (len, ty) = ((head >> 16) as u8, (head >> 24) as u8);
        let bar = cfg.read8(at, c.offset + 4);
        if len < 16 || bar > 5 {
            continue;
        }
        let r = Region {
            bar,
            offset: cfg.read32(at, c.offset + 8),
            length: cfg.read32(at, c.offset + 12),
        };
        let slot = match ty {
            cfg_type::COMMON => &mut caps.common,
            cfg_type::NOTIFY => &mut caps.notify,
            cfg_type::ISR => &mut caps.isr,
            cfg_type::DEVICE => &mut caps.device,
            _ => continue,
        };
        slot.get_or_insert(r);
    }
    caps
}

/// Finds the first virtio-net function that speaks virtio 1.x: device ID
/// 0x1041, or the transitional 0x1000 when it also has the modern
/// capabilities (a legacy-only device has none and is skipped).
pub fn find_net<C: ConfigSpace>(cfg: &C, functions: &[Function]) -> Option<Function> {
    functions.iter().copied().find(|f| {
        f.vendor == VENDOR
            && match f.device {
                DEVICE_NET => true,
                DEVICE_NET_TRANSITIONAL => virtio_caps(cfg, f.bdf).common.is_some(),
                _ => false,
            }
    })
}

/// An MSI-X capability (PCI 3.0 §6.8.2.1-§6.8.2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msix {
    /// Offset of the capability in configuration space.
    pub cap: u8,
    /// Number of table entries.
    pub table_size: u16,
    /// Table BAR index (BIR).
    pub table_bar: u8,
    /// Table offset in that BAR.
    pub table_offset: u32,
}

/// Size of one MSI-X table entry: address low, address high, data, control.
pub const MSIX_ENTRY_SIZE: u32 = 16;
const MSIX_ENABLE: u32 = 1 << 31; // message control bit 15
const MSIX_FUNCTION_MASK: u32 = 1 << 30; // message control bit 14

/// Reads the function's MSI-X capability, if it has one.
pub fn msix<C: ConfigSpace>(cfg: &C, at: Bdf) -> Option<Msix> {
    let c = pci::capabilities(cfg, at)
        .into_iter()
        .find(|c| c.id == CAP_MSIX)?;
    let control = (cfg.read32(at, c.offset) >> 16) as u16;
    let table = cfg.read32(at, c.offset + 4);
    Some(Msix {
        cap: c.offset,
        table_size: (control & 0x7ff) + 1,
        table_bar: (table & 7) as u8,
        table_offset: table & !7,
    })
}

/// Turns MSI-X on (and the function mask off), which also stops INTx
/// (§6.8.2.3). Program the table entries first.
pub fn msix_enable<C: ConfigSpace>(cfg: &C, at: Bdf, m: &Msix) {
    let v = cfg.read32(at, m.cap);
    cfg.write32(at, m.cap, (v | MSIX_ENABLE) & !MSIX_FUNCTION_MASK);
}

/// Returns the MSI message (address, data) that delivers `vector` to the
/// local APIC `apic_id`: fixed delivery, edge-triggered, physical
/// destination (Intel SDM Vol. 3A §11.11.1, §11.11.2).
pub fn msi_message(apic_id: u8, vector: u8) -> (u64, u32) {
    (0xfee0_0000 | (u64::from(apic_id) << 12), u32::from(vector))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pci::fake::FakeConfig;

    const F: Bdf = Bdf {
        bus: 0,
        device: 3,
        function: 0,
    };

    fn vcap(c: &FakeConfig, at: u8, ty: u8, bar: u8, off: u32, len: u32) {
        let mut body = [0u8; 14];
        body[0] = 16; // cap_len
        body[1] = ty;
        body[2] = bar;
        body[6..10].copy_from_slice(&off.to_le_bytes());
        body[10..14].copy_from_slice(&len.to_le_bytes());
        c.add_cap(F, at, CAP_VENDOR, &body);
    }

    fn modern(device: u16) -> FakeConfig {
        let mut c = FakeConfig::default();
        c.add(F, VENDOR, device, 0);
        c.add_cap(
            F,
            0x98,
            CAP_MSIX,
            &[2, 0x40, 0x01, 0x08, 0, 0, 0x01, 0x09, 0, 0],
        );
        vcap(&c, 0x84, cfg_type::COMMON, 4, 0, 0x1000);
        vcap(&c, 0x70, cfg_type::ISR, 4, 0x1000, 0x1000);
        vcap(&c, 0x60, cfg_type::DEVICE, 4, 0x2000, 0x1000);
        vcap(&c, 0x50, cfg_type::NOTIFY, 4, 0x3000, 0x1000);
        vcap(&c, 0x40, cfg_type::COMMON, 2, 0, 0x10); // a second one: ignored
        c
    }

    #[test]
    fn reads_the_virtio_structures() {
        let c = modern(DEVICE_NET);
        let caps = virtio_caps(&c, F);
        let r = |bar, offset, length| {
            Some(Region {
                bar,
                offset,
                length,
            })
        };
        assert_eq!(caps.common, r(4, 0, 0x1000));
        assert_eq!(caps.isr, r(4, 0x1000, 0x1000));
        assert_eq!(caps.device, r(4, 0x2000, 0x1000));
        assert_eq!(caps.notify, r(4, 0x3000, 0x1000));
    }

    #[test]
    fn finds_modern_and_transitional_but_not_legacy_only_nics() {
        for (dev, found) in [(DEVICE_NET, true), (DEVICE_NET_TRANSITIONAL, true)] {
            let c = modern(dev);
            let fs = pci::enumerate(&c);
            assert_eq!(find_net(&c, &fs).map(|f| f.bdf), found.then_some(F));
        }
        let mut legacy = FakeConfig::default();
        legacy.add(F, VENDOR, DEVICE_NET_TRANSITIONAL, 0);
        assert_eq!(find_net(&legacy, &pci::enumerate(&legacy)), None);
        let mut blk = FakeConfig::default();
        blk.add(F, VENDOR, 0x1042, 0);
        assert_eq!(find_net(&blk, &pci::enumerate(&blk)), None);
    }

    #[test]
    fn msix_capability_and_enable() {
        let c = modern(DEVICE_NET);
        let m = msix(&c, F).expect("MSI-X present");
        assert_eq!(
            m,
            Msix {
                cap: 0x98,
                table_size: 3,
                table_bar: 1,
                table_offset: 0x800,
            }
        );
        msix_enable(&c, F, &m);
        let control = c.get32(F, 0x98) >> 16;
        assert_eq!(control & 0xc000, 0x8000, "enabled, function mask cleared");
        assert_eq!(control & 0x7ff, 2);
        assert_eq!(msi_message(0, 33), (0xfee0_0000, 33));
        assert_eq!(msi_message(3, 40), (0xfee0_3000, 40));
    }
}
