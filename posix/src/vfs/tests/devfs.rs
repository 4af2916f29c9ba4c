//! /dev devices and the console tty.

use std::vec::Vec;

use super::*;
use crate::fd::{UserMemory, Whence};
use crate::platform::UserAddr;
use crate::vfs::error::{err, errno_of, Errno};
use crate::vfs::tty::{ioctl, TERMIOS_SIZE};
use crate::vfs::types::FileType;

/// User memory as a flat 4 KiB array at address 0x1000.
struct Mem(Mutex<Vec<u8>>);

impl Mem {
    fn new() -> Self {
        Mem(Mutex::new(std::vec![0u8; 4096]))
    }
    fn range(&self, a: UserAddr, len: usize) -> SysResult<core::ops::Range<usize>> {
        let start = (a.0 as usize)
            .checked_sub(0x1000)
            .filter(|s| s + len <= 4096);
        match start {
            Some(s) => Ok(s..s + len),
            None => err(Errno::EFAULT, "outside test memory"),
        }
    }
}

impl UserMemory for Mem {
    fn copy_in(&mut self, src: UserAddr, dst: &mut [u8]) -> SysResult<()> {
        let r = self.range(src, dst.len())?;
        dst.copy_from_slice(&self.0.lock()[r]);
        Ok(())
    }
    fn copy_out(&mut self, dst: UserAddr, src: &[u8]) -> SysResult<()> {
        let r = self.range(dst, src.len())?;
        self.0.lock()[r].copy_from_slice(src);
        Ok(())
    }
}

#[test]
fn dev_null_reads_eof_and_swallows_writes() {
    let (v, _) = booted(None, 0);
    let f = open(&v, "/dev/null", o::RDWR).unwrap();
    let mut buf = [1u8; 8];
    assert_eq!(f.read(&mut buf).unwrap(), 0);
    assert_eq!(f.write(b"gone").unwrap(), 4);
    assert_eq!(f.lseek(100, Whence::Set).unwrap(), 0);
    assert_eq!(
        errno_of(f.ioctl(ioctl::TCGETS, UserAddr(0x1000), &mut Mem::new())),
        Errno::ENOTTY
    );
}

#[test]
fn dev_zero_reads_zeros() {
    let (v, _) = booted(None, 0);
    let f = open(&v, "/dev/zero", o::RDONLY).unwrap();
    let mut buf = [1u8; 8];
    assert_eq!(f.read(&mut buf).unwrap(), 8);
    assert_eq!(buf, [0; 8]);
}

#[test]
fn dev_full_write_gives_enospc() {
    let (v, _) = booted(None, 0);
    let f = open(&v, "/dev/full", o::RDWR).unwrap();
    assert_eq!(errno_of(f.write(b"x")), Errno::ENOSPC);
    let mut buf = [1u8; 4];
    assert_eq!(f.read(&mut buf).unwrap(), 4);
    assert_eq!(buf, [0; 4]);
}

#[test]
fn dev_urandom_and_random_read_from_the_source() {
    let (v, _) = booted(None, 0);
    for path in ["/dev/urandom", "/dev/random"] {
        let f = open(&v, path, o::RDONLY).unwrap();
        let mut buf = [0u8; 3];
        f.read(&mut buf).unwrap();
        assert_eq!(buf, [0xa5, 0xa4, 0xa7]);
    }
}

#[test]
fn dev_console_writes_reach_the_sink() {
    let (v, sink) = booted(None, 0);
    open(&v, "/dev/console", o::WRONLY)
        .unwrap()
        .write(b"hello ")
        .unwrap();
    open(&v, "/dev/tty", o::WRONLY)
        .unwrap()
        .write(b"tty")
        .unwrap();
    assert_eq!(sink.0.lock().as_slice(), b"hello tty");
}

#[test]
fn console_answers_termios_and_winsize_ioctls() {
    let (v, _) = booted(None, 0);
    let f = open(&v, "/dev/console", o::RDWR).unwrap();
    let mut mem = Mem::new();
    assert_eq!(
        f.ioctl(ioctl::TCGETS, UserAddr(0x1000), &mut mem).unwrap(),
        0
    );
    let lflag = u32::from_le_bytes(mem.0.lock()[12..16].try_into().unwrap());
    assert_ne!(lflag & 0o2, 0, "ICANON");
    f.ioctl(ioctl::TIOCGWINSZ, UserAddr(0x1100), &mut mem)
        .unwrap();
    assert_eq!(&mem.0.lock()[0x100..0x104], &[24, 0, 80, 0]);
    // Settings written are read back.
    mem.0.lock()[0x200..0x200 + TERMIOS_SIZE].fill(0x11);
    f.ioctl(ioctl::TCSETS, UserAddr(0x1200), &mut mem).unwrap();
    f.ioctl(ioctl::TCGETS, UserAddr(0x1300), &mut mem).unwrap();
    assert!(mem.0.lock()[0x300..0x300 + TERMIOS_SIZE]
        .iter()
        .all(|&b| b == 0x11));
    assert_eq!(
        errno_of(f.ioctl(0x1234, UserAddr(0x1000), &mut mem)),
        Errno::ENOTTY
    );
    assert_eq!(
        errno_of(f.ioctl(ioctl::TCGETS, UserAddr(0x9000), &mut mem)),
        Errno::EFAULT
    );
    assert_eq!(errno_of(f.lseek(0, Whence::Set)), Errno::ESPIPE);
}

#[test]
fn device_nodes_stat_as_character_devices_with_linux_numbers() {
    let (v, _) = booted(None, 0);
    let m = stat(&v, "/dev/null").unwrap();
    assert_eq!(m.file_type, FileType::CharDevice);
    assert_eq!(m.rdev, DevId::new(1, 3));
    assert_eq!(m.rdev.encode(), 0x103);
    assert_eq!(stat(&v, "/dev/urandom").unwrap().rdev, DevId::new(1, 9));
    assert_eq!(stat(&v, "/dev/console").unwrap().rdev, DevId::new(5, 1));
    let f = open(&v, "/dev/zero", o::RDONLY).unwrap();
    assert_eq!(f.fstat().unwrap().rdev, DevId::new(1, 5));
}

#[test]
fn dev_std_symlinks_point_into_proc() {
    let (v, _) = booted(None, 0);
    let r = v.root();
    assert_eq!(v.readlink(&r, b"/dev/stdout").unwrap(), b"/proc/self/fd/1");
    assert_eq!(v.readlink(&r, b"/dev/fd").unwrap(), b"/proc/self/fd");
}

#[test]
fn devfs_rejects_new_names_and_lists_its_devices() {
    let (v, _) = booted(None, 0);
    assert_eq!(
        errno_of(open(&v, "/dev/nope", o::RDONLY).map(|_| ())),
        Errno::ENOENT
    );
    assert_eq!(
        errno_of(open(&v, "/dev/new", o::CREAT | o::WRONLY).map(|_| ())),
        Errno::EPERM
    );
    assert_eq!(errno_of(v.unlink(&v.root(), b"/dev/null")), Errno::EPERM);
    let f = open(&v, "/dev", o::RDONLY).unwrap();
    let mut buf = [0u8; 1024];
    assert!(f.getdents64(&mut buf).unwrap() > 12 * 24);
    assert!(loc(&v, "/dev/..").same_inode(&v.root()));
}

#[test]
fn write_only_device_refuses_reads() {
    let (v, _) = booted(None, 0);
    let f = open(&v, "/dev/null", o::WRONLY).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(errno_of(f.read(&mut buf)), Errno::EBADF);
}
