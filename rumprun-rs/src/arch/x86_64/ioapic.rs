//! The I/O APIC (82093AA datasheet §3.2: IOREGSEL at +0x00, IOWIN at +0x10;
//! redirection table at registers 0x10 + 2n), used to route one device
//! interrupt line (a GSI) to a local APIC vector. QEMU's PC and microvm
//! machines place the first I/O APIC at 0xFEC00000 (GSIs 0-23); microvm
//! adds a second one at 0xFEC10000 for GSIs 24-47 (its virtio-mmio lines).
//! The kernel masked the 8259 PICs at boot, so this is the only path.

use super::paging;

const IOAPIC_BASES: [(u64, u32); 2] = [(0xfec0_0000, 0), (0xfec1_0000, 24)];
const REG_VERSION: u32 = 0x01;
const PINS_PER_IOAPIC: u32 = 24;

/// How a line signals (82093AA §3.2.4, bits 13 and 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Edge-triggered, active high (ISA style).
    #[allow(dead_code)] // kept for completeness: every line we route is level
    Edge,
    /// Level-triggered, active high (virtio-mmio's line follows its
    /// interrupt status, so it stays raised until the driver acknowledges).
    Level,
}

struct IoApic {
    va: u64,
}

impl IoApic {
    fn write(&self, reg: u32, v: u32) {
        // SAFETY: `va` maps the I/O APIC's register page uncached
        // (map_mmio); IOREGSEL at +0 and IOWIN at +0x10 are its only
        // registers, and the kernel is single-CPU with interrupts off here,
        // so the select/access pair is not interleaved.
        unsafe {
            (self.va as *mut u32).write_volatile(reg);
            ((self.va + 0x10) as *mut u32).write_volatile(v);
        }
    }

    fn read(&self, reg: u32) -> u32 {
        // SAFETY: as for `write`.
        unsafe {
            (self.va as *mut u32).write_volatile(reg);
            ((self.va + 0x10) as *const u32).read_volatile()
        }
    }
}

/// Returns true if an I/O APIC serves `gsi` (its registers answer and
/// it has enough pins).
pub fn serves(gsi: u32) -> bool {
    find(gsi).is_some()
}

fn find(gsi: u32) -> Option<(IoApic, u32)> {
    let &(pa, base) = IOAPIC_BASES
        .iter()
        .find(|(_, base)| (*base..base + PINS_PER_IOAPIC).contains(&gsi))?;
    let io = IoApic {
        va: paging::map_mmio(pa, 0x20)?,
    };
    // An absent I/O APIC reads as all ones; the version register also
    // tells how many pins it really has (bits 23:16 = entries - 1).
    let version = io.read(REG_VERSION);
    let pins = ((version >> 16) & 0xff) + 1;
    (version != 0xffff_ffff && gsi - base < pins).then_some((io, gsi - base))
}

/// Routes `gsi` to `vector` on the local APIC `apic_id` (fixed delivery,
/// physical destination, active high, unmasked). Returns false if no I/O
/// APIC serves that GSI.
pub fn route(gsi: u32, vector: u8, trigger: Trigger, apic_id: u8) -> bool {
    let Some((io, pin)) = find(gsi) else {
        return false;
    };
    let level = u32::from(trigger == Trigger::Level) << 15;
    io.write(0x10 + 2 * pin + 1, u32::from(apic_id) << 24);
    io.write(0x10 + 2 * pin, u32::from(vector) | level);
    true
}
