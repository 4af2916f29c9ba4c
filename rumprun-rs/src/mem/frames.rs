//! The physical frame allocator. Owns the free list: usable RAM ranges from
//! the boot memory map minus reserved regions (kernel image, payload, boot
//! info, low 1 MiB), handed out by bumping through the ranges; freed frames
//! go on a LIFO stack kept inside the free frames themselves, so the
//! allocator needs no memory of its own. Frames shared between a file's
//! page cache and MAP_SHARED mappings carry a reference count ([`share`],
//! [`get`], [`put`]): such a frame goes back on the free list only when its
//! last holder lets go, whatever the order.

use alloc::collections::BTreeMap;
use spin::Mutex;

use super::{phys, PAGE};

const MAX_RANGES: usize = 64;

struct Frames {
    ranges: [(u64, u64); MAX_RANGES],
    n: usize,
    cursor: usize,
    freed: u64, // physical address of the top freed frame, 0 = none
    free_count: u64,
}

static FRAMES: Mutex<Frames> = Mutex::new(Frames {
    ranges: [(0, 0); MAX_RANGES],
    n: 0,
    cursor: 0,
    freed: 0,
    free_count: 0,
});

fn subtract(ranges: &mut [(u64, u64); MAX_RANGES], n: &mut usize, cut: (u64, u64)) {
    let mut i = 0;
    while i < *n {
        let (s, e) = ranges[i];
        if cut.1 <= s || cut.0 >= e {
            i += 1;
            continue;
        }
        if cut.0 > s && cut.1 < e && *n < MAX_RANGES {
            ranges[*n] = (cut.1, e);
            *n += 1;
            ranges[i] = (s, cut.0);
        } else if cut.0 > s {
            ranges[i] = (s, cut.0);
        } else if cut.1 < e {
            ranges[i] = (cut.1, e);
        } else {
            ranges[i] = ranges[*n - 1];
            *n -= 1;
            continue;
        }
        i += 1;
    }
}

/// Initialises the allocator with usable RAM minus the reserved ranges.
/// Returns the number of free bytes.
pub fn init(usable: &[(u64, u64)], reserved: &[(u64, u64)]) -> u64 {
    let mut f = FRAMES.lock();
    let mut n = 0;
    for &(s, e) in usable.iter().take(MAX_RANGES) {
        let s = s.max(0x10_0000).next_multiple_of(PAGE);
        let e = e & !(PAGE - 1);
        if e > s {
            f.ranges[n] = (s, e);
            n += 1;
        }
    }
    for &(s, e) in reserved {
        subtract(
            &mut f.ranges,
            &mut n,
            (s & !(PAGE - 1), e.next_multiple_of(PAGE)),
        );
    }
    f.n = n;
    f.ranges[..n].sort_unstable();
    f.ranges[..n].iter().map(|(s, e)| e - s).sum()
}

impl Frames {
    /// Returns the free bytes (bump ranges plus freed frames).
    fn free_bytes(&self) -> u64 {
        self.ranges[self.cursor.min(self.n)..self.n]
            .iter()
            .map(|(s, e)| e - s)
            .sum::<u64>()
            + self.free_count * PAGE
    }
}

/// Takes `count` contiguous frames (the kernel heap, DMA buffers) from the
/// end of the largest range, so they stay clear of the single frames
/// [`alloc()`] bumps from the start of the ranges.
pub fn alloc_contiguous(count: u64) -> Option<u64> {
    alloc_contiguous_keeping(count, 0)
}

/// Like [`alloc_contiguous`], but only if at least `keep` free bytes remain
/// afterwards (checked under the same lock as the allocation): the kernel
/// heap grows this way and leaves a floor of RAM for the program.
pub fn alloc_contiguous_keeping(count: u64, keep: u64) -> Option<u64> {
    let bytes = count.checked_mul(PAGE)?;
    let mut f = FRAMES.lock();
    if f.free_bytes().checked_sub(bytes)? < keep {
        return None;
    }
    let n = f.n;
    let (i, _) = f.ranges[..n]
        .iter()
        .enumerate()
        .max_by_key(|(_, (s, e))| e - s)?;
    let (s, e) = f.ranges[i];
    if e - s < bytes {
        return None;
    }
    f.ranges[i].1 = e - bytes;
    Some(e - bytes)
}

/// Allocates one zeroed frame, or `None` when RAM is exhausted.
pub fn alloc() -> Option<u64> {
    let pa = {
        let mut f = FRAMES.lock();
        if f.freed != 0 {
            let pa = f.freed;
            let next = u64::from_le_bytes(phys::frame_mut(pa)[..8].try_into().expect("8 bytes"));
            f.freed = next;
            f.free_count -= 1;
            pa
        } else {
            loop {
                let c = f.cursor;
                if c >= f.n {
                    return None;
                }
                let (s, e) = f.ranges[c];
                if s < e {
                    f.ranges[c].0 = s + PAGE;
                    break s;
                }
                f.cursor += 1;
            }
        }
    };
    phys::frame_mut(pa).fill(0);
    Some(pa)
}

/// Returns a frame to the allocator.
pub fn free(pa: u64) {
    let mut f = FRAMES.lock();
    let next = f.freed;
    phys::frame_mut(pa)[..8].copy_from_slice(&next.to_le_bytes());
    f.freed = pa;
    f.free_count += 1;
}

/// Reference counts of shared frames (physical address -> holders). A
/// frame absent from the map has one owner, who frees it.
static SHARED: Mutex<BTreeMap<u64, u64>> = Mutex::new(BTreeMap::new());

/// Allocates one zeroed frame with a reference count of 1, for sharing.
pub fn share() -> Option<u64> {
    let pa = alloc()?;
    SHARED.lock().insert(pa, 1);
    Some(pa)
}

/// Adds a holder to the shared frame `pa`; returns false (and changes
/// nothing) if `pa` is not a shared frame.
pub fn get(pa: u64) -> bool {
    match SHARED.lock().get_mut(&pa) {
        Some(n) => {
            *n += 1;
            true
        }
        None => false,
    }
}

/// Drops one holder of `pa`: a shared frame is freed with its last holder,
/// any other frame at once (its one owner let go).
pub fn put(pa: u64) {
    {
        let mut shared = SHARED.lock();
        if let Some(n) = shared.get_mut(&pa) {
            *n -= 1;
            if *n > 0 {
                return;
            }
            shared.remove(&pa);
        }
    }
    free(pa);
}

/// Returns the free bytes (bump ranges plus freed frames).
pub fn free_bytes() -> u64 {
    FRAMES.lock().free_bytes()
}
