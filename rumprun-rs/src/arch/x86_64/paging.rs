//! Page tables (Intel SDM Vol. 3A §4.5, 4-level paging). Owns the one
//! address space: the lower half is the program's, PML4 slot 256 is the
//! direct map of RAM, slot 511 the kernel image. Kernel mappings follow W^X
//! (text R-X, rodata R--, data RW- with NX), stacks sit above unmapped guard
//! pages, and every user page is installed, changed and removed here.

use core::arch::asm;

use spin::Mutex;

use crate::mem::{frames, phys, PAGE};

const P: u64 = 1;
const W: u64 = 1 << 1;
const U: u64 = 1 << 2;
const PS: u64 = 1 << 7;
const G: u64 = 1 << 8;
const NX: u64 = 1 << 63;
/// Software bit (ignored by the MMU, SDM Table 4-19): a PROT_NONE page,
/// kept not-present but still owning its frame.
const NONE: u64 = 1 << 9;
const PCD: u64 = 1 << 4;
const PWT: u64 = 1 << 3;
const ADDR: u64 = 0x000f_ffff_ffff_f000;

/// Virtual base of the kernel image (linker.ld `KERNEL_VMA`).
pub const KERNEL_VMA: u64 = 0xffff_ffff_8000_0000;
/// First address above the user half.
pub const USER_END: u64 = 0x0000_8000_0000_0000;

/// Leaf permissions of a user page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserFlags {
    /// Accessible at all (false for PROT_NONE).
    pub access: bool,
    /// Writable.
    pub write: bool,
    /// Executable.
    pub exec: bool,
}

impl UserFlags {
    fn bits(self) -> u64 {
        if !self.access {
            return NONE | U | NX;
        }
        P | U | if self.write { W } else { 0 } | if self.exec { 0 } else { NX }
    }
}

/// Virtual window for device registers (PML4 slot 384), mapped uncached.
const MMIO_BASE: u64 = 0xffff_c000_0000_0000;
static MMIO_NEXT: Mutex<u64> = Mutex::new(MMIO_BASE);

/// Maps `len` bytes of device memory at physical `pa` uncached (PCD|PWT,
/// NX) into the MMIO window and returns the virtual address.
pub fn map_mmio(pa: u64, len: u64) -> Option<u64> {
    let base = pa & !(PAGE - 1);
    let pages = (pa + len - base).div_ceil(PAGE);
    let mut next = MMIO_NEXT.lock();
    let va0 = *next;
    let root = ROOT.lock();
    for i in 0..pages {
        let e = walk(*root, va0 + i * PAGE, true, P | W)?;
        *e = (base + i * PAGE) | P | W | PCD | PWT | NX;
    }
    *next = va0 + (pages + 1) * PAGE; // one unmapped page between windows
    Some(va0 + (pa - base))
}

/// Maps kernel page `va` (outside the direct map, e.g. thread stacks) to `pa`, RW and NX.
pub fn map_kernel(va: u64, pa: u64) -> bool {
    let root = ROOT.lock();
    match walk(*root, va, true, P | W) {
        Some(e) => {
            *e = pa | P | W | G | NX;
            invlpg(va);
            true
        }
        None => false,
    }
}

/// Unmaps kernel page `va`; returns its frame.
pub fn unmap_kernel(va: u64) -> Option<u64> {
    let root = ROOT.lock();
    let e = walk(*root, va, false, 0)?;
    let pa = (*e & P != 0).then_some(*e & ADDR);
    *e = 0;
    invlpg(va);
    pa
}

/// Physical address of the root table, guarded: all table edits go through it.
static ROOT: Mutex<u64> = Mutex::new(0);

fn invlpg(va: u64) {
    // SAFETY: INVLPG only drops a TLB entry.
    unsafe { asm!("invlpg [{}]", in(reg) va, options(nostack, preserves_flags)) };
}

fn index(va: u64, level: u32) -> usize {
    ((va >> (12 + 9 * level)) & 511) as usize
}

/// Walks to the level-0 entry for `va`, creating tables if `create`.
/// Intermediate entries get `inter` flags. Returns None on OOM or if absent.
fn walk(root: u64, va: u64, create: bool, inter: u64) -> Option<&'static mut u64> {
    let mut table = root;
    for level in (1..4).rev() {
        let e = &mut phys::table_mut(table)[index(va, level)];
        if *e & P == 0 {
            if !create {
                return None;
            }
            let f = frames::alloc()?;
            *e = f | inter;
        } else if *e & PS != 0 {
            return None; // huge pages only exist in the direct map
        }
        table = *e & ADDR;
    }
    Some(&mut phys::table_mut(table)[index(va, 0)])
}

fn map_2m(root: u64, va: u64, pa: u64, flags: u64) -> Option<()> {
    let mut table = root;
    for level in (2..4).rev() {
        let e = &mut phys::table_mut(table)[index(va, level)];
        if *e & P == 0 {
            *e = frames::alloc()? | P | W;
        }
        table = *e & ADDR;
    }
    phys::table_mut(table)[index(va, 1)] = pa | flags | PS | P;
    Some(())
}

unsafe extern "C" {
    static __text_start: u8;
    static __text_end: u8;
    static __rodata_start: u8;
    static __rodata_end: u8;
    static __data_start: u8;
    static __data_end: u8;
    static __kstack_guard: u8;
    static __ist_guard: u8;
}

fn sym(s: &u8) -> u64 {
    s as *const u8 as u64
}

/// Builds the kernel's own tables (direct map of `[0, ram_end)`, the image
/// with per-section permissions, guard pages left unmapped), switches to them
/// and drops the boot identity map. Panics if RAM cannot hold the tables.
pub fn init(ram_end: u64) {
    let root = frames::alloc().expect("no memory for the root page table");
    let ram_end = ram_end.next_multiple_of(2 << 20);
    let mut pa = 0;
    while pa < ram_end {
        map_2m(root, phys::DIRECT_BASE + pa, pa, W | G | NX).expect("no memory for the direct map");
        pa += 2 << 20;
    }
    // SAFETY: these are linker-script symbols; only their addresses are used.
    let (sections, guards) = unsafe {
        (
            [
                (sym(&__text_start), sym(&__text_end), G),
                (sym(&__rodata_start), sym(&__rodata_end), G | NX),
                (sym(&__data_start), sym(&__data_end), W | G | NX),
            ],
            [sym(&__kstack_guard), sym(&__ist_guard)],
        )
    };
    for (start, end, flags) in sections {
        let mut va = start;
        while va < end {
            if !guards.contains(&va) {
                let e = walk(root, va, true, P | W).expect("no memory for kernel page tables");
                *e = (va - KERNEL_VMA) | flags | P;
            }
            va += PAGE;
        }
    }
    // SAFETY: the new tables map the running code (text), the current stack
    // and all statics (data), and the direct map the boot tables used, with
    // the same virtual addresses, so execution continues unchanged.
    unsafe { asm!("mov cr3, {}", in(reg) root, options(nostack)) };
    phys::set_limit(ram_end);
    *ROOT.lock() = root;
}

/// Maps user page `va` to frame `pa`. Returns false when out of memory
/// for a page table.
pub fn map_user(va: u64, pa: u64, flags: UserFlags) -> bool {
    debug_assert!(va < USER_END && va.is_multiple_of(PAGE));
    let root = ROOT.lock();
    match walk(*root, va, true, P | W | U) {
        Some(e) => {
            *e = pa | flags.bits();
            invlpg(va);
            true
        }
        None => false,
    }
}

/// Removes the user page at `va`; returns the frame it mapped.
pub fn unmap_user(va: u64) -> Option<u64> {
    let root = ROOT.lock();
    let e = walk(*root, va, false, 0)?;
    // A PROT_NONE page is not present but still owns its frame.
    if *e & (P | NONE) == 0 {
        return None;
    }
    let pa = *e & ADDR;
    *e = 0;
    invlpg(va);
    Some(pa)
}

/// Changes the permissions of the user page at `va` if present.
pub fn protect_user(va: u64, flags: UserFlags) {
    let root = ROOT.lock();
    if let Some(e) = walk(*root, va, false, 0) {
        if *e & (P | NONE) != 0 {
            *e = (*e & ADDR) | flags.bits();
            invlpg(va);
        }
    }
}

/// Returns the frame and permissions of the user page holding `va`.
pub fn translate_user(va: u64) -> Option<(u64, UserFlags)> {
    if va >= USER_END {
        return None;
    }
    let root = ROOT.lock();
    let e = walk(*root, va & !(PAGE - 1), false, 0)?;
    if *e & (P | U) != (P | U) {
        return None;
    }
    Some((
        *e & ADDR,
        UserFlags {
            access: true,
            write: *e & W != 0,
            exec: *e & NX == 0,
        },
    ))
}
