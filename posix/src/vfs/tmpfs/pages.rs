//! The contents of a tmpfs regular file: a sparse map of 4 KiB pages plus
//! the file size, so holes cost nothing, `truncate` to a huge size cannot
//! exhaust kernel memory, and `st_blocks` counts what is really allocated
//! (stat(2): st_blocks "may be smaller than st_size/512 when the file has
//! holes"). Page accounting against the filesystem limit is the caller's.
//!
//! A page is the file's own heap memory until a `MAP_SHARED` mapping first
//! asks for it ([`Pages::share`]); it then moves into a platform
//! [`SharedPage`] that the mappings map directly, so reads, writes and
//! every mapping see the same bytes (Linux's shmem page cache). Files never
//! mapped shared cost no frames of their own.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;

use crate::platform::SharedPage;

/// Size of one page of file data.
pub const PAGE: u64 = 4096;
/// Largest file size (`MAX_LFS_FILESIZE` on 64-bit, include/linux/fs.h).
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// A sparse file body.
#[derive(Debug, Default)]
pub struct Pages {
    /// Logical size in bytes.
    pub size: u64,
    pages: BTreeMap<u64, Page>,
}

/// One allocated page of file data.
enum Page {
    /// Only the file sees it.
    Own(Box<[u8]>),
    /// Also mapped (or mappable) by `MAP_SHARED` mappings.
    Shared(Arc<dyn SharedPage>),
}

impl core::fmt::Debug for Page {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Page::Own(_) => "Own",
            Page::Shared(_) => "Shared",
        })
    }
}

impl Page {
    fn read(&self, at: usize, dst: &mut [u8]) {
        match self {
            Page::Own(b) => dst.copy_from_slice(&b[at..at + dst.len()]),
            Page::Shared(s) => s.read(at, dst),
        }
    }

    fn write(&mut self, at: usize, src: &[u8]) {
        match self {
            Page::Own(b) => b[at..at + src.len()].copy_from_slice(src),
            Page::Shared(s) => s.write(at, src),
        }
    }

    fn zero(&mut self, from: usize, to: usize) {
        match self {
            Page::Own(b) => b[from..to].fill(0),
            Page::Shared(s) => s.write(from, &[0; PAGE as usize][..to - from]),
        }
    }
}

/// A zeroed page from the kernel heap, or `None` if the heap is full.
fn zeroed_page() -> Option<Box<[u8]>> {
    let mut v = alloc::vec::Vec::new();
    v.try_reserve_exact(PAGE as usize).ok()?;
    v.resize(PAGE as usize, 0);
    Some(v.into_boxed_slice())
}

fn split(pos: u64) -> (u64, usize) {
    // pos % PAGE < 4096 fits usize.
    (pos / PAGE, (pos % PAGE) as usize)
}

impl Pages {
    /// Returns how many pages are allocated.
    pub fn page_count(&self) -> u64 {
        self.pages.len() as u64
    }

    /// Copies bytes at `offset` into `buf`, holes reading as zeros; returns
    /// the count (0 at or past the end).
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> usize {
        if offset >= self.size {
            return 0;
        }
        let n = usize::try_from(self.size - offset).map_or(buf.len(), |left| left.min(buf.len()));
        let mut done = 0;
        while done < n {
            let (idx, in_page) = split(offset + done as u64);
            let chunk = (PAGE as usize - in_page).min(n - done);
            let dst = &mut buf[done..done + chunk];
            match self.pages.get(&idx) {
                Some(p) => p.read(in_page, dst),
                None => dst.fill(0),
            }
            done += chunk;
        }
        n
    }

    /// Returns whether page `idx` exists, allocating it if the kernel heap
    /// has room and `alloc` agrees (the filesystem's space check, asked
    /// only once the memory is in hand so a refusal leaves its count
    /// alone). A full heap is the filesystem running out of space
    /// (ENOSPC for the writer, as Linux's shmem when it cannot get a
    /// page), never a kernel stop.
    fn ensure(&mut self, idx: u64, alloc: &mut dyn FnMut() -> bool) -> bool {
        if self.pages.contains_key(&idx) {
            return true;
        }
        let Some(page) = zeroed_page() else {
            return false;
        };
        if !alloc() {
            return false;
        }
        self.pages.insert(idx, Page::Own(page));
        true
    }

    /// Returns page `idx` as a [`SharedPage`] for a `MAP_SHARED` mapping:
    /// a hole is allocated if `alloc` agrees (the filesystem's space
    /// check), a page of the file's own moves into a page from `make`.
    /// `None` when either refuses.
    pub fn share(
        &mut self,
        idx: u64,
        alloc: &mut dyn FnMut() -> bool,
        make: &mut dyn FnMut() -> Option<Arc<dyn SharedPage>>,
    ) -> Option<Arc<dyn SharedPage>> {
        if let Some(Page::Shared(s)) = self.pages.get(&idx) {
            return Some(Arc::clone(s));
        }
        let shared = make()?;
        match self.pages.get(&idx) {
            Some(Page::Own(b)) => shared.write(0, b),
            _ if !alloc() => return None,
            _ => {}
        }
        self.pages.insert(idx, Page::Shared(Arc::clone(&shared)));
        Some(shared)
    }

    /// Writes `buf` at `offset`, growing the size; stops early when `alloc`
    /// refuses a page and returns the bytes written. The caller has checked
    /// `offset + buf.len() <= MAX_FILE_SIZE`.
    pub fn write(&mut self, offset: u64, buf: &[u8], alloc: &mut dyn FnMut() -> bool) -> usize {
        let mut done = 0;
        while done < buf.len() {
            let (idx, in_page) = split(offset + done as u64);
            if !self.ensure(idx, alloc) {
                break;
            }
            let chunk = (PAGE as usize - in_page).min(buf.len() - done);
            if let Some(p) = self.pages.get_mut(&idx) {
                p.write(in_page, &buf[done..done + chunk]);
            }
            done += chunk;
        }
        let end = offset + done as u64;
        if done > 0 && end > self.size {
            self.size = end;
        }
        done
    }

    /// Zeroes `[from, to)` inside the existing pages and drops pages wholly
    /// inside it; returns how many pages were freed.
    pub fn punch(&mut self, from: u64, to: u64) -> u64 {
        if from >= to {
            return 0;
        }
        let first_full = from.div_ceil(PAGE);
        let end_full = to / PAGE;
        let mut freed = 0;
        if first_full < end_full {
            let doomed: alloc::vec::Vec<u64> = self
                .pages
                .range(first_full..end_full)
                .map(|(k, _)| *k)
                .collect();
            for k in doomed {
                self.pages.remove(&k);
                freed += 1;
            }
        }
        // Partial pages at either edge: zero the covered bytes.
        for idx in [from / PAGE, (to - 1) / PAGE] {
            if let Some(p) = self.pages.get_mut(&idx) {
                let start = from.max(idx * PAGE) - idx * PAGE;
                let end = to.min((idx + 1) * PAGE) - idx * PAGE;
                // Both are within 0..=PAGE.
                p.zero(start as usize, end as usize);
            }
        }
        freed
    }

    /// Sets the size; shrinking frees pages past it and zeroes the tail of
    /// the last page so a later extension reads zeros (truncate(2)).
    /// Returns how many pages were freed.
    pub fn set_size(&mut self, len: u64) -> u64 {
        let mut freed = 0;
        if len < self.size {
            let keep = len.div_ceil(PAGE);
            let doomed: alloc::vec::Vec<u64> = self.pages.range(keep..).map(|(k, _)| *k).collect();
            for k in doomed {
                self.pages.remove(&k);
                freed += 1;
            }
            let (idx, in_page) = split(len);
            if in_page != 0 {
                if let Some(p) = self.pages.get_mut(&idx) {
                    p.zero(in_page, PAGE as usize);
                }
            }
        }
        self.size = len;
        freed
    }

    /// Allocates every page touching `[from, to)`; returns false (having
    /// allocated some) when `alloc` refuses.
    pub fn allocate(&mut self, from: u64, to: u64, alloc: &mut dyn FnMut() -> bool) -> bool {
        if from >= to {
            return true;
        }
        (from / PAGE..to.div_ceil(PAGE)).all(|idx| self.ensure(idx, alloc))
    }

    /// Returns the first offset at or after `from` that is data (`data`)
    /// or a hole (`!data`), for SEEK_DATA/SEEK_HOLE (lseek(2)); `None` when
    /// no data follows. The end of file counts as a hole.
    pub fn seek(&self, from: u64, data: bool) -> Option<u64> {
        if from >= self.size {
            return None;
        }
        let mut idx = from / PAGE;
        loop {
            let pos = (idx * PAGE).max(from);
            if pos >= self.size {
                return if data { None } else { Some(self.size) };
            }
            if self.pages.contains_key(&idx) == data {
                return Some(pos);
            }
            if data {
                // Jump to the next allocated page.
                idx = *self.pages.range(idx..).next()?.0;
            } else {
                idx += 1;
            }
        }
    }
}
