//! Kernel stacks for threads: 64 KiB each in their own 128 KiB slot of a
//! dedicated virtual region (PML4 slot 385), with the slot's lowest page
//! left unmapped as a guard so an overflow faults instead of corrupting a
//! neighbour. Frames are returned when the stack is dropped.

use alloc::vec::Vec;

use spin::Mutex;

use super::{frames, PAGE};
use crate::arch::paging;

const REGION: u64 = 0xffff_c080_0000_0000;
const SLOT: u64 = 128 * 1024;
const STACK: u64 = 64 * 1024;

static FREE_SLOTS: Mutex<Vec<u64>> = Mutex::new(Vec::new());
static NEXT_SLOT: Mutex<u64> = Mutex::new(0);

/// A mapped kernel stack.
pub struct KStack {
    slot: u64,
}

impl KStack {
    /// Maps a new stack; `None` when out of memory.
    pub fn new() -> Option<KStack> {
        let slot = FREE_SLOTS.lock().pop().unwrap_or_else(|| {
            let mut n = NEXT_SLOT.lock();
            *n += 1;
            *n - 1
        });
        let s = KStack { slot };
        let bottom = s.top() - STACK;
        let mut va = bottom;
        while va < s.top() {
            let ok = frames::alloc().is_some_and(|pa| {
                paging::map_kernel(va, pa) || {
                    frames::free(pa);
                    false
                }
            });
            if !ok {
                return None; // Drop unmaps what was mapped
            }
            va += PAGE;
        }
        Some(s)
    }

    /// Returns the address just above the stack.
    pub fn top(&self) -> u64 {
        REGION + self.slot * SLOT + PAGE + STACK
    }
}

impl Drop for KStack {
    fn drop(&mut self) {
        let mut va = self.top() - STACK;
        while va < self.top() {
            if let Some(pa) = paging::unmap_kernel(va) {
                frames::free(pa);
            }
            va += PAGE;
        }
        FREE_SLOTS.lock().push(self.slot);
    }
}
