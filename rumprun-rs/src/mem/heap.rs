//! The kernel heap: one contiguous run of frames, reached through the
//! direct map, managed by `linked_list_allocator` (a well-kept allocator;
//! the kernel's allocations are few and long-lived, so fragmentation does not
//! matter yet). Running out is reported by `alloc_error` in main.rs.

use linked_list_allocator::LockedHeap;

use super::{frames, phys, PAGE};

#[global_allocator]
static HEAP: LockedHeap = LockedHeap::empty();

/// Gives the heap `bytes` of RAM; returns false if no contiguous run exists.
pub fn init(bytes: u64) -> bool {
    let count = bytes.div_ceil(PAGE);
    let Some(pa) = frames::alloc_contiguous(count) else {
        return false;
    };
    let start = phys::frame_mut(pa).as_mut_ptr();
    // SAFETY: [pa, pa + count pages) was just removed from the frame
    // allocator, is mapped by the direct map, and is given to the heap alone
    // for the rest of the kernel's life.
    unsafe { HEAP.lock().init(start, (count * PAGE) as usize) };
    true
}
