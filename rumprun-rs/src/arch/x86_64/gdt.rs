//! The GDT and TSS (Intel SDM Vol. 3A §3.4.5, §7.7).
//!
//! Selector layout is dictated by SYSCALL/SYSRET (SDM Vol. 3A §5.8.8):
//! STAR[47:32] = 0x08 gives kernel CS 0x08 / SS 0x10, STAR[63:48] = 0x10
//! gives user SS 0x18|3 and user CS 0x20|3. The TSS gives ring-0 entries
//! from ring 3 the kernel stack (RSP0) and gives double faults, NMIs and
//! machine checks a separate stack (IST1) so a kernel stack overflow is
//! still reported.

use core::arch::asm;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::sync::BootCell;

/// Kernel code selector.
pub const KERNEL_CS: u16 = 0x08;
/// Kernel data selector.
pub const KERNEL_DS: u16 = 0x10;
/// User data selector (RPL 3).
pub const USER_DS: u16 = 0x18 | 3;
/// User code selector (RPL 3).
pub const USER_CS: u16 = 0x20 | 3;
const TSS_SEL: u16 = 0x28;

/// The 64-bit TSS (SDM Vol. 3A Figure 7-11).
#[repr(C, packed)]
struct Tss {
    _r0: u32,
    rsp: [u64; 3],
    _r1: u64,
    ist: [u64; 7],
    _r2: u64,
    _r3: u16,
    iomap_base: u16,
}

static TSS: BootCell<Tss> = BootCell::new(Tss {
    _r0: 0,
    rsp: [0; 3],
    _r1: 0,
    ist: [0; 7],
    _r2: 0,
    _r3: 0,
    iomap_base: core::mem::size_of::<Tss>() as u16,
});

static GDT: [AtomicU64; 7] = [
    AtomicU64::new(0),
    AtomicU64::new(0x00af_9a00_0000_ffff), // 0x08 kernel code, L=1
    AtomicU64::new(0x00cf_9200_0000_ffff), // 0x10 kernel data
    AtomicU64::new(0x00cf_f200_0000_ffff), // 0x18 user data, DPL 3
    AtomicU64::new(0x00af_fa00_0000_ffff), // 0x20 user code, L=1, DPL 3
    AtomicU64::new(0),                     // 0x28 TSS low
    AtomicU64::new(0),                     // 0x30 TSS high
];

#[repr(C, packed)]
struct Pointer {
    limit: u16,
    base: u64,
}

/// Loads the GDT and TSS; `rsp0` is the stack for entries from ring 3,
/// `ist1` the stack for double faults, NMIs and machine checks.
pub fn init(rsp0: u64, ist1: u64) {
    TSS.with(|t| {
        t.rsp[0] = rsp0;
        t.ist[0] = ist1;
    });
    let base = TSS.as_ptr() as u64;
    let limit = (core::mem::size_of::<Tss>() - 1) as u64;
    let low = (limit & 0xffff)
        | ((base & 0xff_ffff) << 16)
        | (0x89 << 40) // present, type 9: available 64-bit TSS
        | (((limit >> 16) & 0xf) << 48)
        | (((base >> 24) & 0xff) << 56);
    GDT[5].store(low, Ordering::Relaxed);
    GDT[6].store(base >> 32, Ordering::Relaxed);
    let ptr = Pointer {
        limit: (core::mem::size_of_val(&GDT) - 1) as u16,
        base: GDT.as_ptr() as u64,
    };
    // SAFETY: GDT is a static that lives forever and holds valid descriptors
    // with the same code/data selectors the boot GDT used; reloading CS via a
    // far return and the data segments keeps the current stack and code valid.
    unsafe {
        asm!(
            "lgdt [{ptr}]",
            "push {cs}",
            "lea {tmp}, [rip + 2f]",
            "push {tmp}",
            "retfq",
            "2:",
            "mov ds, {ds:e}",
            "mov es, {ds:e}",
            "mov ss, {ds:e}",
            ptr = in(reg) &ptr,
            cs = const KERNEL_CS as u64,
            ds = in(reg) u32::from(KERNEL_DS),
            tmp = out(reg) _,
        )
    };
    // SAFETY: the TSS descriptor at TSS_SEL was written above and points at
    // the static TSS.
    unsafe { asm!("ltr {0:x}", in(reg) TSS_SEL, options(nostack)) };
}

/// Sets the stack used for entries from ring 3 (the running thread's).
pub fn set_rsp0(top: u64) {
    TSS.with(|t| t.rsp[0] = top);
}
