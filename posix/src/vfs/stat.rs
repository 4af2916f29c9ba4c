//! Byte encoders for the structures the file syscalls copy to user memory,
//! laid out as the x86_64 uapi defines them: `struct stat`
//! (arch/x86/include/uapi/asm/stat.h, 144 bytes), `struct statx`
//! (include/uapi/linux/stat.h, 256 bytes) and `struct linux_dirent64`
//! (getdents(2)). The syscall layer copies the bytes out unchanged.

use super::types::{Metadata, Timespec};

/// Size of x86_64 `struct stat`.
pub const STAT_SIZE: usize = 144;
/// Size of `struct statx`.
pub const STATX_SIZE: usize = 256;
/// Offset of `d_name` in `struct linux_dirent64`.
pub const DIRENT64_NAME_OFFSET: usize = 19;

/// statx `mask` bits (include/uapi/linux/stat.h).
pub mod statx_mask {
    /// `STATX_TYPE`.
    pub const TYPE: u32 = 0x1;
    /// `STATX_MODE`.
    pub const MODE: u32 = 0x2;
    /// `STATX_NLINK`.
    pub const NLINK: u32 = 0x4;
    /// `STATX_UID`.
    pub const UID: u32 = 0x8;
    /// `STATX_GID`.
    pub const GID: u32 = 0x10;
    /// `STATX_ATIME`.
    pub const ATIME: u32 = 0x20;
    /// `STATX_MTIME`.
    pub const MTIME: u32 = 0x40;
    /// `STATX_CTIME`.
    pub const CTIME: u32 = 0x80;
    /// `STATX_INO`.
    pub const INO: u32 = 0x100;
    /// `STATX_SIZE`.
    pub const SIZE: u32 = 0x200;
    /// `STATX_BLOCKS`.
    pub const BLOCKS: u32 = 0x400;
    /// `STATX_BASIC_STATS`: everything `struct stat` has.
    pub const BASIC_STATS: u32 = 0x7ff;
    /// `STATX_MNT_ID`.
    pub const MNT_ID: u32 = 0x1000;
}

fn put(buf: &mut [u8], off: usize, bytes: &[u8]) {
    buf[off..off + bytes.len()].copy_from_slice(bytes);
}

/// Encodes `struct stat` for x86_64. Offsets from asm/stat.h:
/// st_dev 0, st_ino 8, st_nlink 16, st_mode 24, st_uid 28, st_gid 32,
/// __pad0 36, st_rdev 40, st_size 48, st_blksize 56, st_blocks 64,
/// st_atime 72 (+nsec 80), st_mtime 88 (+96), st_ctime 104 (+112),
/// `__unused[3]` 120..144.
pub fn encode_stat(m: &Metadata) -> [u8; STAT_SIZE] {
    let mut b = [0u8; STAT_SIZE];
    put(&mut b, 0, &m.dev.encode().to_le_bytes());
    put(&mut b, 8, &m.ino.to_le_bytes());
    put(&mut b, 16, &m.nlink.to_le_bytes());
    put(&mut b, 24, &m.mode().to_le_bytes());
    put(&mut b, 28, &m.uid.to_le_bytes());
    put(&mut b, 32, &m.gid.to_le_bytes());
    put(&mut b, 40, &m.rdev.encode().to_le_bytes());
    put(&mut b, 48, &clamp_i64(m.size).to_le_bytes());
    put(&mut b, 56, &i64::from(m.blksize).to_le_bytes());
    put(&mut b, 64, &clamp_i64(m.blocks).to_le_bytes());
    for (off, t) in [(72, m.atime), (88, m.mtime), (104, m.ctime)] {
        put(&mut b, off, &t.sec.to_le_bytes());
        put(&mut b, off + 8, &u64::from(t.nsec).to_le_bytes());
    }
    b
}

fn clamp_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn put_statx_ts(b: &mut [u8], off: usize, t: Timespec) {
    // struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; __s32 __reserved; }
    put(b, off, &t.sec.to_le_bytes());
    put(b, off + 8, &t.nsec.to_le_bytes());
}

/// Encodes `struct statx`. Offsets from linux/stat.h: stx_mask 0,
/// stx_blksize 4, stx_attributes 8, stx_nlink 16, stx_uid 20, stx_gid 24,
/// stx_mode 28 (u16), stx_ino 32, stx_size 40, stx_blocks 48,
/// stx_attributes_mask 56, stx_atime 64, stx_btime 80, stx_ctime 96,
/// stx_mtime 112, stx_rdev_major 128, stx_rdev_minor 132, stx_dev_major
/// 136, stx_dev_minor 140, stx_mnt_id 144. The mask reports basic stats and
/// the mount id; no birth time is kept, so STATX_BTIME is never set
/// (statx(2): fields not in the mask are zero).
pub fn encode_statx(m: &Metadata, mnt_id: u64) -> [u8; STATX_SIZE] {
    let mut b = [0u8; STATX_SIZE];
    let mask = statx_mask::BASIC_STATS | statx_mask::MNT_ID;
    put(&mut b, 0, &mask.to_le_bytes());
    put(&mut b, 4, &m.blksize.to_le_bytes());
    put(
        &mut b,
        16,
        &u32::try_from(m.nlink).unwrap_or(u32::MAX).to_le_bytes(),
    );
    put(&mut b, 20, &m.uid.to_le_bytes());
    put(&mut b, 24, &m.gid.to_le_bytes());
    // st_mode fits 16 bits: type (0o170000) plus 0o7777.
    put(&mut b, 28, &(m.mode() as u16).to_le_bytes());
    put(&mut b, 32, &m.ino.to_le_bytes());
    put(&mut b, 40, &m.size.to_le_bytes());
    put(&mut b, 48, &m.blocks.to_le_bytes());
    put_statx_ts(&mut b, 64, m.atime);
    put_statx_ts(&mut b, 96, m.ctime);
    put_statx_ts(&mut b, 112, m.mtime);
    put(&mut b, 128, &m.rdev.major.to_le_bytes());
    put(&mut b, 132, &m.rdev.minor.to_le_bytes());
    put(&mut b, 136, &m.dev.major.to_le_bytes());
    put(&mut b, 140, &m.dev.minor.to_le_bytes());
    put(&mut b, 144, &mnt_id.to_le_bytes());
    b
}

/// Returns the record length of a `linux_dirent64` with a `name_len`-byte
/// name: header, name, NUL, rounded up to 8 (fs/readdir.c).
pub fn dirent64_len(name_len: usize) -> usize {
    (DIRENT64_NAME_OFFSET + name_len + 1 + 7) & !7
}

/// Writes one `linux_dirent64` at the start of `buf` and returns its
/// length, or `None` if it does not fit. Layout (getdents(2)): d_ino u64 at
/// 0, d_off i64 at 8, d_reclen u16 at 16, d_type u8 at 18, d_name at 19,
/// NUL-terminated, zero padding to the 8-aligned record length.
pub fn encode_dirent64(
    buf: &mut [u8],
    ino: u64,
    next_off: i64,
    d_type: u8,
    name: &[u8],
) -> Option<usize> {
    let len = dirent64_len(name.len());
    let rec = buf.get_mut(..len)?;
    rec.fill(0);
    put(rec, 0, &ino.to_le_bytes());
    put(rec, 8, &next_off.to_le_bytes());
    // len <= 19 + 255 + 8 fits u16.
    put(rec, 16, &(len as u16).to_le_bytes());
    rec[18] = d_type;
    put(rec, DIRENT64_NAME_OFFSET, name);
    Some(len)
}
