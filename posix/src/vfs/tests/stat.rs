//! Byte layouts of struct stat, struct statx and linux_dirent64.

use super::*;
use crate::vfs::stat::{
    dirent64_len, encode_dirent64, encode_stat, encode_statx, statx_mask, STATX_SIZE, STAT_SIZE,
};
use crate::vfs::types::FileType;

fn sample() -> Metadata {
    Metadata {
        dev: DevId::new(0, 3),
        ino: 0x1122_3344_5566_7788,
        file_type: FileType::Regular,
        perm: 0o4755,
        nlink: 3,
        uid: 1000,
        gid: 100,
        rdev: DevId::new(1, 9),
        size: 5000,
        blocks: 16,
        blksize: 4096,
        atime: Timespec { sec: 10, nsec: 11 },
        mtime: Timespec { sec: 20, nsec: 21 },
        ctime: Timespec { sec: 30, nsec: 31 },
    }
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

#[test]
fn struct_stat_is_144_bytes_at_uapi_offsets() {
    assert_eq!(STAT_SIZE, 144);
    let b = encode_stat(&sample());
    assert_eq!(u64_at(&b, 0), 3, "st_dev");
    assert_eq!(u64_at(&b, 8), 0x1122_3344_5566_7788, "st_ino");
    assert_eq!(u64_at(&b, 16), 3, "st_nlink");
    assert_eq!(u32_at(&b, 24), 0o104755, "st_mode");
    assert_eq!(u32_at(&b, 28), 1000, "st_uid");
    assert_eq!(u32_at(&b, 32), 100, "st_gid");
    assert_eq!(u32_at(&b, 36), 0, "__pad0");
    assert_eq!(u64_at(&b, 40), 0x109, "st_rdev");
    assert_eq!(u64_at(&b, 48), 5000, "st_size");
    assert_eq!(u64_at(&b, 56), 4096, "st_blksize");
    assert_eq!(u64_at(&b, 64), 16, "st_blocks");
    assert_eq!((u64_at(&b, 72), u64_at(&b, 80)), (10, 11), "st_atim");
    assert_eq!((u64_at(&b, 88), u64_at(&b, 96)), (20, 21), "st_mtim");
    assert_eq!((u64_at(&b, 104), u64_at(&b, 112)), (30, 31), "st_ctim");
    assert!(b[120..].iter().all(|&x| x == 0), "__unused");
}

#[test]
fn struct_statx_is_256_bytes_at_uapi_offsets() {
    assert_eq!(STATX_SIZE, 256);
    let b = encode_statx(&sample(), 7);
    assert_eq!(u32_at(&b, 0), statx_mask::BASIC_STATS | statx_mask::MNT_ID);
    assert_eq!(u32_at(&b, 4), 4096, "stx_blksize");
    assert_eq!(u32_at(&b, 16), 3, "stx_nlink");
    assert_eq!((u32_at(&b, 20), u32_at(&b, 24)), (1000, 100));
    assert_eq!(u16::from_le_bytes([b[28], b[29]]), 0o104755, "stx_mode");
    assert_eq!(u64_at(&b, 32), 0x1122_3344_5566_7788, "stx_ino");
    assert_eq!(u64_at(&b, 40), 5000, "stx_size");
    assert_eq!(u64_at(&b, 48), 16, "stx_blocks");
    assert_eq!((u64_at(&b, 64), u32_at(&b, 72)), (10, 11), "stx_atime");
    assert_eq!(u64_at(&b, 80), 0, "no stx_btime");
    assert_eq!((u64_at(&b, 96), u32_at(&b, 104)), (30, 31), "stx_ctime");
    assert_eq!((u64_at(&b, 112), u32_at(&b, 120)), (20, 21), "stx_mtime");
    assert_eq!((u32_at(&b, 128), u32_at(&b, 132)), (1, 9), "stx_rdev");
    assert_eq!((u32_at(&b, 136), u32_at(&b, 140)), (0, 3), "stx_dev");
    assert_eq!(u64_at(&b, 144), 7, "stx_mnt_id");
}

#[test]
fn dirent64_records_are_8_aligned_and_nul_terminated() {
    assert_eq!(dirent64_len(1), 24);
    assert_eq!(dirent64_len(4), 24);
    assert_eq!(dirent64_len(5), 32);
    assert_eq!(dirent64_len(255), 280);
    let mut buf = [0xffu8; 40];
    let n = encode_dirent64(&mut buf, 42, 3, 8, b"hello").unwrap();
    assert_eq!(n, 32);
    assert_eq!(u64_at(&buf, 0), 42, "d_ino");
    assert_eq!(u64_at(&buf, 8), 3, "d_off");
    assert_eq!(u16::from_le_bytes([buf[16], buf[17]]), 32, "d_reclen");
    assert_eq!(buf[18], 8, "d_type");
    assert_eq!(&buf[19..25], b"hello\0");
    assert!(buf[25..32].iter().all(|&x| x == 0), "padding");
    assert_eq!(buf[32], 0xff, "nothing past the record");
    assert!(encode_dirent64(&mut buf[..31], 1, 1, 8, b"hello").is_none());
}

#[test]
fn device_numbers_encode_like_makedev() {
    assert_eq!(DevId::new(1, 3).encode(), 0x103);
    assert_eq!(DevId::new(8, 0x1234).encode(), 0x0120_0834);
    assert_eq!(DevId::new(0x1000, 0).encode(), 1 << 44);
}

#[test]
fn file_types_map_to_mode_bits_and_dirent_types() {
    assert_eq!(FileType::Directory.dirent_type(), 4);
    assert_eq!(FileType::Regular.dirent_type(), 8);
    assert_eq!(FileType::Symlink.dirent_type(), 10);
    assert_eq!(FileType::CharDevice.dirent_type(), 2);
    for t in [
        FileType::Regular,
        FileType::Directory,
        FileType::Symlink,
        FileType::Fifo,
        FileType::Socket,
        FileType::BlockDevice,
        FileType::CharDevice,
    ] {
        assert_eq!(FileType::from_mode(t.mode_bits() | 0o644), Some(t));
    }
    assert_eq!(FileType::from_mode(0o644), None);
}

#[test]
fn timespec_from_nanos_splits_seconds() {
    assert_eq!(
        Timespec::from_nanos(1_500_000_000),
        Timespec {
            sec: 1,
            nsec: 500_000_000
        }
    );
}
