//! The per-process file-descriptor table: fd numbers to shared open files
//! plus the per-fd FD_CLOEXEC flag, lowest-free allocation under the
//! RLIMIT_NOFILE limit, and the dup family and close_range (dup(2),
//! close_range(2)). Not locked itself: the process state wraps it in a
//! mutex, and callers drop closed files after releasing that lock.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::ops::FileOps;
use crate::vfs::error::{err, error, Errno, SysError, SysResult};
use crate::vfs::flags::o;

/// Default RLIMIT_NOFILE soft limit (Linux's default `ulimit -n`).
pub const DEFAULT_NOFILE: usize = 1024;
/// Hard ceiling on the table size (Linux's `fs.nr_open` default, 1 << 20).
pub const NR_OPEN: usize = 1 << 20;

/// A file-descriptor number known to be non-negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fd(u32);

impl Fd {
    /// Builds an fd from a table index.
    pub const fn new(n: u32) -> Self {
        Fd(n)
    }

    /// Returns the number.
    pub const fn get(self) -> u32 {
        self.0
    }

    fn index(self) -> usize {
        self.0 as usize
    }
}

impl TryFrom<i64> for Fd {
    type Error = SysError;

    /// Converts a syscall argument; negative or huge values are EBADF
    /// (every fd-taking call: "fd is not a valid file descriptor").
    fn try_from(raw: i64) -> Result<Self, SysError> {
        u32::try_from(raw)
            .ok()
            .filter(|&n| (n as usize) < NR_OPEN)
            .map(Fd)
            .ok_or(error(Errno::EBADF, "fd out of range"))
    }
}

/// Per-fd flags (fcntl(2) F_GETFD/F_SETFD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FdFlags {
    /// FD_CLOEXEC.
    pub cloexec: bool,
}

impl FdFlags {
    /// The FD_CLOEXEC bit of F_GETFD/F_SETFD.
    pub const FD_CLOEXEC: u32 = 1;

    /// Returns the F_GETFD value.
    pub fn bits(self) -> u32 {
        if self.cloexec {
            Self::FD_CLOEXEC
        } else {
            0
        }
    }

    /// Parses an F_SETFD argument (other bits ignored, as Linux does).
    pub fn from_bits(bits: u32) -> Self {
        FdFlags {
            cloexec: bits & Self::FD_CLOEXEC != 0,
        }
    }

    /// Takes FD_CLOEXEC from O_CLOEXEC in open-style flags.
    pub fn from_open_flags(bits: u32) -> Self {
        FdFlags {
            cloexec: bits & o::CLOEXEC != 0,
        }
    }
}

/// `close_range` flag: mark close-on-exec instead of closing.
pub const CLOSE_RANGE_CLOEXEC: u32 = 1 << 2;
/// `close_range` flag: unshare the table first (a no-op with one process).
pub const CLOSE_RANGE_UNSHARE: u32 = 1 << 1;

#[derive(Clone)]
struct Entry {
    file: Arc<dyn FileOps>,
    flags: FdFlags,
}

/// Open files of the process, by fd number.
pub struct FdTable {
    slots: Vec<Option<Entry>>,
    limit: usize,
    open: usize,
}

impl Default for FdTable {
    fn default() -> Self {
        Self::new(DEFAULT_NOFILE)
    }
}

impl core::fmt::Debug for FdTable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FdTable")
            .field("open", &self.open)
            .field("limit", &self.limit)
            .finish()
    }
}

impl FdTable {
    /// Creates an empty table allowing fds below `limit` (RLIMIT_NOFILE).
    pub fn new(limit: usize) -> Self {
        FdTable {
            slots: Vec::new(),
            limit: limit.min(NR_OPEN),
            open: 0,
        }
    }

    /// Returns the RLIMIT_NOFILE limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Changes the limit (setrlimit(2)). Lowering it below open fds keeps
    /// them open; only new allocations are refused, as on Linux.
    ///
    /// # Errors
    /// EPERM above [`NR_OPEN`] (setrlimit(2): "exceeds ... /proc/sys/fs/nr_open").
    pub fn set_limit(&mut self, limit: usize) -> SysResult<()> {
        if limit > NR_OPEN {
            return err(Errno::EPERM, "RLIMIT_NOFILE above nr_open");
        }
        self.limit = limit;
        Ok(())
    }

    /// Returns how many fds are open.
    pub fn count(&self) -> usize {
        self.open
    }

    fn entry(&self, fd: Fd) -> SysResult<&Entry> {
        self.slots
            .get(fd.index())
            .and_then(Option::as_ref)
            .ok_or(error(Errno::EBADF, "fd not open"))
    }

    fn lowest_free(&self, min: usize) -> SysResult<usize> {
        let found = (min..self.slots.len()).find(|&i| self.slots[i].is_none());
        let idx = found.unwrap_or(self.slots.len().max(min));
        if idx >= self.limit {
            return err(Errno::EMFILE, "RLIMIT_NOFILE reached");
        }
        Ok(idx)
    }

    fn put(&mut self, idx: usize, entry: Entry) -> Option<Arc<dyn FileOps>> {
        if idx >= self.slots.len() {
            self.slots.resize(idx + 1, None);
        }
        let old = self.slots[idx].replace(entry);
        if old.is_none() {
            self.open += 1;
        }
        old.map(|e| e.file)
    }

    /// Installs `file` at the lowest free fd.
    ///
    /// # Errors
    /// EMFILE when every fd below the limit is taken (open(2)).
    pub fn insert(&mut self, file: Arc<dyn FileOps>, flags: FdFlags) -> SysResult<Fd> {
        self.insert_from(Fd(0), file, flags)
    }

    /// Installs `file` at the lowest free fd not below `min` (F_DUPFD).
    ///
    /// # Errors
    /// EINVAL if `min` is at or above the limit (fcntl(2) F_DUPFD), EMFILE
    /// when no fd is free.
    pub fn insert_from(
        &mut self,
        min: Fd,
        file: Arc<dyn FileOps>,
        flags: FdFlags,
    ) -> SysResult<Fd> {
        if min.index() >= self.limit {
            return err(Errno::EINVAL, "F_DUPFD minimum at or above RLIMIT_NOFILE");
        }
        let idx = self.lowest_free(min.index())?;
        self.put(idx, Entry { file, flags });
        // idx < limit <= NR_OPEN fits u32.
        Ok(Fd(idx as u32))
    }

    /// Returns the open file behind `fd`.
    ///
    /// # Errors
    /// EBADF if `fd` is not open.
    pub fn get(&self, fd: Fd) -> SysResult<Arc<dyn FileOps>> {
        self.entry(fd).map(|e| e.file.clone())
    }

    /// Returns the fd flags (F_GETFD).
    ///
    /// # Errors
    /// EBADF if `fd` is not open.
    pub fn flags(&self, fd: Fd) -> SysResult<FdFlags> {
        self.entry(fd).map(|e| e.flags)
    }

    /// Replaces the fd flags (F_SETFD).
    ///
    /// # Errors
    /// EBADF if `fd` is not open.
    pub fn set_flags(&mut self, fd: Fd, flags: FdFlags) -> SysResult<()> {
        match self.slots.get_mut(fd.index()).and_then(Option::as_mut) {
            Some(e) => {
                e.flags = flags;
                Ok(())
            }
            None => err(Errno::EBADF, "fd not open"),
        }
    }

    /// Removes `fd` and returns its file, which the caller drops once it
    /// has released the table lock (the last drop may do work).
    ///
    /// # Errors
    /// EBADF if `fd` is not open (close(2)).
    pub fn remove(&mut self, fd: Fd) -> SysResult<Arc<dyn FileOps>> {
        match self.slots.get_mut(fd.index()).and_then(Option::take) {
            Some(e) => {
                self.open -= 1;
                Ok(e.file)
            }
            None => err(Errno::EBADF, "fd not open"),
        }
    }

    /// Duplicates `old` onto the lowest free fd, without FD_CLOEXEC (dup(2)).
    ///
    /// # Errors
    /// EBADF, EMFILE.
    pub fn dup(&mut self, old: Fd) -> SysResult<Fd> {
        let file = self.get(old)?;
        self.insert(file, FdFlags::default())
    }

    /// Makes `new` refer to `old`'s file, closing what `new` held; returns
    /// `new` and the displaced file for the caller to drop. `old == new`
    /// only checks `old` (dup(2): "If oldfd is a valid file descriptor, and
    /// newfd has the same value as oldfd, then dup2() does nothing").
    ///
    /// # Errors
    /// EBADF if `old` is not open or `new` is at or above the limit.
    pub fn dup2(&mut self, old: Fd, new: Fd) -> SysResult<(Fd, Option<Arc<dyn FileOps>>)> {
        let file = self.get(old)?;
        if old == new {
            return Ok((new, None));
        }
        self.dup_onto(file, new, FdFlags::default())
    }

    /// Like [`FdTable::dup2`] with FD_CLOEXEC taken from `flags` (dup3(2)).
    ///
    /// # Errors
    /// EINVAL if `old == new` or `flags` has bits other than O_CLOEXEC,
    /// EBADF as dup2.
    pub fn dup3(
        &mut self,
        old: Fd,
        new: Fd,
        flags: u32,
    ) -> SysResult<(Fd, Option<Arc<dyn FileOps>>)> {
        if flags & !o::CLOEXEC != 0 {
            return err(Errno::EINVAL, "dup3 flags other than O_CLOEXEC");
        }
        if old == new {
            return err(Errno::EINVAL, "dup3 with oldfd == newfd");
        }
        let file = self.get(old)?;
        self.dup_onto(file, new, FdFlags::from_open_flags(flags))
    }

    fn dup_onto(
        &mut self,
        file: Arc<dyn FileOps>,
        new: Fd,
        flags: FdFlags,
    ) -> SysResult<(Fd, Option<Arc<dyn FileOps>>)> {
        if new.index() >= self.limit {
            return err(Errno::EBADF, "newfd at or above RLIMIT_NOFILE");
        }
        let old = self.put(new.index(), Entry { file, flags });
        Ok((new, old))
    }

    /// Closes (or with [`CLOSE_RANGE_CLOEXEC`] marks close-on-exec) every
    /// open fd in `first..=last` and returns the closed files for the
    /// caller to drop.
    ///
    /// # Errors
    /// EINVAL for unknown flags or `first > last` (close_range(2)).
    pub fn close_range(
        &mut self,
        first: u32,
        last: u32,
        flags: u32,
    ) -> SysResult<Vec<Arc<dyn FileOps>>> {
        if flags & !(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE) != 0 {
            return err(Errno::EINVAL, "unknown close_range flag");
        }
        if first > last {
            return err(Errno::EINVAL, "close_range first > last");
        }
        let mut closed = Vec::new();
        let end = (last as usize).saturating_add(1).min(self.slots.len());
        for idx in (first as usize)..end {
            if flags & CLOSE_RANGE_CLOEXEC != 0 {
                if let Some(e) = self.slots[idx].as_mut() {
                    e.flags.cloexec = true;
                }
            } else if let Some(e) = self.slots[idx].take() {
                self.open -= 1;
                closed.push(e.file);
            }
        }
        Ok(closed)
    }

    /// Lists the open fds in ascending order (for /proc/self/fd).
    pub fn fds(&self) -> Vec<Fd> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_some())
            .map(|(i, _)| Fd(i as u32))
            .collect()
    }
}
