//! The errno vocabulary of the file layer. A thin shim: until the crate-wide
//! `crate::errno` lands, it defines the few Linux errnos `fd` and `vfs` need
//! (values from asm-generic/errno-base.h and errno.h) and a [`SysError`]
//! carrying an errno plus a static context string. Everything else in `fd`
//! and `vfs` builds errors through [`err`], so switching to `crate::errno`
//! touches only this file.

/// A Linux errno, spelled as Linux spells it.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Errno {
    /// Operation not permitted.
    EPERM = 1,
    /// No such file or directory.
    ENOENT = 2,
    /// I/O error.
    EIO = 5,
    /// No such device or address.
    ENXIO = 6,
    /// Bad file descriptor.
    EBADF = 9,
    /// Try again.
    EAGAIN = 11,
    /// Out of memory.
    ENOMEM = 12,
    /// Permission denied.
    EACCES = 13,
    /// Bad address.
    EFAULT = 14,
    /// Device or resource busy.
    EBUSY = 16,
    /// File exists.
    EEXIST = 17,
    /// Cross-device link.
    EXDEV = 18,
    /// No such device.
    ENODEV = 19,
    /// Not a directory.
    ENOTDIR = 20,
    /// Is a directory.
    EISDIR = 21,
    /// Invalid argument.
    EINVAL = 22,
    /// Too many open files.
    EMFILE = 24,
    /// Not a typewriter.
    ENOTTY = 25,
    /// File too large.
    EFBIG = 27,
    /// No space left on device.
    ENOSPC = 28,
    /// Illegal seek.
    ESPIPE = 29,
    /// Read-only file system.
    EROFS = 30,
    /// Too many links.
    EMLINK = 31,
    /// Math result not representable.
    ERANGE = 34,
    /// File name too long.
    ENAMETOOLONG = 36,
    /// Directory not empty.
    ENOTEMPTY = 39,
    /// Too many symbolic links encountered.
    ELOOP = 40,
    /// Value too large for defined data type.
    EOVERFLOW = 75,
    /// Operation not supported.
    EOPNOTSUPP = 95,
}

/// A failed operation: the errno the program sees and a static note for the
/// syscall trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SysError {
    /// The errno returned to the program.
    pub errno: Errno,
    /// Why, for the trace (`"rename of a directory into itself"`).
    pub context: &'static str,
}

/// The result of a file-layer operation.
pub type SysResult<T> = Result<T, SysError>;

/// Builds an `Err` carrying `errno` and a trace note.
#[inline]
pub fn err<T>(errno: Errno, context: &'static str) -> SysResult<T> {
    Err(SysError { errno, context })
}

/// Builds a [`SysError`] (for `ok_or`/`map_err`).
#[inline]
pub fn error(errno: Errno, context: &'static str) -> SysError {
    SysError { errno, context }
}

/// Returns the errno of a result, for tests.
#[cfg(test)]
pub fn errno_of<T: core::fmt::Debug>(r: SysResult<T>) -> Errno {
    match r {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e.errno,
    }
}
