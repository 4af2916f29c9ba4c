//! Typed arguments of the file system calls: open flags (open(2), values
//! from asm-generic/fcntl.h for x86_64), creation modes, `AT_*` flags
//! (fcntl.h) and rename flags (rename(2)). Raw register values become these
//! once, through `TryFrom`, in the syscall layer.

use super::error::{error, Errno, SysError};
use super::types::PERM_MASK;

/// Raw `O_*` bits (asm-generic/fcntl.h, x86_64 values).
pub mod o {
    /// Open for reading only.
    pub const RDONLY: u32 = 0;
    /// Open for writing only.
    pub const WRONLY: u32 = 0o1;
    /// Open for reading and writing.
    pub const RDWR: u32 = 0o2;
    /// Mask of the access mode.
    pub const ACCMODE: u32 = 0o3;
    /// Create the file if missing.
    pub const CREAT: u32 = 0o100;
    /// With `CREAT`: fail if the file exists.
    pub const EXCL: u32 = 0o200;
    /// Do not become the controlling terminal.
    pub const NOCTTY: u32 = 0o400;
    /// Truncate a regular file opened for writing.
    pub const TRUNC: u32 = 0o1000;
    /// Every write appends.
    pub const APPEND: u32 = 0o2000;
    /// Non-blocking I/O.
    pub const NONBLOCK: u32 = 0o4000;
    /// Synchronised data writes.
    pub const DSYNC: u32 = 0o10000;
    /// Signal-driven I/O (`FASYNC`).
    pub const ASYNC: u32 = 0o20000;
    /// Direct I/O.
    pub const DIRECT: u32 = 0o40000;
    /// Large-file offsets (always on x86_64).
    pub const LARGEFILE: u32 = 0o100000;
    /// Fail unless the path is a directory.
    pub const DIRECTORY: u32 = 0o200000;
    /// Do not follow a final symlink.
    pub const NOFOLLOW: u32 = 0o400000;
    /// Do not update the access time.
    pub const NOATIME: u32 = 0o1000000;
    /// Close on exec (an fd flag, not a status flag).
    pub const CLOEXEC: u32 = 0o2000000;
    /// Synchronised writes (`__O_SYNC`; `O_SYNC` is this plus `DSYNC`).
    pub const SYNC: u32 = 0o4000000;
    /// A path-only descriptor.
    pub const PATH: u32 = 0o10000000;
    /// `__O_TMPFILE`; `O_TMPFILE` is this plus `DIRECTORY`.
    pub const TMPFILE: u32 = 0o20000000;
    /// Every bit open(2) knows.
    pub const VALID: u32 = ACCMODE
        | CREAT
        | EXCL
        | NOCTTY
        | TRUNC
        | APPEND
        | NONBLOCK
        | DSYNC
        | ASYNC
        | DIRECT
        | LARGEFILE
        | DIRECTORY
        | NOFOLLOW
        | NOATIME
        | CLOEXEC
        | SYNC
        | PATH
        | TMPFILE;
    /// Bits fcntl(F_SETFL) may change (fcntl(2)).
    pub const SETFL_MASK: u32 = APPEND | ASYNC | DIRECT | NOATIME | NONBLOCK;
}

/// How an open file may be accessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessMode {
    /// `O_RDONLY`.
    ReadOnly,
    /// `O_WRONLY`.
    WriteOnly,
    /// `O_RDWR`.
    ReadWrite,
}

impl AccessMode {
    /// Tells whether reads are allowed.
    pub fn readable(self) -> bool {
        self != AccessMode::WriteOnly
    }

    /// Tells whether writes are allowed.
    pub fn writable(self) -> bool {
        self != AccessMode::ReadOnly
    }
}

/// Validated open(2) flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFlags(u32);

impl TryFrom<u32> for OpenFlags {
    type Error = SysError;

    /// Validates raw flags as the kernel's `build_open_how` and
    /// `build_open_flags` do: O_PATH keeps only O_CLOEXEC, O_DIRECTORY and
    /// O_NOFOLLOW, unknown bits are dropped (open(2): "unknown flags are ignored"), `O_TMPFILE`
    /// needs `O_DIRECTORY` and write access and excludes `O_CREAT`
    /// (open(2), EINVAL), access mode 3 is refused, and so is
    /// `O_CREAT|O_DIRECTORY` (EINVAL since Linux 6.4, fs/open.c).
    fn try_from(raw: u32) -> Result<Self, SysError> {
        let mut bits = raw & o::VALID;
        if bits & o::PATH != 0 {
            // open(2): with O_PATH, "flag bits other than O_CLOEXEC,
            // O_DIRECTORY, and O_NOFOLLOW are ignored" (build_open_how).
            bits &= o::PATH | o::CLOEXEC | o::DIRECTORY | o::NOFOLLOW;
        }
        if bits & o::ACCMODE == o::ACCMODE {
            return Err(error(Errno::EINVAL, "open access mode 3"));
        }
        if bits & (o::CREAT | o::DIRECTORY) == o::CREAT | o::DIRECTORY {
            return Err(error(Errno::EINVAL, "O_CREAT with O_DIRECTORY"));
        }
        if bits & o::TMPFILE != 0 {
            if bits & o::DIRECTORY == 0 {
                return Err(error(Errno::EINVAL, "__O_TMPFILE without O_DIRECTORY"));
            }
            if bits & o::CREAT != 0 {
                return Err(error(Errno::EINVAL, "O_TMPFILE with O_CREAT"));
            }
            if bits & o::ACCMODE == o::RDONLY {
                return Err(error(Errno::EINVAL, "O_TMPFILE without write access"));
            }
        }
        Ok(OpenFlags(bits))
    }
}

impl OpenFlags {
    /// Returns the raw bits (for `F_GETFL`).
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Tells whether every bit of `mask` is set.
    pub fn contains(self, mask: u32) -> bool {
        self.0 & mask == mask
    }

    /// Returns the access mode.
    pub fn access(self) -> AccessMode {
        match self.0 & o::ACCMODE {
            o::WRONLY => AccessMode::WriteOnly,
            o::RDWR => AccessMode::ReadWrite,
            _ => AccessMode::ReadOnly,
        }
    }

    /// Tells whether this is an `O_PATH` open.
    pub fn is_path(self) -> bool {
        self.contains(o::PATH)
    }

    /// Tells whether this is an `O_TMPFILE` open.
    pub fn is_tmpfile(self) -> bool {
        self.contains(o::TMPFILE)
    }
}

/// Creation mode bits passed to open/mkdir (only `07777` is kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mode(u32);

impl Mode {
    /// Keeps the permission, set-id and sticky bits of `raw`.
    pub fn new(raw: u32) -> Self {
        Mode(raw & PERM_MASK)
    }

    /// Returns the bits.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Applies a umask (umask(2): `mode & ~umask`).
    pub fn masked(self, umask: u32) -> u32 {
        self.0 & !umask & PERM_MASK
    }
}

/// `AT_*` flags of the `*at` calls (fcntl.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AtFlags(u32);

impl AtFlags {
    /// Do not follow a final symlink.
    pub const SYMLINK_NOFOLLOW: u32 = 0x100;
    /// unlinkat: remove a directory.
    pub const REMOVEDIR: u32 = 0x200;
    /// faccessat: use the effective ids (no difference here).
    pub const EACCESS: u32 = 0x200;
    /// linkat: follow a final symlink.
    pub const SYMLINK_FOLLOW: u32 = 0x400;
    /// Do not automount (nothing automounts here).
    pub const NO_AUTOMOUNT: u32 = 0x800;
    /// An empty path names the dirfd itself.
    pub const EMPTY_PATH: u32 = 0x1000;

    /// Keeps the bits in `allowed`, failing with EINVAL on any other
    /// (every *at(2) page: "EINVAL An invalid flag value was specified").
    pub fn parse(raw: u32, allowed: u32) -> Result<Self, SysError> {
        if raw & !allowed != 0 {
            return Err(error(Errno::EINVAL, "unknown AT_* flag"));
        }
        Ok(AtFlags(raw))
    }

    /// Tells whether `bit` is set.
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }

    /// Tells whether a final symlink is followed.
    pub fn follow(self) -> bool {
        !self.has(Self::SYMLINK_NOFOLLOW)
    }

    /// Tells whether an empty path names the starting directory.
    pub fn empty_path(self) -> bool {
        self.has(Self::EMPTY_PATH)
    }
}

/// Flags of renameat2(2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenameFlags(u32);

impl RenameFlags {
    /// Fail with EEXIST if the new name exists.
    pub const NOREPLACE: u32 = 1;
    /// Swap the two names atomically.
    pub const EXCHANGE: u32 = 2;
    /// Leave a whiteout (overlayfs only).
    pub const WHITEOUT: u32 = 4;

    /// Builds the flags.
    pub fn new(bits: u32) -> Self {
        RenameFlags(bits)
    }

    /// Tells whether `bit` is set.
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
}

impl TryFrom<u32> for RenameFlags {
    type Error = SysError;

    /// Rejects unknown bits, NOREPLACE with EXCHANGE (rename(2), EINVAL) and
    /// WHITEOUT, which no filesystem here supports.
    fn try_from(raw: u32) -> Result<Self, SysError> {
        if raw & !(Self::NOREPLACE | Self::EXCHANGE | Self::WHITEOUT) != 0 {
            return Err(error(Errno::EINVAL, "unknown rename flag"));
        }
        if raw & Self::NOREPLACE != 0 && raw & Self::EXCHANGE != 0 {
            return Err(error(
                Errno::EINVAL,
                "RENAME_NOREPLACE with RENAME_EXCHANGE",
            ));
        }
        if raw & Self::WHITEOUT != 0 {
            return Err(error(Errno::EINVAL, "RENAME_WHITEOUT unsupported"));
        }
        Ok(RenameFlags(raw))
    }
}
