//! File-backed mappings of [`Mm`] (mmap(2) with a file descriptor): the
//! table of mapped files, [`Mm::mmap_file`], and the fault paths: a private
//! page is filled from the file with `FileOps::pread` (copy-on-fault: the
//! page is the mapping's own from then on); a shared page *is* the file's
//! page. Neighbours: `sys::mmap` decodes the call and takes the file from
//! the fd table; `mm` owns the VMAs; the file's page cache (tmpfs `pages`)
//! hands out its pages as platform [`SharedPage`]s.
//!
//! Why shared frames: `MAP_SHARED` must make a store through the mapping
//! visible at once to read(2), to other threads and to every other mapping
//! of the same page, and a write(2) visible through the mappings (mmap(2)).
//! Copying between the mapping and the file at syscalls cannot give two
//! mappings of one page the same bytes between syscalls; mapping the one
//! frame everywhere does, with no bookkeeping of dirty pages, and makes
//! msync(2) a no-op as on Linux's shmem. The frame's lifetime is the
//! platform's (a reference count held by the page cache and by each page
//! table entry), so nothing here can leave the program a freed frame.
//!
//! Semantics and deviations (mmap(2)):
//! - `MAP_PRIVATE`, read-only or writable: writes stay in the mapping and
//!   are never seen through read(2), exactly as on Linux. A page is read
//!   from the file at its first touch; later changes to the file are not
//!   seen by pages already present (Linux leaves that unspecified too:
//!   "It is unspecified whether changes made to the file after the mmap()
//!   call are visible in the mapped region").
//! - `MAP_SHARED`: each page maps the file's page (`FileOps::shared_page`),
//!   readable and, if the mapping allows it, writable. `PROT_WRITE` (at
//!   mmap or later by mprotect) needs a file open for writing, else
//!   `EACCES` as on Linux. A file whose filesystem cannot share pages (the
//!   read-only root) is served by copies when read-only (its bytes never
//!   change) and gives `SIGBUS` at the first touch when writable.
//!   Deviations: truncating a file does not unmap its pages from shared
//!   mappings (Linux's `unmap_mapping_range`), so a page cut off keeps its
//!   old frame instead of giving SIGBUS; stores through a mapping do not
//!   update the file's mtime.
//! - `PROT_EXEC`: `EACCES`, the W^X policy of `mm` (only the program's own
//!   text is ever executable).
//! - A touch of a page wholly beyond the end of the file is `SIGBUS`, as
//!   on Linux; the tail of the last partial page reads as zeros.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;

use super::{page_down, page_up, FaultError, Mm, Vma, VmaKind, PAGE, USER_END, USER_START};
use crate::errno::{Errno, SysResult};
use crate::fd::FileOps;
use crate::platform::{Platform, Prot, SharedPage, UserAddr};
use crate::{bail, err};

/// Which file a [`VmaKind::File`] mapping shows, and from where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMap {
    /// Key of the file in the address space's file table.
    pub id: u32,
    /// File offset of the mapping's first byte.
    pub offset: u64,
    /// Mapped with `MAP_SHARED`: pages are the file's own.
    pub shared: bool,
    /// The file was open for writing, so a shared mapping may be (or be
    /// made by mprotect) writable (Linux's `VM_MAYWRITE`).
    pub may_write: bool,
}

/// The open files that mappings keep alive (mmap(2): "closing the file
/// descriptor does not unmap the region").
#[derive(Default)]
pub(super) struct FileTable {
    pub(super) files: BTreeMap<u32, Arc<dyn FileOps>>,
    next: u32,
}

impl core::fmt::Debug for FileTable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FileTable")
            .field("files", &self.files.len())
            .finish()
    }
}

/// How a file mapping is asked for (the decoded mmap(2) arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMapRequest {
    /// Address hint or fixed address.
    pub addr: u64,
    /// Length in bytes (rounded up to pages).
    pub len: u64,
    /// Protection.
    pub prot: Prot,
    /// File offset (page-aligned).
    pub offset: u64,
    /// `MAP_SHARED` rather than `MAP_PRIVATE`.
    pub shared: bool,
    /// `MAP_FIXED`.
    pub fixed: bool,
    /// `MAP_FIXED_NOREPLACE`.
    pub noreplace: bool,
}

impl Mm {
    /// Maps a file (mmap(2) without `MAP_ANONYMOUS`); pages are read from
    /// `file` when first touched.
    ///
    /// # Errors
    /// `EACCES` (file not open for reading, shared and writable on a file
    /// not open for writing, or W^X), `EINVAL` (misaligned offset, zero
    /// length), `EOVERFLOW` (offset + length overflows), and the errnos of
    /// [`Mm::mmap_anon`] for the placement.
    pub fn mmap_file(
        &mut self,
        p: &dyn Platform,
        file: Arc<dyn FileOps>,
        req: FileMapRequest,
    ) -> SysResult<u64> {
        if req.len == 0 {
            bail!(EINVAL, "zero length");
        }
        if !req.offset.is_multiple_of(PAGE) {
            bail!(EINVAL, "offset not page-aligned");
        }
        let len = page_up(req.len).ok_or(err!(ENOMEM, "length overflows"))?;
        if req.offset.checked_add(len).is_none() {
            bail!(EOVERFLOW, "offset + length overflows");
        }
        // mmap(2) EACCES: "a file mapping was requested, but fd is not open
        // for reading".
        if file.description().check_readable().is_err() {
            bail!(EACCES, "file not open for reading");
        }
        let may_write = file.description().check_writable().is_ok();
        // mmap(2) EACCES: "MAP_SHARED was requested and PROT_WRITE is set,
        // but fd is not open in read/write (O_RDWR) mode".
        if req.shared && req.prot.write && !may_write {
            bail!(
                EACCES,
                "MAP_SHARED|PROT_WRITE of a file not open for writing"
            );
        }
        // Place it as anonymous memory would be placed, then retag it.
        let start = self.mmap_anon(p, req.addr, len, req.prot, req.fixed, req.noreplace)?;
        let id = self.files.next;
        self.files.next = self.files.next.wrapping_add(1);
        self.files.files.insert(id, file);
        // mmap_anon may have merged the range into a neighbour: cut it out.
        self.split_at(start);
        self.split_at(start + len);
        if let Some(v) = self.vmas.get_mut(&start) {
            v.kind = VmaKind::File(FileMap {
                id,
                offset: req.offset,
                shared: req.shared,
                may_write,
            });
        }
        let prev = self.vmas.range(..start).next_back().map(|(s, _)| *s);
        for s in [prev, Some(start + len)].into_iter().flatten() {
            self.merge_at(s);
        }
        Ok(start)
    }

    /// Returns the file a mapping shows.
    pub fn mapped_file(&self, fm: &FileMap) -> Option<Arc<dyn FileOps>> {
        self.files.files.get(&fm.id).cloned()
    }

    /// Forgets files no mapping refers to any more.
    pub(super) fn collect_files(&mut self) {
        if self.files.files.is_empty() {
            return;
        }
        let used: alloc::collections::BTreeSet<u32> = self
            .vmas
            .values()
            .filter_map(|v| match v.kind {
                VmaKind::File(fm) => Some(fm.id),
                _ => None,
            })
            .collect();
        self.files.files.retain(|id, _| used.contains(id));
    }

    /// Makes the page at `page` of the file mapping `vma` (starting at
    /// `start`) present with the file's bytes.
    pub(super) fn fill_file_page(
        &mut self,
        p: &dyn Platform,
        start: u64,
        vma: Vma,
        fm: FileMap,
        page: u64,
    ) -> Result<(), FaultError> {
        let file = self
            .mapped_file(&fm)
            .ok_or(FaultError::Segv("file mapping lost its file"))?;
        let off = fm.offset + (page - start);
        let size = file.fstat().map_or(0, |m| m.size);
        // mmap(2) SIGBUS: "Attempted access to a page of the buffer that
        // lies beyond the end of the mapped file".
        if off >= page_up(size).unwrap_or(u64::MAX) {
            return Err(FaultError::Bus("access beyond the end of the mapped file"));
        }
        if fm.shared {
            match file.shared_page(off / PAGE, p) {
                Ok(shared) => return self.map_shared(p, vma, page, &shared),
                // Read-only and unshareable (the root fs): its bytes never
                // change, so a copy is as good as the page itself.
                Err(e) if e.errno == Errno::ENODEV && !fm.may_write => {}
                Err(e) if e.errno == Errno::ENODEV => {
                    return Err(FaultError::Bus("file cannot share its pages"))
                }
                Err(e) if e.errno == Errno::ENOMEM => return Err(FaultError::OutOfMemory),
                // shmem_fault: a page the size limit refuses is SIGBUS.
                Err(_) => return Err(FaultError::Bus("no page for the shared file mapping")),
            }
        }
        let mut buf = alloc::vec![0u8; PAGE as usize];
        let mut got = 0;
        while got < buf.len() {
            match file.pread(&mut buf[got..], off + got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(_) => return Err(FaultError::Bus("I/O error reading the mapped file")),
            }
        }
        p.map_zeroed(UserAddr(page), PAGE, Prot::RW)
            .map_err(|_| FaultError::OutOfMemory)?;
        self.present.insert(page);
        if got > 0 && p.copy_to_user(UserAddr(page), &buf[..got]).is_err() {
            return Err(FaultError::Segv("could not fill a file page"));
        }
        if vma.prot != Prot::RW {
            p.protect(UserAddr(page), PAGE, vma.prot);
        }
        Ok(())
    }

    /// Maps the file's page `shared` at `page` with the mapping's protection.
    fn map_shared(
        &mut self,
        p: &dyn Platform,
        vma: Vma,
        page: u64,
        shared: &Arc<dyn SharedPage>,
    ) -> Result<(), FaultError> {
        p.map_shared_page(UserAddr(page), shared, vma.prot)
            .map_err(|_| FaultError::OutOfMemory)?;
        self.present.insert(page);
        Ok(())
    }

    /// Checks an msync(2) range: it must be mapped.
    ///
    /// # Errors
    /// `EINVAL` misaligned; `ENOMEM` "The indicated memory (or part of it)
    /// was not mapped".
    pub fn msync_check(&self, addr: u64, len: u64) -> SysResult<()> {
        if !addr.is_multiple_of(PAGE) {
            bail!(EINVAL, "address not page-aligned");
        }
        let end = page_up(len)
            .and_then(|l| addr.checked_add(l))
            .ok_or(err!(ENOMEM, "range overflows"))?;
        if addr == end {
            return Ok(());
        }
        if addr < USER_START || end > USER_END || !self.covered(page_down(addr), end) {
            bail!(ENOMEM, "range not fully mapped");
        }
        // Shared mappings map the file's own pages and private ones never
        // write back: there is nothing to flush (as for Linux's shmem).
        Ok(())
    }
}
