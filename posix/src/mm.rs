//! The program's address space: the list of mappings (VMAs) in the lower
//! half, the pages actually present, the heap break, the stack and its guard.
//! Key types: [`Mm`], [`Vma`], [`VmaKind`]. Neighbours: `loader` and `stack`
//! build the initial layout, `sys::mmap` turns syscalls into calls here,
//! `uaccess` and `Process::page_fault` resolve demand faults through
//! [`Mm::fault_in`]. Only this module calls `Platform::{map_zeroed, unmap,
//! protect}` after load, so it alone knows which pages are present.
//!
//! Layout (randomised from `Platform::random`, like Linux with
//! `randomize_va_space=2`): program at `0x5555_5555_4000 + 28 random page
//! bits` (ET_DYN), heap a random 0..32 MiB after it, stack top up to 16 GiB
//! below `USER_END`, mmap area below the stack, top-down. Page 0 up to
//! `USER_START` is never mapped (Linux `mmap_min_addr`).
//!
//! **W^X policy** (DESIGN.md decision 3, "no new executable pages"): a mapping
//! is never writable and executable at once, and only the program's own
//! `PF_X` segments may ever be executable. `mmap`/`mprotect` asking for
//! `PROT_WRITE|PROT_EXEC`, or `PROT_EXEC` on memory that did not come
//! executable from the ELF file, fail with `EACCES` — the errno SELinux's
//! `execmem` denial gives, which JITs already handle by falling back. Making
//! a text segment writable drops its right to become executable again
//! (like PaX MPROTECT), so code cannot be patched and re-armed.
//!
//! Deviations from Linux, all deliberate: the stack is a fixed 8 MiB
//! reservation (RLIMIT_STACK) that does not grow further, with a 64 KiB
//! guard region below it (Linux: 1 MiB `stack_guard_gap`); `MAP_SHARED`
//! anonymous memory behaves as private (one process, no fork).
//!
//! File mappings (`VmaKind::File`, in `mm_file`): private pages are read
//! from the file at first touch; MAP_SHARED pages are the file's own page
//! cache frames; SIGBUS beyond the end of the file. Out of frames: a
//! writable anonymous mmap larger than the free memory is ENOMEM (Linux's
//! heuristic overcommit); smaller mmaps and brk reserve lazily (Linux
//! overcommit), eager population gives ENOMEM, and a demand fault that
//! finds no frame is [`FaultError::OutOfMemory`] (the kernel reports it and
//! ends the program like Linux's OOM killer).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;

use crate::errno::SysResult;
use crate::platform::{Platform, Prot, UserAddr};
use crate::{bail, err};
use file::FileTable;

/// Page size (x86_64 base pages).
pub const PAGE: u64 = 4096;
/// Lowest address a mapping may have (Linux `mmap_min_addr` default 64 KiB).
pub const USER_START: u64 = 0x1_0000;
/// One past the highest user address (Linux `TASK_SIZE` with 4-level paging).
pub const USER_END: u64 = 0x7fff_ffff_f000;
/// Size of the stack reservation (RLIMIT_STACK default).
pub const STACK_SIZE: u64 = 8 << 20;
/// Size of the inaccessible region below the stack.
pub const STACK_GUARD: u64 = 16 * PAGE;
/// Lowest load base of a position-independent program (Linux `ELF_ET_DYN_BASE`).
pub const PIE_BASE: u64 = 0x5555_5555_4000;
/// Random page bits added to the PIE base and the mmap base (Linux `mmap_rnd_bits`).
const MMAP_RND_PAGES: u64 = 1 << 28;
/// Random page bits below `USER_END` for the stack top (Linux: 22 bits).
const STACK_RND_PAGES: u64 = 1 << 22;
/// Random range of the heap start after the program (Linux: 32 MiB).
const BRK_RND_PAGES: u64 = (32 << 20) / PAGE;
/// Gap between the stack reservation and the mmap area (Linux `MIN_GAP`).
const MMAP_GAP: u64 = 128 << 20;

/// What a mapping holds; used for fault reports and policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmaKind {
    /// A `PT_LOAD` segment of the program.
    Program,
    /// The `brk` heap.
    Heap,
    /// The main thread's stack.
    Stack,
    /// The inaccessible region below the stack.
    StackGuard,
    /// Anonymous memory from `mmap`.
    Anon,
    /// A file mapping (`mm_file`): pages come from the file at first touch.
    File(FileMap),
}

/// One mapping: `[start, end)` with its protection (start is the map key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vma {
    /// One past the last byte (page-aligned).
    pub end: u64,
    /// Current protection.
    pub prot: Prot,
    /// What it holds.
    pub kind: VmaKind,
    /// Whether `mprotect` may make it executable (W^X policy above).
    pub may_exec: bool,
}

/// Why a fault could not be resolved (printed in the SIGSEGV report).
pub type FaultReason = &'static str;

/// A fault that demand paging cannot resolve, by the signal Linux sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultError {
    /// SIGSEGV: no mapping, or the mapping forbids the access.
    Segv(FaultReason),
    /// SIGBUS: a file mapping touched beyond the end of its file.
    Bus(FaultReason),
    /// No frame for the page (Linux would run the OOM killer).
    OutOfMemory,
}

impl FaultError {
    /// Returns the reason for a report.
    pub fn reason(self) -> FaultReason {
        match self {
            FaultError::Segv(r) | FaultError::Bus(r) => r,
            FaultError::OutOfMemory => "out of memory while paging in",
        }
    }
}

/// The address space of the one process.
#[derive(Debug, Default)]
pub struct Mm {
    vmas: BTreeMap<u64, Vma>,
    /// Page addresses currently mapped in the platform.
    present: BTreeSet<u64>,
    mmap_base: u64,
    brk_start: u64,
    brk: u64,
    stack_top: u64,
    /// Files kept open by file mappings.
    files: FileTable,
}

/// Rounds down to a page boundary.
pub fn page_down(x: u64) -> u64 {
    x & !(PAGE - 1)
}

/// Rounds up to a page boundary; `None` on overflow.
pub fn page_up(x: u64) -> Option<u64> {
    Some(x.checked_add(PAGE - 1)? & !(PAGE - 1))
}

/// Returns a random page-aligned offset below `pages * PAGE`.
pub fn random_pages(p: &dyn Platform, pages: u64) -> u64 {
    let mut b = [0u8; 8];
    p.random(&mut b);
    (u64::from_le_bytes(b) % pages) * PAGE
}

/// Checks the W^X policy for a requested protection (see module header).
///
/// # Errors
/// `EACCES` for write+exec, or exec on memory not loaded executable.
pub fn check_wx(prot: Prot, may_exec: bool) -> SysResult<()> {
    if prot.write && prot.exec {
        bail!(EACCES, "W^X: writable and executable at once is refused");
    }
    if prot.exec && !may_exec {
        bail!(EACCES, "W^X: only the program's own text may be executable");
    }
    Ok(())
}

impl Mm {
    /// Returns an empty address space (no layout yet; see [`Mm::init_layout`]).
    pub fn new() -> Mm {
        Mm::default()
    }

    /// Chooses the random stack top and mmap base; call once before loading.
    pub fn init_layout(&mut self, p: &dyn Platform) {
        self.stack_top = USER_END - random_pages(p, STACK_RND_PAGES);
        self.mmap_base =
            self.stack_top - STACK_SIZE - STACK_GUARD - MMAP_GAP - random_pages(p, MMAP_RND_PAGES);
    }

    /// Returns a random load base for a position-independent program.
    pub fn pie_base(p: &dyn Platform) -> u64 {
        PIE_BASE + random_pages(p, MMAP_RND_PAGES)
    }

    /// Returns the top of the stack reservation (one past its last byte).
    pub fn stack_top(&self) -> u64 {
        self.stack_top
    }

    /// Returns the start of the top-down mmap area.
    pub fn mmap_base(&self) -> u64 {
        self.mmap_base
    }

    /// Returns the current program break.
    pub fn brk_current(&self) -> u64 {
        self.brk
    }

    /// Returns the first address of the heap.
    pub fn brk_start(&self) -> u64 {
        self.brk_start
    }

    /// Returns the mapping containing `addr` and its start.
    pub fn find(&self, addr: u64) -> Option<(u64, &Vma)> {
        let (start, vma) = self.vmas.range(..=addr).next_back()?;
        (addr < vma.end).then_some((*start, vma))
    }

    /// Iterates over the mappings as `(start, vma)` in address order.
    pub fn vmas(&self) -> impl Iterator<Item = (u64, &Vma)> {
        self.vmas.iter().map(|(s, v)| (*s, v))
    }

    /// Returns how many pages are present (resident).
    pub fn present_pages(&self) -> u64 {
        u64::try_from(self.present.len()).unwrap_or(u64::MAX)
    }

    /// Returns whether the page at `page` is mapped in the platform.
    pub fn is_present(&self, page: u64) -> bool {
        self.present.contains(&page_down(page))
    }

    /// Returns whether no mapping overlaps `[start, end)`.
    pub fn is_free(&self, start: u64, end: u64) -> bool {
        if start >= end {
            return true;
        }
        self.find(start).is_none() && self.vmas.range(start..end).next().is_none()
    }

    /// Returns whether `[start, end)` is page-aligned and inside the user range.
    fn in_user_range(start: u64, end: u64) -> bool {
        start >= USER_START && end <= USER_END && start < end
    }

    /// Adds a mapping over a free, page-aligned range (no pages made present).
    ///
    /// # Errors
    /// `ENOMEM` if the range is not free or outside the user range.
    pub fn insert(&mut self, start: u64, vma: Vma) -> SysResult<()> {
        if !Self::in_user_range(start, vma.end)
            || !start.is_multiple_of(PAGE)
            || !vma.end.is_multiple_of(PAGE)
        {
            bail!(ENOMEM, "mapping outside the user range");
        }
        if !self.is_free(start, vma.end) {
            bail!(ENOMEM, "range already mapped");
        }
        self.vmas.insert(start, vma);
        Ok(())
    }

    /// Makes every page of `[start, end)` present with protection `prot`
    /// (eager mapping, used by the loader); pages already present are kept.
    ///
    /// # Errors
    /// `ENOMEM` when the platform runs out of frames.
    pub fn populate(
        &mut self,
        p: &dyn Platform,
        start: u64,
        end: u64,
        prot: Prot,
    ) -> SysResult<()> {
        let mut page = start;
        while page < end {
            // Map runs of absent pages in one platform call.
            if self.present.contains(&page) {
                page += PAGE;
                continue;
            }
            let run_start = page;
            while page < end && !self.present.contains(&page) {
                page += PAGE;
            }
            p.map_zeroed(UserAddr(run_start), page - run_start, prot)
                .map_err(|_| err!(ENOMEM, "out of physical memory"))?;
            let mut q = run_start;
            while q < page {
                self.present.insert(q);
                q += PAGE;
            }
        }
        Ok(())
    }

    /// Splits the mapping containing `addr` so that a mapping starts there.
    fn split_at(&mut self, addr: u64) {
        let Some((start, vma)) = self.find(addr).map(|(s, v)| (s, *v)) else {
            return;
        };
        if start == addr {
            return;
        }
        self.vmas.insert(start, Vma { end: addr, ..vma });
        let mut upper = vma;
        if let VmaKind::File(fm) = &mut upper.kind {
            // The upper piece starts further into the file.
            fm.offset += addr - start;
        }
        self.vmas.insert(addr, upper);
    }

    /// Coalesces the mapping starting at `start` with neighbours of the
    /// same kind and protection, as Linux's `vma_merge` does, so that a
    /// range grown piecewise is one mapping again (mremap needs that).
    fn merge_at(&mut self, start: u64) {
        let Some(v) = self.vmas.get(&start).copied() else {
            return;
        };
        let same =
            |a: &Vma, b: &Vma| a.prot == b.prot && a.kind == b.kind && a.may_exec == b.may_exec;
        let mut start = start;
        let prev = self.vmas.range(..start).next_back().map(|(s, v)| (*s, *v));
        if let Some((ps, pv)) = prev.filter(|(_, pv)| pv.end == start && same(pv, &v)) {
            self.vmas.remove(&start);
            self.vmas.insert(ps, Vma { end: v.end, ..pv });
            start = ps;
        }
        let Some(cur) = self.vmas.get(&start).copied() else {
            return;
        };
        if let Some(next) = self.vmas.get(&cur.end).copied().filter(|n| same(&cur, n)) {
            self.vmas.remove(&cur.end);
            self.vmas.insert(
                start,
                Vma {
                    end: next.end,
                    ..cur
                },
            );
        }
    }

    /// Forgets and unmaps the present pages of `[start, end)`.
    fn drop_pages(&mut self, p: &dyn Platform, start: u64, end: u64) {
        let mut tail = self.present.split_off(&start);
        let mut after = tail.split_off(&end);
        self.present.append(&mut after);
        if !tail.is_empty() {
            p.unmap(UserAddr(start), end - start);
        }
    }

    /// Removes every mapping in `[start, end)` and unmaps its pages
    /// (page-aligned arguments).
    pub fn remove_range(&mut self, p: &dyn Platform, start: u64, end: u64) {
        self.split_at(start);
        self.split_at(end);
        let doomed: alloc::vec::Vec<u64> = self.vmas.range(start..end).map(|(s, _)| *s).collect();
        for s in doomed {
            self.vmas.remove(&s);
        }
        self.drop_pages(p, start, end);
        self.collect_files();
    }

    /// Returns whether `[start, end)` is covered by mappings without holes.
    fn covered(&self, start: u64, end: u64) -> bool {
        let mut cur = start;
        while cur < end {
            match self.find(cur) {
                Some((_, v)) => cur = v.end,
                None => return false,
            }
        }
        true
    }

    /// Finds a free range of `len` bytes, top-down below `below`, then
    /// bottom-up above it (Linux's fallback).
    fn find_gap(&self, len: u64, below: u64) -> Option<u64> {
        let mut hi = below.min(USER_END);
        for (start, vma) in self.vmas.range(..below).rev() {
            let lo = vma.end.max(USER_START);
            if hi >= lo && hi - lo >= len {
                return Some(page_down(hi - len));
            }
            hi = hi.min(*start);
        }
        if hi >= USER_START && hi - USER_START >= len {
            return Some(page_down(hi - len));
        }
        let mut lo = below.max(USER_START);
        for (start, vma) in self.vmas.range(below..) {
            if *start >= lo && *start - lo >= len {
                return Some(lo);
            }
            lo = lo.max(vma.end);
        }
        (USER_END >= lo && USER_END - lo >= len).then_some(lo)
    }

    /// Maps anonymous memory (mmap(2) with `MAP_ANONYMOUS`); pages come on
    /// demand. `fixed` replaces what was there (`MAP_FIXED`), `noreplace`
    /// fails instead (`MAP_FIXED_NOREPLACE`); otherwise `addr` is a hint.
    ///
    /// # Errors
    /// `EINVAL` (misaligned fixed address, zero length), `EPERM` (fixed
    /// below `USER_START`), `EEXIST` (noreplace collision), `ENOMEM` (no
    /// room, or beyond the user range), `EACCES` (W^X).
    pub fn mmap_anon(
        &mut self,
        p: &dyn Platform,
        addr: u64,
        len: u64,
        prot: Prot,
        fixed: bool,
        noreplace: bool,
    ) -> SysResult<u64> {
        if len == 0 {
            bail!(EINVAL, "zero length");
        }
        let len = page_up(len).ok_or(err!(ENOMEM, "length overflows"))?;
        check_wx(prot, false)?;
        // Linux's heuristic overcommit (OVERCOMMIT_GUESS, mm/util.c
        // __vm_enough_memory): one writable private request larger than
        // the memory there is fails at once with ENOMEM instead of being
        // killed later; smaller ones are reserved lazily as above.
        if prot.write && p.free_memory().is_some_and(|free| len > free) {
            bail!(ENOMEM, "larger than the free memory (overcommit heuristic)");
        }
        let vma = |end| Vma {
            end,
            prot,
            kind: VmaKind::Anon,
            may_exec: false,
        };
        if fixed || noreplace {
            if !addr.is_multiple_of(PAGE) {
                bail!(EINVAL, "MAP_FIXED address not page-aligned");
            }
            if addr < USER_START {
                bail!(EPERM, "below mmap_min_addr");
            }
            let end = addr
                .checked_add(len)
                .filter(|e| *e <= USER_END)
                .ok_or(err!(ENOMEM, "beyond the user address range"))?;
            if noreplace && !self.is_free(addr, end) {
                bail!(EEXIST, "MAP_FIXED_NOREPLACE range in use");
            }
            self.remove_range(p, addr, end);
            self.vmas.insert(addr, vma(end));
            self.merge_at(addr);
            return Ok(addr);
        }
        let hint = page_down(addr);
        let start = match hint.checked_add(len) {
            Some(end) if hint >= USER_START && end <= USER_END && self.is_free(hint, end) => hint,
            _ => self
                .find_gap(len, self.mmap_base)
                .ok_or(err!(ENOMEM, "no free range of that size"))?,
        };
        self.vmas.insert(start, vma(start + len));
        self.merge_at(start);
        Ok(start)
    }

    /// Removes mappings (munmap(2)); unmapping nothing is not an error.
    ///
    /// # Errors
    /// `EINVAL` for a misaligned address, zero length or a range outside
    /// the user address space.
    pub fn munmap(&mut self, p: &dyn Platform, addr: u64, len: u64) -> SysResult<()> {
        if !addr.is_multiple_of(PAGE) {
            bail!(EINVAL, "address not page-aligned");
        }
        if len == 0 {
            bail!(EINVAL, "zero length");
        }
        let end = page_up(len)
            .and_then(|l| addr.checked_add(l))
            .filter(|e| *e <= USER_END)
            .ok_or(err!(EINVAL, "range beyond the user address space"))?;
        self.remove_range(p, addr.max(USER_START).min(end), end);
        Ok(())
    }

    /// Changes protection (mprotect(2)), applying the W^X policy.
    ///
    /// # Errors
    /// `EINVAL` misaligned start; `ENOMEM` range not fully mapped; `EACCES` W^X.
    pub fn mprotect(&mut self, p: &dyn Platform, addr: u64, len: u64, prot: Prot) -> SysResult<()> {
        if !addr.is_multiple_of(PAGE) {
            bail!(EINVAL, "address not page-aligned");
        }
        let end = page_up(len)
            .and_then(|l| addr.checked_add(l))
            .ok_or(err!(ENOMEM, "range overflows"))?;
        if addr == end {
            return Ok(());
        }
        if !self.covered(addr, end) {
            bail!(ENOMEM, "range not fully mapped");
        }
        for (_, vma) in self.vmas.range(..end).filter(|(_, v)| v.end > addr) {
            check_wx(prot, vma.may_exec)?;
            if matches!(vma.kind, VmaKind::File(fm) if fm.shared && !fm.may_write) && prot.write {
                // mprotect(2) EACCES: "The memory cannot be given the
                // specified access ... a file that is not open for writing
                // ... mapped MAP_SHARED".
                bail!(
                    EACCES,
                    "PROT_WRITE on a MAP_SHARED mapping of a read-only fd"
                );
            }
        }
        self.split_at(addr);
        self.split_at(end);
        for (_, vma) in self.vmas.range_mut(addr..end) {
            vma.prot = prot;
            if prot.write {
                vma.may_exec = false;
            }
        }
        p.protect(UserAddr(addr), end - addr, prot);
        if let Some((last, _)) = self.find(end - 1).map(|(s, v)| (s, *v)) {
            self.merge_at(last);
        }
        self.merge_at(addr);
        Ok(())
    }

    /// Discards pages (madvise(2) `MADV_DONTNEED`): the mapping stays and
    /// the next touch gives a zero page, as for Linux private anonymous memory.
    ///
    /// # Errors
    /// `EINVAL` misaligned start or program segments (their contents would
    /// have to come back from the file); `ENOMEM` range not fully mapped.
    pub fn dontneed(&mut self, p: &dyn Platform, addr: u64, len: u64) -> SysResult<()> {
        if !addr.is_multiple_of(PAGE) {
            bail!(EINVAL, "address not page-aligned");
        }
        let end = page_up(len)
            .and_then(|l| addr.checked_add(l))
            .ok_or(err!(EINVAL, "range overflows"))?;
        if addr == end {
            return Ok(());
        }
        if !self.covered(addr, end) {
            bail!(ENOMEM, "range not fully mapped");
        }
        let program = self
            .vmas
            .range(..end)
            .any(|(_, v)| v.end > addr && v.kind == VmaKind::Program);
        if program {
            bail!(EINVAL, "MADV_DONTNEED on program segments is not supported");
        }
        self.drop_pages(p, addr, end);
        Ok(())
    }

    /// Resizes or moves anonymous memory (mremap(2)). `may_move` is
    /// MREMAP_MAYMOVE; `fixed` is MREMAP_FIXED's target. Present pages move
    /// by copy through the platform (there is no page-table move call).
    ///
    /// # Errors
    /// `EINVAL` (alignment, zero lengths, overlap, non-anonymous mappings),
    /// `EFAULT` (old range not inside one mapping), `ENOMEM` (cannot grow
    /// in place without MREMAP_MAYMOVE, no room, out of memory).
    pub fn mremap(
        &mut self,
        p: &dyn Platform,
        old: u64,
        old_len: u64,
        new_len: u64,
        may_move: bool,
        fixed: Option<u64>,
    ) -> SysResult<u64> {
        if !old.is_multiple_of(PAGE) {
            bail!(EINVAL, "old address not page-aligned");
        }
        let (Some(old_len), Some(new_len)) = (page_up(old_len), page_up(new_len)) else {
            bail!(EINVAL, "length overflows");
        };
        if new_len == 0 || old_len == 0 {
            bail!(EINVAL, "zero length (old_size 0 needs a shared mapping)");
        }
        let old_end = old
            .checked_add(old_len)
            .ok_or(err!(EINVAL, "old range overflows"))?;
        let vma = match self.find(old) {
            Some((_, v)) if v.end >= old_end => *v,
            _ => bail!(EFAULT, "old range not inside one mapping"),
        };
        if vma.kind != VmaKind::Anon {
            bail!(EINVAL, "only anonymous mmap memory can be remapped");
        }
        if let Some(dst) = fixed {
            if !dst.is_multiple_of(PAGE) {
                bail!(EINVAL, "new address not page-aligned");
            }
            let dst_end = dst
                .checked_add(new_len)
                .filter(|e| *e <= USER_END && dst >= USER_START)
                .ok_or(err!(EINVAL, "new range outside user space"))?;
            if dst < old_end && old < dst_end {
                bail!(EINVAL, "old and new ranges overlap");
            }
            self.remove_range(p, dst, dst_end);
            return self.move_range(p, old, old_len, dst, new_len, vma);
        }
        if new_len <= old_len {
            self.remove_range(p, old + new_len, old_end);
            return Ok(old);
        }
        let grow_end = old.checked_add(new_len).filter(|e| *e <= USER_END);
        if let Some(grow_end) = grow_end.filter(|e| self.is_free(old_end, *e)) {
            self.vmas.insert(
                old_end,
                Vma {
                    end: grow_end,
                    ..vma
                },
            );
            self.merge_at(old_end);
            return Ok(old);
        }
        if !may_move {
            bail!(ENOMEM, "cannot grow in place and MREMAP_MAYMOVE not given");
        }
        let dst = self
            .find_gap(new_len, self.mmap_base)
            .ok_or(err!(ENOMEM, "no free range of that size"))?;
        self.move_range(p, old, old_len, dst, new_len, vma)
    }

    /// Moves `[old, old+old_len)` to a free `[dst, dst+new_len)`, copying
    /// present pages, then unmaps the old range.
    fn move_range(
        &mut self,
        p: &dyn Platform,
        old: u64,
        old_len: u64,
        dst: u64,
        new_len: u64,
        vma: Vma,
    ) -> SysResult<u64> {
        self.vmas.insert(
            dst,
            Vma {
                end: dst + new_len,
                ..vma
            },
        );
        let keep = old_len.min(new_len);
        let pages: alloc::vec::Vec<u64> = self.present.range(old..old + keep).copied().collect();
        let readable = vma.prot.read || vma.prot.write || vma.prot.exec;
        let mut buf = alloc::vec![0u8; 4096];
        for src in pages {
            let to = dst + (src - old);
            if !readable {
                // PROT_NONE: open the old page for the copy; it goes away after.
                p.protect(UserAddr(src), PAGE, Prot::R);
            }
            let copied = p.copy_from_user(UserAddr(src), &mut buf).is_ok()
                && p.map_zeroed(UserAddr(to), PAGE, Prot::RW).is_ok();
            if !copied {
                self.remove_range(p, dst, dst + new_len);
                if !readable {
                    p.protect(UserAddr(src), PAGE, vma.prot);
                }
                bail!(ENOMEM, "out of memory while moving pages");
            }
            self.present.insert(to);
            if p.copy_to_user(UserAddr(to), &buf).is_err() {
                self.remove_range(p, dst, dst + new_len);
                bail!(ENOMEM, "could not fill a moved page");
            }
            if vma.prot != Prot::RW {
                p.protect(UserAddr(to), PAGE, vma.prot);
            }
        }
        self.remove_range(p, old, old + old_len);
        self.merge_at(dst);
        Ok(dst)
    }

    /// Sets where the heap starts: a random 0..32 MiB after `program_end`.
    pub fn init_brk(&mut self, p: &dyn Platform, program_end: u64) {
        let base = page_up(program_end).unwrap_or(USER_END);
        self.brk_start = base.saturating_add(random_pages(p, BRK_RND_PAGES));
        self.brk = self.brk_start;
    }

    /// Moves the program break (brk(2), the raw syscall): returns the new
    /// break, or the old one when the request is refused (Linux semantics:
    /// the raw syscall never returns an errno).
    pub fn brk(&mut self, p: &dyn Platform, new: u64) -> u64 {
        if new < self.brk_start || self.brk_start == 0 {
            return self.brk;
        }
        let (Some(old_end), Some(new_end)) = (page_up(self.brk), page_up(new)) else {
            return self.brk;
        };
        if new_end > old_end {
            if new_end > USER_END || !self.is_free(old_end, new_end) {
                return self.brk;
            }
            // Extend the last heap piece when it ends at the break, else add one.
            let last = self
                .find(old_end.wrapping_sub(1))
                .filter(|(_, v)| v.kind == VmaKind::Heap && v.prot == Prot::RW)
                .map(|(s, _)| s);
            match last.and_then(|s| self.vmas.get_mut(&s)) {
                Some(vma) => vma.end = new_end,
                None => {
                    self.vmas.insert(
                        old_end,
                        Vma {
                            end: new_end,
                            prot: Prot::RW,
                            kind: VmaKind::Heap,
                            may_exec: false,
                        },
                    );
                }
            }
        } else if new_end < old_end {
            self.remove_range(p, new_end, old_end);
        }
        self.brk = new;
        self.brk
    }

    /// Reserves the stack and its guard below [`Mm::stack_top`].
    ///
    /// # Errors
    /// `ENOMEM` if the range is taken (cannot happen on a fresh layout).
    pub fn init_stack(&mut self) -> SysResult<()> {
        let bottom = self.stack_top - STACK_SIZE;
        self.insert(
            bottom - STACK_GUARD,
            Vma {
                end: bottom,
                prot: Prot::NONE,
                kind: VmaKind::StackGuard,
                may_exec: false,
            },
        )?;
        self.insert(
            bottom,
            Vma {
                end: self.stack_top,
                prot: Prot::RW,
                kind: VmaKind::Stack,
                may_exec: false,
            },
        )
    }

    /// Resolves a fault at `addr` by mapping a zero page if a mapping
    /// allows the access and the page is absent (demand paging).
    ///
    /// # Errors
    /// Why the access is not allowed, for the SIGSEGV report.
    pub fn fault_in(
        &mut self,
        p: &dyn Platform,
        addr: u64,
        write: bool,
        exec: bool,
    ) -> Result<(), FaultReason> {
        self.fault_in_detail(p, addr, write, exec)
            .map_err(FaultError::reason)
    }

    /// Like [`Mm::fault_in`], saying which signal an unresolved fault is.
    ///
    /// # Errors
    /// SIGSEGV or SIGBUS with the reason, or out of memory.
    pub fn fault_in_detail(
        &mut self,
        p: &dyn Platform,
        addr: u64,
        write: bool,
        exec: bool,
    ) -> Result<(), FaultError> {
        let segv = |r| Err(FaultError::Segv(r));
        let Some((start, vma)) = self.find(addr) else {
            return segv("address not mapped");
        };
        let vma = *vma;
        if vma.kind == VmaKind::StackGuard {
            return segv("stack overflow (hit the guard region below the stack)");
        }
        let prot = vma.prot;
        if !prot.read && !prot.write && !prot.exec {
            return segv("access to a PROT_NONE mapping");
        }
        if write && !prot.write {
            return segv("write to a read-only mapping");
        }
        if exec && !prot.exec {
            return segv("execute in a non-executable mapping (NX)");
        }
        let page = page_down(addr);
        if self.present.contains(&page) {
            return segv("protection fault on a present page");
        }
        if let VmaKind::File(fm) = vma.kind {
            return self.fill_file_page(p, start, vma, fm, page);
        }
        p.map_zeroed(UserAddr(page), PAGE, prot)
            .map_err(|_| FaultError::OutOfMemory)?;
        self.present.insert(page);
        Ok(())
    }

    /// Describes the mapping containing `addr`, e.g. `"[heap] rw- 0x...-0x..."`.
    pub fn describe(&self, addr: u64) -> String {
        let Some((start, vma)) = self.find(addr) else {
            if addr < USER_START {
                return String::from("unmapped (NULL page)");
            }
            return String::from("unmapped");
        };
        let label = match vma.kind {
            VmaKind::Program if vma.prot.exec => "program text",
            VmaKind::Program if vma.prot.write => "program data",
            VmaKind::Program => "program rodata",
            VmaKind::Heap => "[heap]",
            VmaKind::Stack => "[stack]",
            VmaKind::StackGuard => "stack guard (stack overflow?)",
            VmaKind::Anon => "[anon]",
            VmaKind::File(fm) if fm.shared => "[shared file mapping]",
            VmaKind::File(_) => "[file mapping]",
        };
        format!("{label} {} {start:#x}-{:#x}", vma.prot.rwx(), vma.end)
    }
}

#[path = "mm_file.rs"]
mod file;
pub use file::{FileMap, FileMapRequest};

#[cfg(test)]
#[path = "mm_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "mm_file_tests.rs"]
mod file_tests;
