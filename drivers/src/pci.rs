//! PCI configuration space: enumeration, capability lists and BARs (PCI
//! Local Bus Specification 3.0 §6.1 header, §6.2.5 BARs, §6.7 capability
//! list; PCI-to-PCI Bridge Architecture 1.2 §3.2 for secondary buses).
//! Generic over [`ConfigSpace`]; [`Mechanism1`] is the PC's port-based
//! access (ports 0xCF8/0xCFC, PCI 3.0 §3.2.2.3.2). Neighbours:
//! `virtio_pci` (virtio capabilities, MSI-X) and the kernel's `net` module.

use alloc::vec::Vec;

use crate::hal::PortIo32;

/// A PCI function's address: bus, device (0-31), function (0-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bdf {
    /// Bus number.
    pub bus: u8,
    /// Device (slot) number, 0-31.
    pub device: u8,
    /// Function number, 0-7.
    pub function: u8,
}

impl core::fmt::Display for Bdf {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:02x}:{:02x}.{}", self.bus, self.device, self.function)
    }
}

/// Access to configuration space, one aligned doubleword at a time.
pub trait ConfigSpace {
    /// Reads the doubleword at `offset` (a multiple of 4) of function `at`.
    fn read32(&self, at: Bdf, offset: u8) -> u32;
    /// Writes the doubleword at `offset` (a multiple of 4) of function `at`.
    fn write32(&self, at: Bdf, offset: u8, value: u32);

    /// Reads the 16-bit register at `offset` (a multiple of 2).
    fn read16(&self, at: Bdf, offset: u8) -> u16 {
        (self.read32(at, offset & !3) >> (8 * (offset & 2))) as u16
    }
    /// Reads the byte register at `offset`.
    fn read8(&self, at: Bdf, offset: u8) -> u8 {
        (self.read32(at, offset & !3) >> (8 * (offset & 3))) as u8
    }
}

/// Configuration mechanism #1: the address goes to port 0xCF8, the data
/// moves through port 0xCFC (PCI 3.0 §3.2.2.3.2).
pub struct Mechanism1<P: PortIo32>(pub P);

/// The CONFIG_ADDRESS port.
pub const CONFIG_ADDRESS: u16 = 0xcf8;
/// The CONFIG_DATA port.
pub const CONFIG_DATA: u16 = 0xcfc;

/// Returns the CONFIG_ADDRESS value selecting `offset` of function `at`
/// (bit 31 enable, bus 23:16, device 15:11, function 10:8, register 7:2).
pub fn mechanism1_address(at: Bdf, offset: u8) -> u32 {
    (1 << 31)
        | (u32::from(at.bus) << 16)
        | (u32::from(at.device & 31) << 11)
        | (u32::from(at.function & 7) << 8)
        | u32::from(offset & 0xfc)
}

impl<P: PortIo32> ConfigSpace for Mechanism1<P> {
    fn read32(&self, at: Bdf, offset: u8) -> u32 {
        self.0.outl(CONFIG_ADDRESS, mechanism1_address(at, offset));
        self.0.inl(CONFIG_DATA)
    }
    fn write32(&self, at: Bdf, offset: u8, value: u32) {
        self.0.outl(CONFIG_ADDRESS, mechanism1_address(at, offset));
        self.0.outl(CONFIG_DATA, value);
    }
}

/// Register offsets in the type-0/type-1 header (PCI 3.0 §6.1).
pub mod reg {
    /// Vendor ID (15:0) and Device ID (31:16).
    pub const ID: u8 = 0x00;
    /// Command (15:0) and Status (31:16).
    pub const COMMAND: u8 = 0x04;
    /// Revision, prog-if, subclass, class (31:24).
    pub const CLASS: u8 = 0x08;
    /// Header type is byte 2 of this doubleword.
    pub const HEADER: u8 = 0x0c;
    /// First base address register.
    pub const BAR0: u8 = 0x10;
    /// Type 1 (bridge): primary, secondary (15:8), subordinate bus.
    pub const BUS_NUMBERS: u8 = 0x18;
    /// Capabilities pointer (byte).
    pub const CAP_PTR: u8 = 0x34;
    /// Interrupt line (7:0) and pin (15:8).
    pub const INTERRUPT: u8 = 0x3c;
}

/// Command register bits (PCI 3.0 §6.2.2).
pub mod command {
    /// I/O space decoding.
    pub const IO: u16 = 1 << 0;
    /// Memory space decoding.
    pub const MEMORY: u16 = 1 << 1;
    /// Bus mastering (DMA).
    pub const BUS_MASTER: u16 = 1 << 2;
    /// INTx# disabled.
    pub const INTX_DISABLE: u16 = 1 << 10;
}

const STATUS_CAP_LIST: u16 = 1 << 4;

/// One function found on a bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// Where it is.
    pub bdf: Bdf,
    /// Vendor ID.
    pub vendor: u16,
    /// Device ID.
    pub device: u16,
    /// Base class code.
    pub class: u8,
    /// Subclass code.
    pub subclass: u8,
    /// Header type without the multi-function bit (0 device, 1 bridge).
    pub header_type: u8,
    /// Interrupt pin (0 none, 1-4 INTA#-INTD#).
    pub interrupt_pin: u8,
    /// Interrupt line as the firmware set it (legacy PIC IRQ).
    pub interrupt_line: u8,
}

fn function_at<C: ConfigSpace>(cfg: &C, bdf: Bdf) -> Option<(Function, bool)> {
    let id = cfg.read32(bdf, reg::ID);
    let vendor = id as u16;
    if vendor == 0xffff || vendor == 0 {
        return None;
    }
    let class = cfg.read32(bdf, reg::CLASS);
    let header = cfg.read8(bdf, reg::HEADER + 2);
    let int = cfg.read32(bdf, reg::INTERRUPT);
    Some((
        Function {
            bdf,
            vendor,
            device: (id >> 16) as u16,
            class: (class >> 24) as u8,
            subclass: (class >> 16) as u8,
            header_type: header & 0x7f,
            interrupt_pin: (int >> 8) as u8,
            interrupt_line: int as u8,
        },
        header & 0x80 != 0,
    ))
}

/// Lists every function reachable from bus 0, following PCI-to-PCI
/// bridges to their secondary buses (each bus scanned once).
pub fn enumerate<C: ConfigSpace>(cfg: &C) -> Vec<Function> {
    let mut out = Vec::new();
    let mut seen = [false; 256];
    let mut todo = alloc::vec![0u8];
    while let Some(bus) = todo.pop() {
        if core::mem::replace(&mut seen[usize::from(bus)], true) {
            continue;
        }
        for device in 0..32 {
            let f0 = Bdf {
                bus,
                device,
                function: 0,
            };
            let Some((first, multi)) = function_at(cfg, f0) else {
                continue;
            };
            let count = if multi { 8 } else { 1 };
            for function in 0..count {
                let bdf = Bdf {
                    bus,
                    device,
                    function,
                };
                let f = if function == 0 {
                    Some(first)
                } else {
                    function_at(cfg, bdf).map(|(f, _)| f)
                };
                let Some(f) = f else { continue };
                if f.header_type == 1 {
                    let secondary = (cfg.read32(bdf, reg::BUS_NUMBERS) >> 8) as u8;
                    if secondary != 0 {
                        todo.push(secondary);
                    }
                }
                out.push(f);
            }
        }
    }
    out.sort_by_key(|f| f.bdf);
    out
}

/// One entry of a capability list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// Capability ID (0x09 vendor-specific, 0x11 MSI-X, ...).
    pub id: u8,
    /// Offset of the capability in configuration space.
    pub offset: u8,
}

/// Capability ID of vendor-specific capabilities (virtio uses these).
pub const CAP_VENDOR: u8 = 0x09;
/// Capability ID of MSI-X.
pub const CAP_MSIX: u8 = 0x11;

/// Returns the function's capability list (PCI 3.0 §6.7), stopping at a
/// loop or a pointer into the header so a broken list cannot hang us.
pub fn capabilities<C: ConfigSpace>(cfg: &C, at: Bdf) -> Vec<Capability> {
    let mut out = Vec::new();
    let status = (cfg.read32(at, reg::COMMAND) >> 16) as u16;
    if status & STATUS_CAP_LIST == 0 {
        return out;
    }
    let mut ptr = cfg.read8(at, reg::CAP_PTR) & 0xfc;
    // At most 48 capabilities fit in the 192 bytes after the header.
    while ptr >= 0x40 && out.len() < 48 {
        let head = cfg.read32(at, ptr);
        out.push(Capability {
            id: head as u8,
            offset: ptr,
        });
        ptr = (head >> 8) as u8 & 0xfc;
    }
    out
}

/// A decoded base address register (PCI 3.0 §6.2.5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    /// Memory space.
    Memory {
        /// Base physical address.
        addr: u64,
        /// Size in bytes (a power of two).
        size: u64,
        /// Whether the BAR is 64-bit (it then uses the next slot too).
        wide: bool,
        /// Prefetchable memory.
        prefetchable: bool,
    },
    /// I/O space.
    Io {
        /// Base port.
        port: u32,
        /// Size in ports.
        size: u32,
    },
}

/// Decodes BAR `index` (0-5) of a type-0 function, sizing it by writing
/// all ones and restoring the value (§6.2.5.1) with decoding turned off
/// meanwhile so the probe address is never decoded. `None` for an
/// unimplemented BAR or the upper half of a 64-bit one.
pub fn bar<C: ConfigSpace>(cfg: &C, at: Bdf, index: u8) -> Option<Bar> {
    if index > 5 {
        return None;
    }
    let off = reg::BAR0 + 4 * index;
    let cmd = cfg.read32(at, reg::COMMAND);
    cfg.write32(
        at,
        reg::COMMAND,
        cmd & !u32::from(command::IO | command::MEMORY) & 0xffff,
    );
    let probe = |off: u8| {
        let v = cfg.read32(at, off);
        cfg.write32(at, off, 0xffff_ffff);
        let mask = cfg.read32(at, off);
        cfg.write32(at, off, v);
        (v, mask)
    };
    let (lo, lo_mask) = probe(off);
    let result = if lo & 1 == 1 {
        let mask = lo_mask & !3;
        (mask != 0).then(|| Bar::Io {
            port: lo & !3,
            size: (!(mask | 0xffff_0000)).wrapping_add(1),
        })
    } else {
        let wide = (lo >> 1) & 3 == 2;
        let (hi, hi_mask) = if wide && index < 5 {
            probe(off + 4)
        } else {
            (0, if wide { 0 } else { 0xffff_ffff })
        };
        let mask = (u64::from(hi_mask) << 32) | u64::from(lo_mask & !0xf);
        (lo_mask & !0xf != 0 || (wide && hi_mask != 0)).then(|| Bar::Memory {
            addr: (u64::from(hi) << 32) | u64::from(lo & !0xf),
            size: (!mask).wrapping_add(1),
            wide,
            prefetchable: lo & 8 != 0,
        })
    };
    cfg.write32(at, reg::COMMAND, cmd & 0xffff);
    result
}

/// Sets `bits` in the command register (memory decoding, bus mastering).
pub fn enable<C: ConfigSpace>(cfg: &C, at: Bdf, bits: u16) {
    // The upper half is the status register, whose bits are write-1-to-clear:
    // write zeros there.
    let cmd = cfg.read32(at, reg::COMMAND) & 0xffff;
    cfg.write32(at, reg::COMMAND, cmd | u32::from(bits));
}

#[cfg(test)]
pub(crate) mod fake {
    //! A configuration space in memory, with BAR sizing behaviour.
    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    /// Functions' 256-byte spaces plus each BAR's size mask.
    #[derive(Default)]
    pub struct FakeConfig {
        pub space: RefCell<BTreeMap<Bdf, [u8; 256]>>,
        /// (bdf, bar offset) -> writable address bits of that BAR dword.
        pub bar_masks: BTreeMap<(Bdf, u8), u32>,
    }

    impl FakeConfig {
        pub fn add(&mut self, bdf: Bdf, vendor: u16, device: u16, header: u8) {
            let mut s = [0u8; 256];
            s[0..2].copy_from_slice(&vendor.to_le_bytes());
            s[2..4].copy_from_slice(&device.to_le_bytes());
            s[0x0e] = header;
            self.space.borrow_mut().insert(bdf, s);
        }
        pub fn set32(&self, bdf: Bdf, off: u8, v: u32) {
            let mut sp = self.space.borrow_mut();
            let s = sp.get_mut(&bdf).expect("function exists");
            s[usize::from(off)..usize::from(off) + 4].copy_from_slice(&v.to_le_bytes());
        }
        pub fn get32(&self, bdf: Bdf, off: u8) -> u32 {
            self.space.borrow().get(&bdf).map_or(0xffff_ffff, |s| {
                let o = usize::from(off);
                u32::from_le_bytes(s[o..o + 4].try_into().expect("4 bytes"))
            })
        }
        /// Appends a capability `id` with `body` bytes after its 2-byte header.
        pub fn add_cap(&self, bdf: Bdf, at: u8, id: u8, body: &[u8]) {
            let mut sp = self.space.borrow_mut();
            let s = sp.get_mut(&bdf).expect("function exists");
            s[0x06] |= 0x10; // status: capability list
                             // Link at the end of the list.
            let mut link = 0x34usize;
            while s[link] != 0 {
                link = usize::from(s[link]) + 1;
            }
            s[link] = at;
            let a = usize::from(at);
            s[a] = id;
            s[a + 1] = 0;
            s[a + 2..a + 2 + body.len()].copy_from_slice(body);
        }
    }

    impl ConfigSpace for FakeConfig {
        fn read32(&self, at: Bdf, offset: u8) -> u32 {
            self.get32(at, offset)
        }
        fn write32(&self, at: Bdf, offset: u8, value: u32) {
            if !self.space.borrow().contains_key(&at) {
                return;
            }
            let v = match self.bar_masks.get(&(at, offset)) {
                Some(&mask) => (value & mask) | (self.get32(at, offset) & !mask),
                None if (0x10..0x28).contains(&offset) => self.get32(at, offset),
                None => value,
            };
            self.set32(at, offset, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::FakeConfig;
    use super::*;
    use std::cell::RefCell;

    fn bdf(bus: u8, device: u8, function: u8) -> Bdf {
        Bdf {
            bus,
            device,
            function,
        }
    }

    #[test]
    fn mechanism1_selects_the_register_then_moves_data() {
        #[derive(Default)]
        struct Ports(RefCell<Vec<(u16, u32)>>);
        impl PortIo32 for &Ports {
            fn inl(&self, port: u16) -> u32 {
                assert_eq!(port, CONFIG_DATA);
                0x1041_1af4
            }
            fn outl(&self, port: u16, value: u32) {
                self.0.borrow_mut().push((port, value));
            }
        }
        let p = Ports::default();
        let m = Mechanism1(&p);
        assert_eq!(m.read32(bdf(1, 3, 2), 0x3d), 0x1041_1af4);
        m.write32(bdf(0, 31, 7), 0x10, 5);
        assert_eq!(
            *p.0.borrow(),
            vec![
                (CONFIG_ADDRESS, 0x8001_1a3c),
                (CONFIG_ADDRESS, 0x8000_ff10),
                (CONFIG_DATA, 5)
            ]
        );
    }

    #[test]
    fn enumeration_finds_functions_behind_bridges_and_multifunction_devices() {
        let mut c = FakeConfig::default();
        c.add(bdf(0, 0, 0), 0x8086, 0x29c0, 0);
        c.add(bdf(0, 2, 0), 0x8086, 0x2918, 0x80); // multi-function
        c.add(bdf(0, 2, 3), 0x8086, 0x2930, 0);
        c.add(bdf(0, 5, 0), 0x1b36, 0x000c, 1); // bridge to bus 1
        c.add(bdf(0, 6, 1), 0x1234, 0x1111, 0); // function 1 of a single-function slot: ignored
        c.add(bdf(1, 0, 0), 0x1af4, 0x1041, 0);
        c.set32(bdf(0, 5, 0), reg::BUS_NUMBERS, 0x0001_0100);
        c.set32(bdf(1, 0, 0), reg::CLASS, 0x0200_0001);
        c.set32(bdf(1, 0, 0), reg::INTERRUPT, 0x0000_010b);
        let fs = enumerate(&c);
        let at: Vec<Bdf> = fs.iter().map(|f| f.bdf).collect();
        assert_eq!(
            at,
            vec![
                bdf(0, 0, 0),
                bdf(0, 2, 0),
                bdf(0, 2, 3),
                bdf(0, 5, 0),
                bdf(1, 0, 0)
            ]
        );
        let nic = fs[4];
        assert_eq!((nic.vendor, nic.device), (0x1af4, 0x1041));
        assert_eq!((nic.class, nic.subclass), (2, 0));
        assert_eq!((nic.interrupt_pin, nic.interrupt_line), (1, 11));
        assert_eq!(fs[3].header_type, 1);
    }

    #[test]
    fn capability_walk_stops_on_loops() {
        let mut c = FakeConfig::default();
        let f = bdf(0, 3, 0);
        c.add(f, 0x1af4, 0x1041, 0);
        assert!(capabilities(&c, f).is_empty());
        c.add_cap(f, 0x98, CAP_MSIX, &[2, 0]);
        c.add_cap(f, 0x84, CAP_VENDOR, &[16, 1]);
        assert_eq!(
            capabilities(&c, f),
            vec![
                Capability {
                    id: CAP_MSIX,
                    offset: 0x98
                },
                Capability {
                    id: CAP_VENDOR,
                    offset: 0x84
                }
            ]
        );
        // Make the second capability point back at the first.
        c.set32(f, 0x84, 0x0000_9809);
        assert_eq!(capabilities(&c, f).len(), 48);
    }

    #[test]
    fn bars_decode_memory_io_and_64_bit() {
        let mut c = FakeConfig::default();
        let f = bdf(0, 3, 0);
        c.add(f, 0x1af4, 0x1041, 0);
        c.bar_masks.insert((f, 0x10), 0xffff_ffe0); // I/O, 32 ports
        c.bar_masks.insert((f, 0x14), 0xffff_f000); // 4 KiB memory
        c.bar_masks.insert((f, 0x20), 0xffff_c000); // 16 KiB, 64-bit prefetchable
        c.bar_masks.insert((f, 0x24), 0xffff_ffff);
        c.set32(f, 0x10, 0xc041);
        c.set32(f, 0x14, 0xfebd_1000);
        c.set32(f, 0x20, 0x0000_400c);
        c.set32(f, 0x24, 0x0000_0080);
        c.set32(f, reg::COMMAND, 0x0010_0007);
        assert_eq!(
            bar(&c, f, 0),
            Some(Bar::Io {
                port: 0xc040,
                size: 32
            })
        );
        assert_eq!(
            bar(&c, f, 1),
            Some(Bar::Memory {
                addr: 0xfebd_1000,
                size: 4096,
                wide: false,
                prefetchable: false
            })
        );
        assert_eq!(bar(&c, f, 2), None);
        assert_eq!(
            bar(&c, f, 4),
            Some(Bar::Memory {
                addr: 0x80_0000_4000,
                size: 16384,
                wide: true,
                prefetchable: true
            })
        );
        // Probing restored the BARs and the command register.
        assert_eq!(c.get32(f, 0x14), 0xfebd_1000);
        assert_eq!(c.get32(f, 0x24), 0x80);
        assert_eq!(c.get32(f, reg::COMMAND) & 0xffff, 7);
        enable(&c, f, command::BUS_MASTER | command::INTX_DISABLE);
        assert_eq!(c.get32(f, reg::COMMAND) & 0xffff, 0x407);
    }
}
