//! Host tests of the fd table and the `FileOps` defaults.

use alloc::sync::Arc;
use std::vec::Vec;

use super::*;
use crate::platform::UserAddr;
use crate::vfs::error::{errno_of, Errno, SysResult};
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{DevId, Fallocate, FileType, Metadata, Timespec};

/// An object implementing only the required methods.
struct Bare(OpenFileDescription);

impl FileOps for Bare {
    fn description(&self) -> &OpenFileDescription {
        &self.0
    }
    fn fstat(&self) -> SysResult<Metadata> {
        Ok(Metadata {
            dev: DevId::default(),
            ino: 1,
            file_type: FileType::Fifo,
            perm: 0o600,
            nlink: 1,
            uid: 0,
            gid: 0,
            rdev: DevId::default(),
            size: 0,
            blocks: 0,
            blksize: 4096,
            atime: Timespec::default(),
            mtime: Timespec::default(),
            ctime: Timespec::default(),
        })
    }
}

fn file() -> Arc<dyn FileOps> {
    file_with(o::RDWR)
}

fn file_with(bits: u32) -> Arc<dyn FileOps> {
    Arc::new(Bare(OpenFileDescription::new(
        OpenFlags::try_from(bits).expect("valid flags"),
    )))
}

struct NoMem;
impl UserMemory for NoMem {
    fn copy_in(&mut self, _: UserAddr, _: &mut [u8]) -> SysResult<()> {
        crate::vfs::error::err(Errno::EFAULT, "no memory")
    }
    fn copy_out(&mut self, _: UserAddr, _: &[u8]) -> SysResult<()> {
        crate::vfs::error::err(Errno::EFAULT, "no memory")
    }
}

fn fd(n: u32) -> Fd {
    Fd::new(n)
}

#[test]
fn insert_uses_lowest_free_fd() {
    let mut t = FdTable::new(16);
    for i in 0..4 {
        assert_eq!(t.insert(file(), FdFlags::default()).unwrap(), fd(i));
    }
    t.remove(fd(1)).unwrap();
    assert_eq!(t.insert(file(), FdFlags::default()).unwrap(), fd(1));
    assert_eq!(t.insert(file(), FdFlags::default()).unwrap(), fd(4));
    assert_eq!(t.count(), 5);
}

#[test]
fn insert_past_rlimit_nofile_gives_emfile() {
    let mut t = FdTable::new(3);
    for _ in 0..3 {
        t.insert(file(), FdFlags::default()).unwrap();
    }
    assert_eq!(
        errno_of(t.insert(file(), FdFlags::default())),
        Errno::EMFILE
    );
}

#[test]
fn get_and_remove_of_closed_fd_give_ebadf() {
    let mut t = FdTable::default();
    assert_eq!(errno_of(t.get(fd(0)).map(|_| ())), Errno::EBADF);
    assert_eq!(errno_of(t.remove(fd(7)).map(|_| ())), Errno::EBADF);
    assert_eq!(errno_of(t.flags(fd(3))), Errno::EBADF);
    assert_eq!(
        errno_of(t.set_flags(fd(3), FdFlags::default())),
        Errno::EBADF
    );
}

#[test]
fn fd_from_negative_or_huge_value_gives_ebadf() {
    assert_eq!(errno_of(Fd::try_from(-1i64)), Errno::EBADF);
    assert_eq!(errno_of(Fd::try_from(1i64 << 40)), Errno::EBADF);
    assert_eq!(Fd::try_from(5i64).unwrap().get(), 5);
}

#[test]
fn dup_shares_the_file_and_clears_cloexec() {
    let mut t = FdTable::default();
    let a = t.insert(file(), FdFlags { cloexec: true }).unwrap();
    let b = t.dup(a).unwrap();
    assert_eq!(b, fd(1));
    assert!(Arc::ptr_eq(&t.get(a).unwrap(), &t.get(b).unwrap()));
    assert!(!t.flags(b).unwrap().cloexec);
    assert!(t.flags(a).unwrap().cloexec);
}

#[test]
fn dup_shares_offset_and_status_flags() {
    let mut t = FdTable::default();
    let a = t.insert(file(), FdFlags::default()).unwrap();
    let b = t.dup(a).unwrap();
    *t.get(a).unwrap().description().offset() = 42;
    t.get(a).unwrap().set_status_flags(o::NONBLOCK).unwrap();
    let fb = t.get(b).unwrap();
    assert_eq!(*fb.description().offset(), 42);
    assert!(fb.description().is_nonblocking());
}

#[test]
fn dup2_onto_same_fd_returns_it_unchanged() {
    let mut t = FdTable::default();
    let a = t.insert(file(), FdFlags { cloexec: true }).unwrap();
    let (n, old) = t.dup2(a, a).unwrap();
    assert_eq!(n, a);
    assert!(old.is_none());
    assert!(t.flags(a).unwrap().cloexec);
}

#[test]
fn dup2_same_fd_when_closed_gives_ebadf() {
    let mut t = FdTable::default();
    assert_eq!(errno_of(t.dup2(fd(3), fd(3)).map(|r| r.0)), Errno::EBADF);
}

#[test]
fn dup2_replaces_target_and_hands_back_old_file() {
    let mut t = FdTable::default();
    let f0 = file();
    let a = t.insert(f0.clone(), FdFlags::default()).unwrap();
    let f1 = file();
    let b = t.insert(f1.clone(), FdFlags { cloexec: true }).unwrap();
    let (n, old) = t.dup2(a, b).unwrap();
    assert_eq!(n, b);
    assert!(Arc::ptr_eq(&old.unwrap(), &f1));
    assert!(Arc::ptr_eq(&t.get(b).unwrap(), &f0));
    assert!(!t.flags(b).unwrap().cloexec);
    assert_eq!(t.count(), 2);
}

#[test]
fn dup2_onto_high_fd_grows_table() {
    let mut t = FdTable::default();
    let a = t.insert(file(), FdFlags::default()).unwrap();
    t.dup2(a, fd(100)).unwrap();
    assert_eq!(t.fds(), std::vec![fd(0), fd(100)]);
    assert_eq!(t.insert(file(), FdFlags::default()).unwrap(), fd(1));
}

#[test]
fn dup2_newfd_at_limit_gives_ebadf() {
    let mut t = FdTable::new(8);
    let a = t.insert(file(), FdFlags::default()).unwrap();
    assert_eq!(errno_of(t.dup2(a, fd(8)).map(|r| r.0)), Errno::EBADF);
}

#[test]
fn dup3_same_fd_gives_einval() {
    let mut t = FdTable::default();
    let a = t.insert(file(), FdFlags::default()).unwrap();
    assert_eq!(errno_of(t.dup3(a, a, 0).map(|r| r.0)), Errno::EINVAL);
}

#[test]
fn dup3_flags_other_than_cloexec_give_einval() {
    let mut t = FdTable::default();
    let a = t.insert(file(), FdFlags::default()).unwrap();
    assert_eq!(
        errno_of(t.dup3(a, fd(5), o::NONBLOCK).map(|r| r.0)),
        Errno::EINVAL
    );
}

#[test]
fn dup3_with_o_cloexec_sets_fd_cloexec() {
    let mut t = FdTable::default();
    let a = t.insert(file(), FdFlags::default()).unwrap();
    t.dup3(a, fd(5), o::CLOEXEC).unwrap();
    assert!(t.flags(fd(5)).unwrap().cloexec);
}

#[test]
fn f_dupfd_allocates_at_or_above_minimum() {
    let mut t = FdTable::new(16);
    t.insert(file(), FdFlags::default()).unwrap();
    assert_eq!(
        t.insert_from(fd(10), file(), FdFlags::default()).unwrap(),
        fd(10)
    );
    assert_eq!(
        t.insert_from(fd(10), file(), FdFlags::default()).unwrap(),
        fd(11)
    );
    assert_eq!(
        errno_of(t.insert_from(fd(16), file(), FdFlags::default())),
        Errno::EINVAL
    );
}

#[test]
fn close_range_closes_inclusive_range_and_returns_files() {
    let mut t = FdTable::default();
    for _ in 0..6 {
        t.insert(file(), FdFlags::default()).unwrap();
    }
    let closed = t.close_range(2, 4, 0).unwrap();
    assert_eq!(closed.len(), 3);
    assert_eq!(t.fds(), std::vec![fd(0), fd(1), fd(5)]);
    // A range past the table is fine.
    assert_eq!(t.close_range(3, u32::MAX, 0).unwrap().len(), 1);
    assert_eq!(t.count(), 2);
}

#[test]
fn close_range_cloexec_marks_without_closing() {
    let mut t = FdTable::default();
    for _ in 0..3 {
        t.insert(file(), FdFlags::default()).unwrap();
    }
    assert!(t.close_range(1, 2, CLOSE_RANGE_CLOEXEC).unwrap().is_empty());
    assert_eq!(t.count(), 3);
    assert!(!t.flags(fd(0)).unwrap().cloexec);
    assert!(t.flags(fd(1)).unwrap().cloexec && t.flags(fd(2)).unwrap().cloexec);
}

#[test]
fn close_range_first_above_last_gives_einval() {
    let mut t = FdTable::default();
    assert_eq!(
        errno_of(t.close_range(5, 4, 0).map(|v| v.len())),
        Errno::EINVAL
    );
}

#[test]
fn close_range_unknown_flag_gives_einval() {
    let mut t = FdTable::default();
    assert_eq!(
        errno_of(t.close_range(0, 4, 1).map(|v| v.len())),
        Errno::EINVAL
    );
}

#[test]
fn lowering_limit_keeps_open_fds_but_refuses_new_ones() {
    let mut t = FdTable::new(8);
    for _ in 0..4 {
        t.insert(file(), FdFlags::default()).unwrap();
    }
    t.set_limit(2).unwrap();
    assert!(t.get(fd(3)).is_ok());
    assert_eq!(
        errno_of(t.insert(file(), FdFlags::default())),
        Errno::EMFILE
    );
    assert_eq!(errno_of(t.set_limit(NR_OPEN + 1)), Errno::EPERM);
}

#[test]
fn set_flags_round_trips_fd_cloexec() {
    let mut t = FdTable::default();
    let a = t.insert(file(), FdFlags::default()).unwrap();
    t.set_flags(a, FdFlags::from_bits(FdFlags::FD_CLOEXEC | 0x10))
        .unwrap();
    assert_eq!(t.flags(a).unwrap().bits(), FdFlags::FD_CLOEXEC);
    assert!(FdFlags::from_open_flags(o::CLOEXEC | o::RDWR).cloexec);
}

#[test]
fn fileops_defaults_return_linux_errnos_for_the_object_kind() {
    let f = file();
    let mut buf = [0u8; 4];
    assert_eq!(errno_of(f.read(&mut buf)), Errno::EINVAL);
    assert_eq!(errno_of(f.write(&buf)), Errno::EINVAL);
    assert_eq!(errno_of(f.pread(&mut buf, 0)), Errno::ESPIPE);
    assert_eq!(errno_of(f.pwrite(&buf, 0)), Errno::ESPIPE);
    assert_eq!(errno_of(f.lseek(0, Whence::Set)), Errno::ESPIPE);
    assert_eq!(errno_of(f.getdents64(&mut buf)), Errno::ENOTDIR);
    assert_eq!(
        errno_of(f.ioctl(0x5401, UserAddr(0), &mut NoMem)),
        Errno::ENOTTY
    );
    assert_eq!(errno_of(f.ftruncate(0)), Errno::EINVAL);
    assert_eq!(
        errno_of(f.fallocate(Fallocate::Allocate, 0, 1)),
        Errno::ENODEV
    );
    assert_eq!(errno_of(f.fsync()), Errno::EINVAL);
    assert_eq!(f.poll(), PollEvents::DEFAULT);
    assert!(f.loc().is_none());
    assert!(f.fstat().is_ok());
}

#[test]
fn status_flags_drop_creation_flags_and_setfl_changes_only_its_mask() {
    let f = file_with(o::WRONLY | o::CREAT | o::EXCL | o::TRUNC | o::CLOEXEC | o::APPEND);
    assert_eq!(f.status_flags(), o::WRONLY | o::APPEND);
    f.set_status_flags(o::NONBLOCK | o::RDWR | o::DIRECTORY)
        .unwrap();
    assert_eq!(f.status_flags(), o::WRONLY | o::NONBLOCK);
    assert!(!f.description().is_append());
}

#[test]
fn description_access_checks_give_ebadf() {
    let r = OpenFileDescription::new(OpenFlags::try_from(o::RDONLY).unwrap());
    assert!(r.check_readable().is_ok());
    assert_eq!(errno_of(r.check_writable()), Errno::EBADF);
    let w = OpenFileDescription::new(OpenFlags::try_from(o::WRONLY).unwrap());
    assert_eq!(errno_of(w.check_readable()), Errno::EBADF);
    let p = OpenFileDescription::new(OpenFlags::try_from(o::PATH | o::RDWR).unwrap());
    assert_eq!(errno_of(p.check_readable()), Errno::EBADF);
    assert_eq!(errno_of(p.check_writable()), Errno::EBADF);
}

#[test]
fn whence_parses_linux_values() {
    let all: Vec<Whence> = (0..5).map(|w| Whence::try_from(w).unwrap()).collect();
    assert_eq!(
        all,
        std::vec![
            Whence::Set,
            Whence::Cur,
            Whence::End,
            Whence::Data,
            Whence::Hole
        ]
    );
    assert_eq!(errno_of(Whence::try_from(5)), Errno::EINVAL);
}
