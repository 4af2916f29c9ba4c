//! The `Inode` trait every filesystem implements, and `Loc`, a place in the
//! mounted namespace (mount plus inode) that path walks start from and end
//! at. Defaults return the errno Linux gives when a kind of inode lacks an
//! operation (a lookup in a regular file is ENOTDIR), so read-only and
//! synthetic filesystems implement little. Neighbours: `walk` (uses lookup
//! and readlink), `tmpfs`/`rootfs`/`devfs` (implement it), `file` (wraps it
//! in an open file).

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

use super::error::{err, Errno, SysResult};
use super::flags::{OpenFlags, RenameFlags};
use super::types::{DirEntry, Fallocate, Metadata, SetAttr};
use crate::fd::FileOps;
use crate::platform::SharedPage;

/// Refuses a namespace change: ENOTDIR in a non-directory, EPERM in a
/// directory whose filesystem has a fixed set of names (/dev).
fn no_namespace_change<T>(is_dir: bool) -> SysResult<T> {
    if is_dir {
        return err(Errno::EPERM, "directory with a fixed set of names");
    }
    err(Errno::ENOTDIR, "not a directory")
}

/// What `Inode::create` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewNode<'a> {
    /// An empty regular file.
    File,
    /// An empty directory.
    Dir,
    /// A symbolic link with this target.
    Symlink(&'a [u8]),
    /// A socket inode (`S_IFSOCK`), the name bind(2) gives an AF_UNIX
    /// socket (unix(7), "Pathname sockets"); `net::unix` keeps which
    /// socket it names.
    Socket,
}

/// A filesystem object. Names are byte strings without `/` or NUL, never
/// `.` or `..` except in [`Inode::lookup`], where `..` names the parent
/// within this filesystem (the root's parent is itself).
pub trait Inode: Send + Sync + Any {
    /// Returns the inode as `Any`, so a filesystem can recognise its own
    /// inodes in cross-directory operations (rename, link).
    fn as_any(&self) -> &dyn Any;

    /// Returns the inode's metadata.
    fn metadata(&self) -> Metadata;

    /// Tells whether the filesystem is mounted read-only; the VFS then
    /// answers EROFS to writes before asking the inode.
    fn read_only(&self) -> bool {
        false
    }

    /// Finds `name` in this directory (`..` gives the parent).
    ///
    /// # Errors
    /// ENOTDIR for a non-directory (path_resolution(7)); ENOENT when absent.
    fn lookup(&self, _name: &[u8]) -> SysResult<Arc<dyn Inode>> {
        err(Errno::ENOTDIR, "lookup in a non-directory")
    }

    /// Lists this directory's entries, without `.` and `..`.
    ///
    /// # Errors
    /// ENOTDIR for a non-directory.
    fn read_dir(&self) -> SysResult<Vec<DirEntry>> {
        err(Errno::ENOTDIR, "readdir of a non-directory")
    }

    /// Reads file bytes at `offset`; returns 0 at or past the end.
    ///
    /// # Errors
    /// EISDIR for a directory (read(2)), EINVAL for other kinds.
    fn read_at(&self, _offset: u64, _buf: &mut [u8]) -> SysResult<usize> {
        if self.metadata().is_dir() {
            return err(Errno::EISDIR, "read of a directory");
        }
        err(Errno::EINVAL, "inode unsuitable for reading")
    }

    /// Writes file bytes at `offset`, extending the file.
    ///
    /// # Errors
    /// EISDIR for a directory, EINVAL for other kinds, EFBIG past the
    /// maximum file size, ENOSPC when the filesystem is full.
    fn write_at(&self, _offset: u64, _buf: &[u8]) -> SysResult<usize> {
        if self.metadata().is_dir() {
            return err(Errno::EISDIR, "write to a directory");
        }
        err(Errno::EINVAL, "inode unsuitable for writing")
    }

    /// Appends atomically (O_APPEND, open(2): "the file offset is positioned
    /// at the end of the file ... as a single atomic step") and returns the
    /// bytes written and the new end of file.
    ///
    /// # Errors
    /// As [`Inode::write_at`].
    fn append(&self, buf: &[u8]) -> SysResult<(usize, u64)> {
        let end = self.metadata().size;
        let n = self.write_at(end, buf)?;
        Ok((n, end + n as u64))
    }

    /// Sets the file size, zero-filling any extension.
    ///
    /// # Errors
    /// EISDIR for a directory (truncate(2)), EINVAL for other non-regular
    /// files, EFBIG past the maximum size.
    fn truncate(&self, _len: u64) -> SysResult<()> {
        if self.metadata().is_dir() {
            return err(Errno::EISDIR, "truncate of a directory");
        }
        err(Errno::EINVAL, "truncate of a non-regular file")
    }

    /// Returns page `idx` of a regular file as a shared page for
    /// `MAP_SHARED` mappings, taking new pages from `make`.
    ///
    /// # Errors
    /// ENODEV where the filesystem cannot share its pages; ENOSPC (size
    /// limit) or ENOMEM (`make` failed).
    fn shared_page(
        &self,
        _idx: u64,
        _make: &mut dyn FnMut() -> Option<Arc<dyn SharedPage>>,
    ) -> SysResult<Arc<dyn SharedPage>> {
        err(Errno::ENODEV, "filesystem without shared pages")
    }

    /// Changes the allocation of a byte range (fallocate(2)).
    ///
    /// # Errors
    /// EOPNOTSUPP where the filesystem cannot.
    fn allocate(&self, _mode: Fallocate, _offset: u64, _len: u64) -> SysResult<()> {
        err(
            Errno::EOPNOTSUPP,
            "fallocate unsupported by this filesystem",
        )
    }

    /// Returns the first data offset (`data`) or hole offset (`!data`) at or
    /// after `from`, for SEEK_DATA/SEEK_HOLE. The default treats the whole
    /// file as data, the simplest form lseek(2) allows.
    ///
    /// # Errors
    /// ENXIO when `from` is at or past the end, or no data follows.
    fn seek_data(&self, from: u64, data: bool) -> SysResult<u64> {
        let size = self.metadata().size;
        if from >= size {
            return err(Errno::ENXIO, "SEEK_DATA/SEEK_HOLE past the end");
        }
        Ok(if data { from } else { size })
    }

    /// Returns a symbolic link's target.
    ///
    /// # Errors
    /// EINVAL for anything but a symlink (readlink(2)).
    fn readlink(&self) -> SysResult<Vec<u8>> {
        err(Errno::EINVAL, "readlink of a non-symlink")
    }

    /// Creates `name` in this directory with permission bits `perm`.
    ///
    /// # Errors
    /// EEXIST if present, ENOTDIR for a non-directory, ENOSPC when full.
    fn create(&self, _name: &[u8], _node: NewNode<'_>, _perm: u32) -> SysResult<Arc<dyn Inode>> {
        no_namespace_change(self.metadata().is_dir())
    }

    /// Creates an unnamed regular file in this directory's filesystem
    /// (O_TMPFILE).
    ///
    /// # Errors
    /// EOPNOTSUPP where the filesystem cannot (open(2)).
    fn create_tmpfile(&self, _perm: u32) -> SysResult<Arc<dyn Inode>> {
        err(
            Errno::EOPNOTSUPP,
            "O_TMPFILE unsupported by this filesystem",
        )
    }

    /// Adds a hard link `name` to `target` in this directory.
    ///
    /// # Errors
    /// EEXIST, EXDEV (another filesystem), EPERM for a directory target,
    /// ENOENT for an unlinked target (link(2)).
    fn link(&self, _name: &[u8], _target: &Arc<dyn Inode>) -> SysResult<()> {
        no_namespace_change(self.metadata().is_dir())
    }

    /// Removes the non-directory `name`.
    ///
    /// # Errors
    /// ENOENT, EISDIR for a directory (unlink(2), Linux).
    fn unlink(&self, _name: &[u8]) -> SysResult<()> {
        no_namespace_change(self.metadata().is_dir())
    }

    /// Removes the empty directory `name`.
    ///
    /// # Errors
    /// ENOENT, ENOTDIR, ENOTEMPTY (rmdir(2)).
    fn rmdir(&self, _name: &[u8]) -> SysResult<()> {
        no_namespace_change(self.metadata().is_dir())
    }

    /// Moves `old_name` in this directory to `new_name` in `new_dir` (same
    /// filesystem; the VFS checks EXDEV first).
    ///
    /// # Errors
    /// The rename(2) errnos: ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY,
    /// EINVAL (a directory into itself).
    fn rename(
        &self,
        _old_name: &[u8],
        _new_dir: &Arc<dyn Inode>,
        _new_name: &[u8],
        _flags: RenameFlags,
    ) -> SysResult<()> {
        no_namespace_change(self.metadata().is_dir())
    }

    /// Changes mode, owner or timestamps.
    ///
    /// # Errors
    /// EPERM where the filesystem cannot.
    fn set_attr(&self, _attr: &SetAttr) -> SysResult<()> {
        err(Errno::EPERM, "attributes are fixed on this filesystem")
    }

    /// Opens a special inode (device) as its own file object; `None` means
    /// the VFS's generic file over [`Inode::read_at`]/[`Inode::write_at`].
    ///
    /// # Errors
    /// Whatever the device refuses.
    fn open_special(&self, _flags: OpenFlags) -> SysResult<Option<Arc<dyn FileOps>>> {
        Ok(None)
    }
}

/// A place in the mounted namespace: which mount, and which inode in it.
/// The cwd, a dirfd and every walk result are `Loc`s.
#[derive(Clone)]
pub struct Loc {
    /// Index of the mount in the VFS mount table.
    pub mount: usize,
    /// The inode.
    pub inode: Arc<dyn Inode>,
}

impl core::fmt::Debug for Loc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let m = self.inode.metadata();
        write!(
            f,
            "Loc(mount {}, dev {:?}, ino {})",
            self.mount, m.dev, m.ino
        )
    }
}

impl Loc {
    /// Returns the inode's metadata.
    pub fn metadata(&self) -> Metadata {
        self.inode.metadata()
    }

    /// Tells whether two locations are the same inode (same device and
    /// inode number).
    pub fn same_inode(&self, other: &Loc) -> bool {
        let (a, b) = (self.metadata(), other.metadata());
        a.dev == b.dev && a.ino == b.ino
    }
}
