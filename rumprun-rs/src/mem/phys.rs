//! The direct map: all RAM is mapped at [`DIRECT_BASE`] + physical address
//! (by boot.rs for the first GiB, then by `paging::init` for all of RAM).
//! This module is the only place that turns a physical address into a
//! pointer; it owns the invariant "addresses below `limit` are mapped".

use core::sync::atomic::{AtomicU64, Ordering};

/// Virtual base of the direct map (PML4 slot 256).
pub const DIRECT_BASE: u64 = 0xffff_8000_0000_0000;

/// End of the physical range the direct map currently covers.
static LIMIT: AtomicU64 = AtomicU64::new(1 << 30);

/// Records that the direct map now covers `[0, limit)`.
pub fn set_limit(limit: u64) {
    LIMIT.store(limit, Ordering::Relaxed);
}

fn check(pa: u64, len: u64) {
    let end = pa.checked_add(len).expect("physical range overflows");
    assert!(
        end <= LIMIT.load(Ordering::Relaxed),
        "physical range {pa:#x}+{len:#x} outside the direct map"
    );
}

/// Returns a byte slice over physical memory that the kernel treats as
/// read-only data for the rest of its life (boot info, the image payload).
pub fn slice(pa: u64, len: u64) -> &'static [u8] {
    check(pa, len);
    // SAFETY: the range is inside the direct map (checked), and the callers
    // only pass regions the frame allocator never hands out (payload, boot
    // info, which `frames::init` reserves), so nothing writes it.
    unsafe { core::slice::from_raw_parts((DIRECT_BASE + pa) as *const u8, len as usize) }
}

/// Returns the direct-map address of `[pa, pa + len)`, checked to lie
/// inside the direct map. Only an address: what may be done through it is
/// the caller's to justify (the heap hands whole runs of frames it owns to
/// its allocator this way).
pub fn range_ptr(pa: u64, len: u64) -> *mut u8 {
    check(pa, len);
    (DIRECT_BASE + pa) as *mut u8
}

/// Returns a mutable view of a frame the caller owns.
///
/// The caller must own the frame exclusively (it came from the frame
/// allocator and is referenced by nothing else it is reading concurrently).
pub fn frame_mut(pa: u64) -> &'static mut [u8; 4096] {
    check(pa, 4096);
    assert_eq!(pa % 4096, 0, "frame address not aligned");
    // SAFETY: inside the direct map (checked) and aligned; exclusive
    // ownership is the caller's contract documented above, and every caller
    // in this kernel holds the frame it got from `frames::alloc` or a page
    // table frame reachable only through the page-table lock.
    unsafe { &mut *((DIRECT_BASE + pa) as *mut [u8; 4096]) }
}

/// Returns the page-table entries of a page-table frame.
pub fn table_mut(pa: u64) -> &'static mut [u64; 512] {
    check(pa, 4096);
    assert_eq!(pa % 4096, 0, "page table not aligned");
    // SAFETY: as for `frame_mut`; page tables are only touched by
    // `paging`, which serialises all access behind one lock.
    unsafe { &mut *((DIRECT_BASE + pa) as *mut [u64; 512]) }
}
