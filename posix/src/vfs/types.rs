//! Plain data shared by every filesystem: file types and modes
//! (inode(7)), timestamps, the clock they come from, inode metadata and
//! directory entries. No behaviour beyond conversions; `inode` defines the
//! trait that produces these, `stat` encodes them for user space.

use alloc::vec::Vec;

/// Mask of the file-type bits of `st_mode` (inode(7), `S_IFMT`).
pub const S_IFMT: u32 = 0o170_000;
/// Mask of the permission bits plus set-id and sticky (`07777`).
pub const PERM_MASK: u32 = 0o7777;

/// A point in time as Linux stores it (`struct timespec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timespec {
    /// Seconds since the Unix epoch.
    pub sec: i64,
    /// Nanoseconds, `0..1_000_000_000`.
    pub nsec: u32,
}

impl Timespec {
    /// Builds a timespec from nanoseconds since the epoch.
    pub fn from_nanos(ns: u64) -> Self {
        // u64 nanoseconds fit i64 seconds with room to spare.
        Timespec {
            sec: (ns / 1_000_000_000) as i64,
            nsec: (ns % 1_000_000_000) as u32,
        }
    }
}

/// The wall clock a filesystem stamps its inodes with. Passed in by whoever
/// builds the filesystem (the kernel adapts `Platform::realtime_ns`), so the
/// data structures never name the platform and tests control time.
pub trait Clock: Send + Sync {
    /// Returns the current wall-clock time.
    fn now(&self) -> Timespec;
}

/// A clock stuck at the epoch, for filesystems that never change.
#[derive(Debug, Default)]
pub struct EpochClock;

impl Clock for EpochClock {
    fn now(&self) -> Timespec {
        Timespec::default()
    }
}

/// What an inode is (the `S_IFMT` part of `st_mode`, inode(7)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    /// A regular file (`S_IFREG`).
    Regular,
    /// A directory (`S_IFDIR`).
    Directory,
    /// A symbolic link (`S_IFLNK`).
    Symlink,
    /// A character device (`S_IFCHR`).
    CharDevice,
    /// A block device (`S_IFBLK`).
    BlockDevice,
    /// A FIFO (`S_IFIFO`).
    Fifo,
    /// A socket (`S_IFSOCK`).
    Socket,
}

impl FileType {
    /// Returns the `S_IFMT` bits of this type (inode(7)).
    pub fn mode_bits(self) -> u32 {
        match self {
            FileType::Socket => 0o140_000,
            FileType::Symlink => 0o120_000,
            FileType::Regular => 0o100_000,
            FileType::BlockDevice => 0o060_000,
            FileType::Directory => 0o040_000,
            FileType::CharDevice => 0o020_000,
            FileType::Fifo => 0o010_000,
        }
    }

    /// Returns the `d_type` of a directory entry (`DT_*`, getdents(2)).
    pub fn dirent_type(self) -> u8 {
        // DT_x is S_IFx >> 12 (include/linux/fs_types.h).
        (self.mode_bits() >> 12) as u8
    }

    /// Parses the `S_IFMT` bits of a mode; `None` for a zero or unknown type.
    pub fn from_mode(mode: u32) -> Option<Self> {
        Some(match mode & S_IFMT {
            0o140_000 => FileType::Socket,
            0o120_000 => FileType::Symlink,
            0o100_000 => FileType::Regular,
            0o060_000 => FileType::BlockDevice,
            0o040_000 => FileType::Directory,
            0o020_000 => FileType::CharDevice,
            0o010_000 => FileType::Fifo,
            _ => return None,
        })
    }
}

/// A device number split the way `makedev(3)` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DevId {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
}

impl DevId {
    /// Builds a device number.
    pub const fn new(major: u32, minor: u32) -> Self {
        DevId { major, minor }
    }

    /// Encodes the number as `st_dev`/`st_rdev` carry it (glibc/musl
    /// `makedev`, matching the kernel's `huge_encode_dev`).
    pub fn encode(self) -> u64 {
        let (ma, mi) = (u64::from(self.major), u64::from(self.minor));
        (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & !0xff) << 12) | ((ma & !0xfff) << 32)
    }
}

/// Everything `stat` reports about an inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metadata {
    /// Device of the filesystem holding the inode (`st_dev`).
    pub dev: DevId,
    /// Inode number, unique within `dev` (`st_ino`).
    pub ino: u64,
    /// What the inode is.
    pub file_type: FileType,
    /// Permission, set-id and sticky bits (`st_mode & 07777`).
    pub perm: u32,
    /// Hard-link count (`st_nlink`).
    pub nlink: u64,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Device number of a device inode (`st_rdev`).
    pub rdev: DevId,
    /// Size in bytes: file length, symlink target length, directory size.
    pub size: u64,
    /// 512-byte blocks actually allocated (`st_blocks`, stat(2)).
    pub blocks: u64,
    /// Preferred I/O size (`st_blksize`).
    pub blksize: u32,
    /// Last access.
    pub atime: Timespec,
    /// Last content change.
    pub mtime: Timespec,
    /// Last status change.
    pub ctime: Timespec,
}

impl Metadata {
    /// Returns the full `st_mode` (type bits plus permission bits).
    pub fn mode(&self) -> u32 {
        self.file_type.mode_bits() | (self.perm & PERM_MASK)
    }

    /// Tells whether the inode is a directory.
    pub fn is_dir(&self) -> bool {
        self.file_type == FileType::Directory
    }
}

/// One entry of a directory listing, as a filesystem returns it (without
/// `.` and `..`, which the open directory adds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// Inode number.
    pub ino: u64,
    /// Type of the inode.
    pub file_type: FileType,
    /// Name within the directory.
    pub name: Vec<u8>,
}

/// A timestamp argument of utimensat(2): set to now, leave alone, or set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUpdate {
    /// `UTIME_NOW`.
    Now,
    /// `UTIME_OMIT`.
    Omit,
    /// An explicit time.
    Set(Timespec),
}

/// The attribute changes chmod, chown and utimensat ask of an inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SetAttr {
    /// New permission bits.
    pub perm: Option<u32>,
    /// New owner.
    pub uid: Option<u32>,
    /// New group.
    pub gid: Option<u32>,
    /// New access time.
    pub atime: Option<TimeUpdate>,
    /// New modification time.
    pub mtime: Option<TimeUpdate>,
}

/// How fallocate(2) should change a file's allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallocate {
    /// Mode 0: allocate and extend the size if the range ends past it.
    Allocate,
    /// `FALLOC_FL_KEEP_SIZE`: allocate without changing the size.
    KeepSize,
    /// `FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE`: free the range, reading
    /// back as zeros.
    PunchHole,
}
