//! `FileOps`, the one trait every open file object implements (regular
//! files, directories, devices; later pipes, sockets, epoll), and the
//! open-file description state it carries. Defaults return the errno Linux
//! returns for an object that lacks the operation, citing the man page, so
//! a new object kind implements only what it supports.

use core::sync::atomic::{AtomicU32, Ordering};

use spin::Mutex;

use alloc::sync::Arc;

use crate::platform::{Platform, SharedPage, UserAddr};
use crate::vfs::error::{err, Errno, SysResult};
use crate::vfs::flags::{o, AccessMode, OpenFlags};
use crate::vfs::types::{Fallocate, Metadata};
use crate::vfs::Loc;

/// Readiness bits reported by [`FileOps::poll`] (poll(2), asm-generic/poll.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PollEvents(pub u16);

impl PollEvents {
    /// Data to read.
    pub const IN: u16 = 0x1;
    /// Urgent data.
    pub const PRI: u16 = 0x2;
    /// Writing will not block.
    pub const OUT: u16 = 0x4;
    /// Error condition.
    pub const ERR: u16 = 0x8;
    /// Hang up.
    pub const HUP: u16 = 0x10;
    /// Normal data to read.
    pub const RDNORM: u16 = 0x40;
    /// Normal data may be written.
    pub const WRNORM: u16 = 0x100;
    /// What Linux reports for files without a poll method
    /// (`DEFAULT_POLLMASK`, include/linux/poll.h): always readable and
    /// writable.
    pub const DEFAULT: PollEvents = PollEvents(Self::IN | Self::OUT | Self::RDNORM | Self::WRNORM);
}

/// The `whence` argument of lseek(2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whence {
    /// `SEEK_SET`.
    Set,
    /// `SEEK_CUR`.
    Cur,
    /// `SEEK_END`.
    End,
    /// `SEEK_DATA`.
    Data,
    /// `SEEK_HOLE`.
    Hole,
}

impl TryFrom<u32> for Whence {
    type Error = crate::vfs::error::SysError;

    /// Parses `whence`; lseek(2): "EINVAL whence is not valid".
    fn try_from(raw: u32) -> Result<Self, Self::Error> {
        Ok(match raw {
            0 => Whence::Set,
            1 => Whence::Cur,
            2 => Whence::End,
            3 => Whence::Data,
            4 => Whence::Hole,
            _ => return err(Errno::EINVAL, "lseek whence"),
        })
    }
}

/// Access to the calling program's memory for ioctl arguments; the syscall
/// layer implements it over the platform's copy routines.
pub trait UserMemory {
    /// Copies `dst.len()` bytes from the program at `src`.
    ///
    /// # Errors
    /// EFAULT if any byte is not readable.
    fn copy_in(&mut self, src: UserAddr, dst: &mut [u8]) -> SysResult<()>;
    /// Copies `src` to the program at `dst`.
    ///
    /// # Errors
    /// EFAULT if any byte is not writable.
    fn copy_out(&mut self, dst: UserAddr, src: &[u8]) -> SysResult<()>;
}

/// The state Linux keeps in a `struct file` (open(2), "open file
/// description"): the file offset and the status flags. Every dup'd fd
/// shares one, because the fd table shares the `Arc<dyn FileOps>` that
/// embeds it.
#[derive(Debug)]
pub struct OpenFileDescription {
    offset: Mutex<u64>,
    flags: AtomicU32,
}

impl OpenFileDescription {
    /// Creates a description with offset 0; `O_CLOEXEC` (an fd flag) and
    /// the creation-only flags are not kept (fcntl(2), F_GETFL).
    pub fn new(flags: OpenFlags) -> Self {
        let keep = flags.bits() & !(o::CLOEXEC | o::CREAT | o::EXCL | o::NOCTTY | o::TRUNC);
        OpenFileDescription {
            offset: Mutex::new(0),
            flags: AtomicU32::new(keep),
        }
    }

    /// Returns the file status flags and access mode (`F_GETFL`).
    pub fn status_flags(&self) -> u32 {
        self.flags.load(Ordering::Relaxed)
    }

    /// Replaces the changeable status flags (`F_SETFL`, fcntl(2): only
    /// O_APPEND, O_ASYNC, O_DIRECT, O_NOATIME and O_NONBLOCK change; the rest
    /// of `bits` is ignored).
    pub fn set_status_flags(&self, bits: u32) {
        let _ = self
            .flags
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |cur| {
                Some((cur & !o::SETFL_MASK) | (bits & o::SETFL_MASK))
            });
    }

    /// Returns the access mode.
    pub fn access(&self) -> AccessMode {
        match self.status_flags() & o::ACCMODE {
            o::WRONLY => AccessMode::WriteOnly,
            o::RDWR => AccessMode::ReadWrite,
            _ => AccessMode::ReadOnly,
        }
    }

    /// Tells whether this is an `O_PATH` description.
    pub fn is_path(&self) -> bool {
        self.status_flags() & o::PATH != 0
    }

    /// Tells whether `O_APPEND` is set.
    pub fn is_append(&self) -> bool {
        self.status_flags() & o::APPEND != 0
    }

    /// Tells whether `O_NONBLOCK` is set.
    pub fn is_nonblocking(&self) -> bool {
        self.status_flags() & o::NONBLOCK != 0
    }

    /// Checks that the description allows reading.
    ///
    /// # Errors
    /// EBADF when opened write-only or with O_PATH (read(2): "fd is not a
    /// valid file descriptor or is not open for reading").
    pub fn check_readable(&self) -> SysResult<()> {
        if self.is_path() || !self.access().readable() {
            return err(Errno::EBADF, "fd not open for reading");
        }
        Ok(())
    }

    /// Checks that the description allows writing.
    ///
    /// # Errors
    /// EBADF when opened read-only or with O_PATH (write(2)).
    pub fn check_writable(&self) -> SysResult<()> {
        if self.is_path() || !self.access().writable() {
            return err(Errno::EBADF, "fd not open for writing");
        }
        Ok(())
    }

    /// Locks the file offset; hold it across a read/write so concurrent
    /// calls on one description do not interleave offsets (read(2) NOTES).
    pub fn offset(&self) -> spin::MutexGuard<'_, u64> {
        self.offset.lock()
    }
}

/// An open file object. The fd table holds these as `Arc<dyn FileOps>`.
///
/// Defaults are the errno Linux gives an object without the operation, so
/// implementors override only what their kind supports. Blocking is not
/// this trait's business: an object returns EAGAIN and reports readiness
/// through [`FileOps::poll`]; the syscall layer waits.
pub trait FileOps: Send + Sync {
    /// Returns the open-file description (offset and status flags).
    fn description(&self) -> &OpenFileDescription;

    /// Returns the object's metadata. Required: every open file has a stat,
    /// even pipes and sockets (fstat(2) never fails on a valid fd).
    ///
    /// # Errors
    /// Whatever the underlying object reports (normally none).
    fn fstat(&self) -> SysResult<Metadata>;

    /// Reads at the current offset and advances it.
    ///
    /// # Errors
    /// EINVAL by default (read(2): "fd is attached to an object which is
    /// unsuitable for reading"); directories give EISDIR.
    fn read(&self, _buf: &mut [u8]) -> SysResult<usize> {
        err(Errno::EINVAL, "object unsuitable for reading")
    }

    /// Writes at the current offset (or the end under O_APPEND).
    ///
    /// # Errors
    /// EINVAL by default (write(2): "fd is attached to an object which is
    /// unsuitable for writing").
    fn write(&self, _buf: &[u8]) -> SysResult<usize> {
        err(Errno::EINVAL, "object unsuitable for writing")
    }

    /// Reads at `offset` without moving the file offset.
    ///
    /// # Errors
    /// ESPIPE by default (pread(2): "fd is associated with a pipe, socket,
    /// or FIFO").
    fn pread(&self, _buf: &mut [u8], _offset: u64) -> SysResult<usize> {
        err(Errno::ESPIPE, "pread on an unseekable object")
    }

    /// Writes at `offset` without moving the file offset.
    ///
    /// # Errors
    /// ESPIPE by default (pwrite(2)).
    fn pwrite(&self, _buf: &[u8], _offset: u64) -> SysResult<usize> {
        err(Errno::ESPIPE, "pwrite on an unseekable object")
    }

    /// Moves the file offset and returns the new one.
    ///
    /// # Errors
    /// ESPIPE by default (lseek(2): "fd is associated with a pipe, socket,
    /// or FIFO").
    fn lseek(&self, _offset: i64, _whence: Whence) -> SysResult<u64> {
        err(Errno::ESPIPE, "lseek on an unseekable object")
    }

    /// Fills `buf` with `linux_dirent64` records and returns the bytes used
    /// (0 at the end of the directory).
    ///
    /// # Errors
    /// ENOTDIR by default (getdents(2): "File descriptor does not refer to a
    /// directory").
    fn getdents64(&self, _buf: &mut [u8]) -> SysResult<usize> {
        err(Errno::ENOTDIR, "getdents on a non-directory")
    }

    /// Performs a device-specific request and returns its result.
    ///
    /// # Errors
    /// ENOTTY by default (ioctl(2): "The specified request does not apply
    /// to the kind of object that fd references").
    fn ioctl(&self, _cmd: u32, _arg: UserAddr, _mem: &mut dyn UserMemory) -> SysResult<u64> {
        err(Errno::ENOTTY, "ioctl on an object without ioctls")
    }

    /// Returns the current readiness; by default always readable and
    /// writable, as Linux reports for files without a poll method.
    fn poll(&self) -> PollEvents {
        PollEvents::DEFAULT
    }

    /// Returns the queue this object notifies when its [`FileOps::poll`]
    /// mask may have changed; waiting calls (blocking read/write, poll,
    /// select, epoll) register on it. `None` (the default) for objects that
    /// never change readiness (regular files, devices: always ready).
    fn wait_queue(&self) -> Option<&crate::wait::WaitQueue> {
        None
    }

    /// Returns the monotonic time (ns) at which the readiness changes by
    /// itself with no notification (a timerfd's next expiry), if any;
    /// waiters bound their block by it.
    fn ready_at(&self) -> Option<u64> {
        None
    }

    /// Returns the object as `Any`, for calls that act on one object kind
    /// (timerfd_settime, epoll_ctl, F_SETPIPE_SZ) to downcast; `None` by
    /// default.
    /// The socket calls, if this object is a socket (socket(2) and
    /// friends fail with ENOTSOCK otherwise).
    fn as_socket(&self) -> Option<&dyn crate::net::Socket> {
        None
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        None
    }

    /// Truncates or extends the file to `len` bytes.
    ///
    /// # Errors
    /// EINVAL by default (ftruncate(2): "fd does not reference a regular
    /// file or a POSIX shared memory object").
    fn ftruncate(&self, _len: u64) -> SysResult<()> {
        err(Errno::EINVAL, "ftruncate on a non-regular file")
    }

    /// Changes the allocation of a byte range.
    ///
    /// # Errors
    /// ENODEV by default (fallocate(2): "fd does not refer to a regular file
    /// or a directory").
    fn fallocate(&self, _mode: Fallocate, _offset: u64, _len: u64) -> SysResult<()> {
        err(Errno::ENODEV, "fallocate on a non-regular file")
    }

    /// Returns page `idx` (file offset `idx * 4096`) of the file's page
    /// cache as a page `MAP_SHARED` mappings map, allocating it from `p`
    /// (`mm_file`).
    ///
    /// # Errors
    /// ENODEV by default (mmap(2): "The underlying filesystem of the
    /// specified file does not support memory mapping"); ENOSPC or ENOMEM
    /// when no page can be had.
    fn shared_page(&self, _idx: u64, _p: &dyn Platform) -> SysResult<Arc<dyn SharedPage>> {
        err(Errno::ENODEV, "no shared pages for this file")
    }

    /// Flushes the file to its storage.
    ///
    /// # Errors
    /// EINVAL by default (fsync(2): "fd is bound to a special file ... which
    /// does not support synchronization").
    fn fsync(&self) -> SysResult<()> {
        err(Errno::EINVAL, "fsync on a special file")
    }

    /// Returns the status flags (`F_GETFL`).
    fn status_flags(&self) -> u32 {
        self.description().status_flags()
    }

    /// Changes the status flags (`F_SETFL`); objects override this to react
    /// to O_NONBLOCK.
    ///
    /// # Errors
    /// None by default.
    fn set_status_flags(&self, bits: u32) -> SysResult<()> {
        self.description().set_status_flags(bits);
        Ok(())
    }

    /// Returns where this file sits in the namespace, for `*at` calls with
    /// a dirfd, fchdir and AT_EMPTY_PATH; `None` for objects outside it
    /// (pipes, sockets), which the syscall layer turns into ENOTDIR.
    fn loc(&self) -> Option<Loc> {
        None
    }
}
