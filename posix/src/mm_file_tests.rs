//! Host tests of file mappings and memory edge cases: contents filled at
//! fault time, private writes invisible to the file, SIGBUS beyond the end
//! of the file, shared/exec refusals, partial munmap, out of memory, and
//! MAP_SHARED mappings sharing the file's pages with read/write and with
//! each other.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::{FaultError, FileMapRequest, Mm, VmaKind, PAGE};
use crate::errno::Errno;
use crate::fd::FileOps;
use crate::mock::MockPlatform;
use crate::platform::{Platform, Prot, UserAddr};
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::tmpfs::{new_tmpfs, TmpfsConfig};
use crate::vfs::types::{DevId, EpochClock};
use crate::vfs::{Loc, NewNode};

fn setup() -> (Mm, MockPlatform) {
    let p = MockPlatform::new(7);
    let mut mm = Mm::new();
    mm.init_layout(&p);
    (mm, p)
}

/// A file of `len` bytes where byte i is `i % 251`, opened with `flags`.
fn file(len: usize, flags: u32) -> Arc<dyn FileOps> {
    let root = new_tmpfs(TmpfsConfig {
        dev: DevId::new(0, 9),
        uid: 0,
        gid: 0,
        root_perm: 0o755,
        max_bytes: 1 << 20,
        clock: Arc::new(EpochClock),
    });
    let inode = root.create(b"f", NewNode::File, 0o644).expect("create");
    let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    inode.write_at(0, &data).expect("write");
    let flags = OpenFlags::try_from(flags).expect("flags");
    crate::vfs::file::open_inode(Loc { mount: 0, inode }, flags, None)
}

fn req(len: u64, prot: Prot, offset: u64, shared: bool) -> FileMapRequest {
    FileMapRequest {
        addr: 0,
        len,
        prot,
        offset,
        shared,
        fixed: false,
        noreplace: false,
    }
}

fn errno(r: crate::errno::SysResult<u64>) -> Errno {
    r.expect_err("expected an error").errno
}

#[test]
fn private_read_only_fills_from_the_file_at_fault() {
    let (mut mm, p) = setup();
    let f = file(3 * PAGE as usize + 100, o::RDONLY);
    let a = mm
        .mmap_file(&p, f, req(4 * PAGE, Prot::R, 0, false))
        .unwrap();
    assert!(!mm.is_present(a), "nothing is read before the first touch");
    mm.fault_in_detail(&p, a + PAGE + 5, false, false).unwrap();
    let got = p.peek(a + PAGE, 8).unwrap();
    let want: Vec<u8> = (4096..4104).map(|i| (i % 251) as u8).collect();
    assert_eq!(got, want);
    assert_eq!(p.prot_at(a + PAGE), Some(Prot::R));
    // The last partial page: file bytes then zeros.
    mm.fault_in_detail(&p, a + 3 * PAGE, false, false).unwrap();
    assert_eq!(
        p.peek(a + 3 * PAGE + 99, 2).unwrap(),
        [(12387 % 251) as u8, 0]
    );
    assert_eq!(
        mm.fault_in_detail(&p, a + 3 * PAGE, true, false),
        Err(FaultError::Segv("write to a read-only mapping"))
    );
}

#[test]
fn page_beyond_end_of_file_is_sigbus() {
    let (mut mm, p) = setup();
    let f = file(100, o::RDONLY);
    let a = mm
        .mmap_file(&p, f, req(3 * PAGE, Prot::R, 0, false))
        .unwrap();
    assert!(mm.fault_in_detail(&p, a, false, false).is_ok());
    assert!(matches!(
        mm.fault_in_detail(&p, a + PAGE, false, false),
        Err(FaultError::Bus(_))
    ));
    // Past the mapping it is SIGSEGV again (or another mapping).
    assert!(!matches!(
        mm.fault_in_detail(&p, a + 3 * PAGE, false, false),
        Err(FaultError::Bus(_))
    ));
}

#[test]
fn private_writes_stay_in_the_mapping() {
    let (mut mm, p) = setup();
    let f = file(2 * PAGE as usize, o::RDONLY);
    let a = mm
        .mmap_file(&p, f.clone(), req(2 * PAGE, Prot::RW, PAGE, false))
        .unwrap();
    mm.fault_in_detail(&p, a, true, false).unwrap();
    assert_eq!(p.peek(a, 1).unwrap(), [(4096 % 251) as u8]);
    p.copy_to_user(UserAddr(a), b"XY").unwrap();
    let mut back = [0u8; 2];
    f.pread(&mut back, PAGE).unwrap();
    assert_eq!(back, [(4096 % 251) as u8, (4097 % 251) as u8]);
    // MADV_DONTNEED drops the private copy: the file's bytes come back.
    mm.dontneed(&p, a, PAGE).unwrap();
    mm.fault_in_detail(&p, a, false, false).unwrap();
    assert_eq!(p.peek(a, 1).unwrap(), [(4096 % 251) as u8]);
}

#[test]
fn refusals() {
    let (mut mm, p) = setup();
    let ro = file(PAGE as usize, o::RDONLY);
    // mmap(2): MAP_SHARED with PROT_WRITE needs an fd open for writing.
    assert_eq!(
        errno(mm.mmap_file(&p, ro.clone(), req(PAGE, Prot::RW, 0, true))),
        Errno::EACCES
    );
    assert_eq!(
        errno(mm.mmap_file(&p, ro.clone(), req(PAGE, Prot::RX, 0, false))),
        Errno::EACCES
    );
    assert_eq!(
        errno(mm.mmap_file(&p, ro.clone(), req(PAGE, Prot::R, 1, false))),
        Errno::EINVAL
    );
    assert_eq!(
        errno(mm.mmap_file(&p, ro.clone(), req(0, Prot::R, 0, false))),
        Errno::EINVAL
    );
    let wo = file(PAGE as usize, o::WRONLY);
    assert_eq!(
        errno(mm.mmap_file(&p, wo, req(PAGE, Prot::R, 0, false))),
        Errno::EACCES
    );
    // Shared read-only works, and stays read-only.
    let a = mm.mmap_file(&p, ro, req(PAGE, Prot::R, 0, true)).unwrap();
    mm.fault_in_detail(&p, a, false, false).unwrap();
    assert_eq!(
        mm.mprotect(&p, a, PAGE, Prot::RW).unwrap_err().errno,
        Errno::EACCES
    );
    assert_eq!(
        mm.mprotect(&p, a, PAGE, Prot::RX).unwrap_err().errno,
        Errno::EACCES
    );
}

#[test]
fn partial_munmap_keeps_offsets_and_releases_the_file() {
    let (mut mm, p) = setup();
    let f = file(4 * PAGE as usize, o::RDONLY);
    let a = mm
        .mmap_file(&p, f.clone(), req(4 * PAGE, Prot::R, 0, false))
        .unwrap();
    mm.munmap(&p, a + PAGE, PAGE).unwrap();
    assert!(mm.find(a + PAGE).is_none());
    match mm.find(a + 2 * PAGE).map(|(s, v)| (s, v.kind)) {
        Some((s, VmaKind::File(fm))) => {
            assert_eq!(s, a + 2 * PAGE);
            assert_eq!(fm.offset, 2 * PAGE);
        }
        other => panic!("unexpected {other:?}"),
    }
    mm.fault_in_detail(&p, a + 3 * PAGE, false, false).unwrap();
    assert_eq!(p.peek(a + 3 * PAGE, 1).unwrap(), [(12288 % 251) as u8]);
    assert_eq!(mm.files.files.len(), 1);
    mm.munmap(&p, a, 4 * PAGE).unwrap();
    assert_eq!(mm.files.files.len(), 0);
    assert_eq!(Arc::strong_count(&f), 1, "the mapping let go of the file");
}

#[test]
fn msync_needs_a_mapped_range() {
    let (mut mm, p) = setup();
    let a = mm
        .mmap_anon(&p, 0, 2 * PAGE, Prot::RW, false, false)
        .unwrap();
    assert!(mm.msync_check(a, 2 * PAGE).is_ok());
    assert_eq!(
        mm.msync_check(a + 1, PAGE).unwrap_err().errno,
        Errno::EINVAL
    );
    mm.munmap(&p, a + PAGE, PAGE).unwrap();
    assert_eq!(
        mm.msync_check(a, 2 * PAGE).unwrap_err().errno,
        Errno::ENOMEM
    );
}

#[test]
fn out_of_memory() {
    let (mut mm, p) = setup();
    p.frames_left.set(1);
    // Reservations are lazy (Linux overcommit): mmap succeeds.
    let a = mm
        .mmap_anon(&p, 0, 4 * PAGE, Prot::RW, false, false)
        .unwrap();
    mm.fault_in_detail(&p, a, true, false).unwrap();
    assert_eq!(
        mm.fault_in_detail(&p, a + PAGE, true, false),
        Err(FaultError::OutOfMemory)
    );
    // Eager population reports ENOMEM to the caller.
    assert_eq!(
        mm.populate(&p, a + PAGE, a + 2 * PAGE, Prot::RW)
            .unwrap_err()
            .errno,
        Errno::ENOMEM
    );
    // A file page needs a frame too.
    let f = file(PAGE as usize, o::RDONLY);
    let b = mm.mmap_file(&p, f, req(PAGE, Prot::R, 0, false)).unwrap();
    assert_eq!(
        mm.fault_in_detail(&p, b, false, false),
        Err(FaultError::OutOfMemory)
    );
    assert!(!mm.is_present(b));
}

#[test]
fn guard_page_fault_is_reported() {
    let (mut mm, p) = setup();
    // musl's pthread_create: one mapping, then mprotect the lowest page to
    // PROT_NONE as the guard.
    let a = mm
        .mmap_anon(&p, 0, 8 * PAGE, Prot::RW, false, false)
        .unwrap();
    mm.mprotect(&p, a, PAGE, Prot::NONE).unwrap();
    assert_eq!(
        mm.fault_in_detail(&p, a + 100, true, false),
        Err(FaultError::Segv("access to a PROT_NONE mapping"))
    );
    assert!(mm.fault_in_detail(&p, a + PAGE, true, false).is_ok());
}

#[test]
fn shared_mappings_are_the_files_pages() {
    let (mut mm, p) = setup();
    let f = file(2 * PAGE as usize + 10, o::RDWR);
    let a = mm
        .mmap_file(&p, f.clone(), req(3 * PAGE, Prot::RW, 0, true))
        .unwrap();
    mm.fault_in_detail(&p, a, true, false).unwrap();
    assert_eq!(p.peek(a + 5, 1).unwrap(), [5]);
    // A store through the mapping is what read(2) sees...
    p.copy_to_user(UserAddr(a + 1), b"map").unwrap();
    let mut back = [0u8; 5];
    f.pread(&mut back, 0).unwrap();
    assert_eq!(back, [0, b'm', b'a', b'p', 4]);
    // ...and write(2) is what the mapping sees, before and after a touch.
    f.pwrite(b"file", 100).unwrap();
    assert_eq!(p.peek(a + 100, 4).unwrap(), b"file");
    f.pwrite(b"late", PAGE + 7).unwrap();
    mm.fault_in_detail(&p, a + PAGE, false, false).unwrap();
    assert_eq!(p.peek(a + PAGE + 7, 4).unwrap(), b"late");
    // A second mapping of page 1 aliases the first one's page 1.
    let b = mm
        .mmap_file(&p, f.clone(), req(PAGE, Prot::RW, PAGE, true))
        .unwrap();
    mm.fault_in_detail(&p, b, true, false).unwrap();
    assert_eq!(p.peek(b + 7, 4).unwrap(), b"late");
    p.copy_to_user(UserAddr(b + 7), b"LATE").unwrap();
    assert_eq!(p.peek(a + PAGE + 7, 4).unwrap(), b"LATE");
    // The partial last page shares too; beyond it is SIGBUS.
    mm.fault_in_detail(&p, a + 2 * PAGE, true, false).unwrap();
    assert!(mm.msync_check(a, 3 * PAGE).is_ok());
    assert_eq!(f.fstat().unwrap().size, 2 * PAGE + 10);
    // Unmapping keeps the file's bytes (the page cache still holds them).
    mm.munmap(&p, a, 3 * PAGE).unwrap();
    mm.munmap(&p, b, PAGE).unwrap();
    let mut back = [0u8; 4];
    f.pread(&mut back, PAGE + 7).unwrap();
    assert_eq!(&back, b"LATE");
    f.pread(&mut back, 1).unwrap();
    assert_eq!(&back[..3], b"map");
}

#[test]
fn shared_mapping_protections_follow_the_fd() {
    let (mut mm, p) = setup();
    let rw = file(PAGE as usize, o::RDWR);
    // Read-only shared mapping of a writable fd: it sees later writes, and
    // mprotect may make it writable (VM_MAYWRITE).
    let a = mm
        .mmap_file(&p, rw.clone(), req(PAGE, Prot::R, 0, true))
        .unwrap();
    mm.fault_in_detail(&p, a, false, false).unwrap();
    assert_eq!(p.prot_at(a), Some(Prot::R));
    assert_eq!(
        mm.fault_in_detail(&p, a, true, false),
        Err(FaultError::Segv("write to a read-only mapping"))
    );
    rw.pwrite(b"new", 0).unwrap();
    assert_eq!(p.peek(a, 3).unwrap(), b"new");
    mm.mprotect(&p, a, PAGE, Prot::RW).unwrap();
    p.copy_to_user(UserAddr(a), b"N").unwrap();
    let mut back = [0u8; 1];
    rw.pread(&mut back, 0).unwrap();
    assert_eq!(&back, b"N");
    // MADV_DONTNEED drops the PTE only: the page comes back with its bytes.
    mm.dontneed(&p, a, PAGE).unwrap();
    mm.fault_in_detail(&p, a, false, false).unwrap();
    assert_eq!(p.peek(a, 3).unwrap(), b"New");
}

#[test]
fn shared_fault_on_a_hole_allocates_and_out_of_frames_is_oom() {
    let (mut mm, p) = setup();
    let f = file(0, o::RDWR);
    f.ftruncate(2 * PAGE).unwrap();
    let blocks = f.fstat().unwrap().blocks;
    let a = mm
        .mmap_file(&p, f.clone(), req(2 * PAGE, Prot::RW, 0, true))
        .unwrap();
    mm.fault_in_detail(&p, a, true, false).unwrap();
    p.copy_to_user(UserAddr(a + 10), b"hole").unwrap();
    let mut back = [0u8; 4];
    f.pread(&mut back, 10).unwrap();
    assert_eq!(&back, b"hole");
    assert!(f.fstat().unwrap().blocks > blocks, "the hole got a page");
    p.frames_left.set(0);
    assert_eq!(
        mm.fault_in_detail(&p, a + PAGE, true, false),
        Err(FaultError::OutOfMemory)
    );
    assert!(!mm.is_present(a + PAGE));
}
