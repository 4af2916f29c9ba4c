//! Reads what the loader tells us: the RAM map and the command line.
//! PVH: `struct hvm_start_info` (xen/include/public/arch-x86/hvm/start_info.h:
//! magic 0x336ec578, cmdline_paddr at +24, memmap_paddr at +40,
//! memmap_entries at +48; entries are {addr, size, type u32, reserved u32},
//! type 1 = RAM). Multiboot2: the boot information (multiboot2 spec §3.6),
//! tag 1 = command line, tag 6 = memory map. Everything is copied out
//! before the frame allocator starts, so the loader's memory can be reused.

use crate::boot_error;
use crate::mem::phys;

/// Most RAM ranges kept.
pub const MAX_RAM: usize = 32;

/// What the kernel keeps from the boot information.
pub struct BootInfo {
    /// Usable RAM ranges `[start, end)`.
    pub ram: [(u64, u64); MAX_RAM],
    /// Number of valid entries in `ram`.
    pub nram: usize,
    /// The kernel command line (bytes, no NUL).
    pub cmdline: [u8; 4096],
    /// Length of `cmdline`.
    pub cmdline_len: usize,
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    b.get(off..off + 4)
        .map_or(0, |s| u32::from_le_bytes(s.try_into().expect("4 bytes")))
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    b.get(off..off + 8)
        .map_or(0, |s| u64::from_le_bytes(s.try_into().expect("8 bytes")))
}

impl BootInfo {
    fn push_ram(&mut self, start: u64, len: u64) {
        if self.nram < MAX_RAM && len > 0 {
            self.ram[self.nram] = (start, start.saturating_add(len));
            self.nram += 1;
        }
    }

    fn set_cmdline(&mut self, pa: u64) {
        if pa == 0 {
            return;
        }
        let bytes = phys::slice(pa, 4096);
        let n = bytes.iter().position(|&b| b == 0).unwrap_or(4095);
        self.cmdline[..n].copy_from_slice(&bytes[..n]);
        self.cmdline_len = n;
    }

    /// Returns the command line as text ("" if it is not UTF-8).
    pub fn cmdline(&self) -> &str {
        core::str::from_utf8(&self.cmdline[..self.cmdline_len]).unwrap_or("")
    }
}

/// Parses the boot information of protocol `proto` at physical `info`.
pub fn parse(proto: u32, info: u64) -> BootInfo {
    let mut bi = BootInfo {
        ram: [(0, 0); MAX_RAM],
        nram: 0,
        cmdline: [0; 4096],
        cmdline_len: 0,
    };
    match proto {
        crate::arch::boot::BOOT_PVH => {
            let si = phys::slice(info, 56);
            if u32_at(si, 0) != 0x336e_c578 {
                boot_error("PVH start info has a bad magic");
            }
            bi.set_cmdline(u64_at(si, 24));
            let version = u32_at(si, 4);
            let (map, n) = (u64_at(si, 40), u32_at(si, 48) as u64);
            if version < 1 || map == 0 || n == 0 {
                boot_error("PVH start info has no memory map (hvm_start_info version < 1)");
            }
            let entries = phys::slice(map, n.min(128) * 24);
            for e in entries.chunks_exact(24) {
                if u32_at(e, 16) == 1 {
                    bi.push_ram(u64_at(e, 0), u64_at(e, 8));
                }
            }
        }
        crate::arch::boot::BOOT_MULTIBOOT2 => {
            let total = u32_at(phys::slice(info, 8), 0) as u64;
            let mbi = phys::slice(info, total.clamp(8, 1 << 16));
            let mut off = 8usize;
            while off + 8 <= mbi.len() {
                let (ty, size) = (u32_at(mbi, off), u32_at(mbi, off + 4) as usize);
                if ty == 0 || size < 8 {
                    break;
                }
                let tag = &mbi[off..(off + size).min(mbi.len())];
                match ty {
                    1 => {
                        let s = &tag[8..];
                        let n = s.iter().position(|&b| b == 0).unwrap_or(s.len()).min(4095);
                        bi.cmdline[..n].copy_from_slice(&s[..n]);
                        bi.cmdline_len = n;
                    }
                    6 => {
                        let esz = (u32_at(tag, 8) as usize).max(24);
                        for e in tag[16..].chunks_exact(esz) {
                            if u32_at(e, 16) == 1 {
                                bi.push_ram(u64_at(e, 0), u64_at(e, 8));
                            }
                        }
                    }
                    _ => {}
                }
                off += size.next_multiple_of(8);
            }
        }
        _ => boot_error("unknown boot protocol"),
    }
    if bi.nram == 0 {
        boot_error("the loader reported no usable RAM");
    }
    bi
}
