//! The façade on tmpfs: open flags, reads and writes, directories, links,
//! truncate and fallocate, timestamps, access and umask.

use super::*;
use crate::fd::Whence;
use crate::vfs::error::{errno_of, Errno};
use crate::vfs::flags::RenameFlags;
use crate::vfs::stat::dirent64_len;
use crate::vfs::types::{Fallocate, FileType, TimeUpdate};

fn root_flags(bits: u32) -> AtFlags {
    AtFlags::parse(bits, bits).unwrap()
}

#[test]
fn open_creat_makes_a_file_with_the_umask_applied() {
    let (v, _) = tvfs();
    v.open(
        &v.root(),
        b"/f",
        flags(o::CREAT | o::WRONLY),
        Mode::new(0o777),
    )
    .unwrap();
    let m = stat(&v, "/f").unwrap();
    assert_eq!(m.file_type, FileType::Regular);
    assert_eq!(m.perm, 0o755);
    assert_eq!(v.set_umask(0o077), 0o022);
    v.open(
        &v.root(),
        b"/g",
        flags(o::CREAT | o::WRONLY),
        Mode::new(0o666),
    )
    .unwrap();
    assert_eq!(stat(&v, "/g").unwrap().perm, 0o600);
    assert_eq!(v.umask(), 0o077);
}

#[test]
fn open_creat_excl_on_an_existing_name_gives_eexist() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    assert_eq!(
        errno_of(open(&v, "/f", o::CREAT | o::EXCL | o::RDWR).map(|_| ())),
        Errno::EEXIST
    );
}

#[test]
fn open_creat_excl_on_a_dangling_symlink_gives_eexist() {
    let (v, _) = tvfs();
    symlink(&v, "/target", "/l").unwrap();
    assert_eq!(
        errno_of(open(&v, "/l", o::CREAT | o::EXCL | o::RDWR).map(|_| ())),
        Errno::EEXIST
    );
    assert_eq!(errno_of(stat(&v, "/target")), Errno::ENOENT);
}

#[test]
fn open_creat_through_a_dangling_symlink_creates_the_target() {
    let (v, _) = tvfs();
    symlink(&v, "target", "/l").unwrap();
    open(&v, "/l", o::CREAT | o::WRONLY)
        .unwrap()
        .write(b"x")
        .unwrap();
    assert_eq!(read_all(&v, "/target").unwrap(), b"x");
}

#[test]
fn open_creat_with_nofollow_on_a_symlink_gives_eloop() {
    let (v, _) = tvfs();
    symlink(&v, "target", "/l").unwrap();
    assert_eq!(
        errno_of(open(&v, "/l", o::CREAT | o::NOFOLLOW | o::WRONLY).map(|_| ())),
        Errno::ELOOP
    );
}

#[test]
fn open_missing_file_without_creat_gives_enoent() {
    let (v, _) = tvfs();
    assert_eq!(
        errno_of(open(&v, "/nope", o::RDONLY).map(|_| ())),
        Errno::ENOENT
    );
    assert_eq!(
        errno_of(open(&v, "/nope/x", o::CREAT | o::RDWR).map(|_| ())),
        Errno::ENOENT
    );
}

#[test]
fn open_trunc_empties_an_existing_file() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"hello");
    open(&v, "/f", o::WRONLY | o::TRUNC).unwrap();
    assert_eq!(stat(&v, "/f").unwrap().size, 0);
}

#[test]
fn open_directory_flag_on_a_file_gives_enotdir() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    assert_eq!(
        errno_of(open(&v, "/f", o::RDONLY | o::DIRECTORY).map(|_| ())),
        Errno::ENOTDIR
    );
    assert!(open(&v, "/", o::RDONLY | o::DIRECTORY).is_ok());
}

#[test]
fn open_directory_for_writing_gives_eisdir() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    assert_eq!(
        errno_of(open(&v, "/d", o::WRONLY).map(|_| ())),
        Errno::EISDIR
    );
    assert_eq!(errno_of(open(&v, "/d", o::RDWR).map(|_| ())), Errno::EISDIR);
    assert_eq!(
        errno_of(open(&v, "/d", o::RDONLY | o::CREAT).map(|_| ())),
        Errno::EISDIR
    );
    assert_eq!(
        errno_of(open(&v, "/", o::RDONLY | o::CREAT).map(|_| ())),
        Errno::EISDIR
    );
}

#[test]
fn open_creat_with_a_trailing_slash_gives_eisdir() {
    let (v, _) = tvfs();
    assert_eq!(
        errno_of(open(&v, "/new/", o::CREAT | o::WRONLY).map(|_| ())),
        Errno::EISDIR
    );
}

#[test]
fn o_tmpfile_makes_an_unnamed_file_that_linkat_can_name() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    let f = open(&v, "/d", o::TMPFILE | o::DIRECTORY | o::RDWR).unwrap();
    f.write(b"secret").unwrap();
    assert_eq!(f.fstat().unwrap().nlink, 0);
    assert!(v.read_dir_names("/d").is_empty());
    let at = f.loc().unwrap();
    v.link(
        &at,
        b"",
        &v.root(),
        b"/d/named",
        root_flags(AtFlags::EMPTY_PATH),
    )
    .unwrap();
    assert_eq!(read_all(&v, "/d/named").unwrap(), b"secret");
    assert_eq!(f.fstat().unwrap().nlink, 1);
}

#[test]
fn o_tmpfile_on_a_file_gives_enotdir() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    assert_eq!(
        errno_of(open(&v, "/f", o::TMPFILE | o::DIRECTORY | o::RDWR).map(|_| ())),
        Errno::ENOTDIR
    );
}

#[test]
fn linking_an_unlinked_file_gives_enoent() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    let f = open(&v, "/f", o::RDONLY).unwrap();
    v.unlink(&v.root(), b"/f").unwrap();
    let at = f.loc().unwrap();
    assert_eq!(
        errno_of(v.link(&at, b"", &v.root(), b"/g", root_flags(AtFlags::EMPTY_PATH))),
        Errno::ENOENT
    );
}

#[test]
fn open_flags_reject_bad_combinations() {
    assert_eq!(errno_of(OpenFlags::try_from(3)), Errno::EINVAL);
    assert_eq!(
        errno_of(OpenFlags::try_from(o::TMPFILE | o::RDWR)),
        Errno::EINVAL
    );
    assert_eq!(
        errno_of(OpenFlags::try_from(o::TMPFILE | o::DIRECTORY)),
        Errno::EINVAL
    );
    assert_eq!(
        errno_of(OpenFlags::try_from(
            o::TMPFILE | o::DIRECTORY | o::CREAT | o::RDWR
        )),
        Errno::EINVAL
    );
    assert_eq!(
        errno_of(OpenFlags::try_from(o::CREAT | o::DIRECTORY)),
        Errno::EINVAL
    );
    // O_PATH ignores everything but O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW.
    let p = OpenFlags::try_from(o::PATH | o::RDWR | o::CREAT | o::TRUNC | o::NOFOLLOW).unwrap();
    assert_eq!(p.bits(), o::PATH | o::NOFOLLOW);
    // Unknown bits are ignored, as open(2) says.
    assert_eq!(
        OpenFlags::try_from(0x4000_0000 | o::WRONLY).unwrap().bits(),
        o::WRONLY
    );
}

#[test]
fn dup_shared_description_shares_the_offset() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"abcdef");
    let f = open(&v, "/f", o::RDONLY).unwrap();
    let g = f.clone();
    let mut buf = [0u8; 2];
    f.read(&mut buf).unwrap();
    g.read(&mut buf).unwrap();
    assert_eq!(&buf, b"cd");
    // A second open has its own offset.
    let h = open(&v, "/f", o::RDONLY).unwrap();
    h.read(&mut buf).unwrap();
    assert_eq!(&buf, b"ab");
}

#[test]
fn o_append_writes_always_land_at_the_end() {
    let (v, _) = tvfs();
    write_file(&v, "/log", b"one\n");
    let a = open(&v, "/log", o::WRONLY | o::APPEND).unwrap();
    let b = open(&v, "/log", o::WRONLY).unwrap();
    b.write(b"XXXX").unwrap();
    a.write(b"two\n").unwrap();
    assert_eq!(read_all(&v, "/log").unwrap(), b"XXXXtwo\n");
    assert_eq!(*a.description().offset(), 8);
    // pwrite on an O_APPEND file appends too (pwrite(2), BUGS).
    a.pwrite(b"3\n", 0).unwrap();
    assert_eq!(read_all(&v, "/log").unwrap(), b"XXXXtwo\n3\n");
}

#[test]
fn pread_and_pwrite_leave_the_offset_alone() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"0123456789");
    let f = open(&v, "/f", o::RDWR).unwrap();
    let mut buf = [0u8; 3];
    assert_eq!(f.pread(&mut buf, 4).unwrap(), 3);
    assert_eq!(&buf, b"456");
    f.pwrite(b"ab", 8).unwrap();
    assert_eq!(*f.description().offset(), 0);
    assert_eq!(read_all(&v, "/f").unwrap(), b"01234567ab");
    assert_eq!(errno_of(f.pread(&mut buf, 1 << 63)), Errno::EINVAL);
}

#[test]
fn access_mode_violations_give_ebadf() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"x");
    let r = open(&v, "/f", o::RDONLY).unwrap();
    assert_eq!(errno_of(r.write(b"y")), Errno::EBADF);
    let w = open(&v, "/f", o::WRONLY).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(errno_of(w.read(&mut buf)), Errno::EBADF);
    assert_eq!(
        errno_of(r.fallocate(Fallocate::Allocate, 0, 1)),
        Errno::EBADF
    );
}

#[test]
fn reading_a_directory_gives_eisdir() {
    let (v, _) = tvfs();
    let d = open(&v, "/", o::RDONLY).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(errno_of(d.read(&mut buf)), Errno::EISDIR);
    assert_eq!(errno_of(d.pread(&mut buf, 0)), Errno::EISDIR);
}

#[test]
fn seeking_past_the_end_and_writing_leaves_a_hole() {
    let (v, _) = tvfs();
    let f = open(&v, "/sparse", o::CREAT | o::RDWR).unwrap();
    assert_eq!(f.lseek(1 << 20, Whence::Set).unwrap(), 1 << 20);
    f.write(b"end").unwrap();
    let m = f.fstat().unwrap();
    assert_eq!(m.size, (1 << 20) + 3);
    assert_eq!(m.blocks, 8, "only one 4 KiB page is allocated");
    let mut buf = [1u8; 16];
    assert_eq!(f.pread(&mut buf, 4096).unwrap(), 16);
    assert_eq!(buf, [0u8; 16]);
    assert_eq!(f.lseek(0, Whence::Data).unwrap(), 1 << 20);
    assert_eq!(f.lseek(0, Whence::Hole).unwrap(), 0);
    assert_eq!(f.lseek(1 << 20, Whence::Hole).unwrap(), (1 << 20) + 3);
    assert_eq!(errno_of(f.lseek((1 << 20) + 3, Whence::Data)), Errno::ENXIO);
}

#[test]
fn lseek_to_a_negative_offset_gives_einval() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"abc");
    let f = open(&v, "/f", o::RDONLY).unwrap();
    assert_eq!(errno_of(f.lseek(-1, Whence::Set)), Errno::EINVAL);
    assert_eq!(errno_of(f.lseek(-4, Whence::End)), Errno::EINVAL);
    assert_eq!(f.lseek(-1, Whence::End).unwrap(), 2);
    assert_eq!(f.lseek(5, Whence::Cur).unwrap(), 7);
}

fn dirents(f: &Arc<dyn FileOps>, bufsize: usize) -> Vec<(Vec<u8>, u8)> {
    let mut out = Vec::new();
    let mut buf = std::vec![0u8; bufsize];
    loop {
        let n = f.getdents64(&mut buf).unwrap();
        if n == 0 {
            return out;
        }
        let mut pos = 0;
        while pos < n {
            let reclen = u16::from_le_bytes([buf[pos + 16], buf[pos + 17]]) as usize;
            let name = &buf[pos + 19..pos + reclen];
            let end = name.iter().position(|&b| b == 0).unwrap();
            out.push((name[..end].to_vec(), buf[pos + 18]));
            pos += reclen;
        }
    }
}

impl Vfs {
    fn read_dir_names(&self, path: &str) -> Vec<Vec<u8>> {
        let f = open(self, path, o::RDONLY | o::DIRECTORY).unwrap();
        dirents(&f, 4096)
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n != b"." && n != b"..")
            .collect()
    }
}

#[test]
fn getdents64_lists_dot_dotdot_and_entries_with_types() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    write_file(&v, "/d/file", b"");
    mkdir(&v, "/d/sub").unwrap();
    symlink(&v, "x", "/d/link").unwrap();
    let f = open(&v, "/d", o::RDONLY).unwrap();
    let got = dirents(&f, 40);
    let names: Vec<&[u8]> = got.iter().map(|(n, _)| n.as_slice()).collect();
    assert_eq!(names, [&b"."[..], b"..", b"file", b"link", b"sub"]);
    let types: Vec<u8> = got.iter().map(|(_, t)| *t).collect();
    assert_eq!(types, [4, 4, 8, 10, 4]);
}

#[test]
fn getdents64_with_a_buffer_too_small_for_one_entry_gives_einval() {
    let (v, _) = tvfs();
    let f = open(&v, "/", o::RDONLY).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(errno_of(f.getdents64(&mut buf)), Errno::EINVAL);
    assert_eq!(dirent64_len(1), 24);
}

#[test]
fn rewinding_a_directory_shows_new_entries() {
    let (v, _) = tvfs();
    let f = open(&v, "/", o::RDONLY).unwrap();
    assert_eq!(dirents(&f, 4096).len(), 2);
    write_file(&v, "/new", b"");
    assert!(dirents(&f, 4096).is_empty(), "at end until rewound");
    f.lseek(0, Whence::Set).unwrap();
    assert_eq!(dirents(&f, 4096).len(), 3);
}

#[test]
fn getdents_on_a_file_gives_enotdir() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    let f = open(&v, "/f", o::RDONLY).unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(errno_of(f.getdents64(&mut buf)), Errno::ENOTDIR);
}

#[test]
fn mkdir_of_an_existing_name_gives_eexist() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    assert_eq!(errno_of(mkdir(&v, "/d")), Errno::EEXIST);
    write_file(&v, "/f", b"");
    assert_eq!(errno_of(mkdir(&v, "/f")), Errno::EEXIST);
    symlink(&v, "/nowhere", "/l").unwrap();
    assert_eq!(errno_of(mkdir(&v, "/l")), Errno::EEXIST);
    assert_eq!(errno_of(mkdir(&v, "/d/.")), Errno::EEXIST);
    assert_eq!(errno_of(mkdir(&v, "/")), Errno::EEXIST);
}

#[test]
fn mkdir_accepts_a_trailing_slash_and_needs_a_parent() {
    let (v, _) = tvfs();
    mkdir(&v, "/d/").unwrap();
    assert_eq!(errno_of(mkdir(&v, "/x/y")), Errno::ENOENT);
}

#[test]
fn directory_link_count_is_two_plus_subdirectories() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    assert_eq!(stat(&v, "/d").unwrap().nlink, 2);
    mkdir(&v, "/d/a").unwrap();
    mkdir(&v, "/d/b").unwrap();
    write_file(&v, "/d/f", b"");
    let m = stat(&v, "/d").unwrap();
    assert_eq!(m.nlink, 4);
    assert_eq!(m.size, 40 + 3 * 20, "tmpfs BOGO_DIRENT_SIZE accounting");
    v.rmdir(&v.root(), b"/d/a").unwrap();
    assert_eq!(stat(&v, "/d").unwrap().nlink, 3);
}

#[test]
fn rmdir_errors_follow_linux() {
    let (v, c) = tvfs();
    mkdir(&v, "/d").unwrap();
    write_file(&v, "/d/f", b"");
    let r = v.root();
    assert_eq!(errno_of(v.rmdir(&r, b"/d")), Errno::ENOTEMPTY);
    assert_eq!(errno_of(v.rmdir(&r, b"/d/f")), Errno::ENOTDIR);
    assert_eq!(errno_of(v.rmdir(&r, b"/d/.")), Errno::EINVAL);
    assert_eq!(errno_of(v.rmdir(&r, b"/d/..")), Errno::ENOTEMPTY);
    assert_eq!(errno_of(v.rmdir(&r, b"/")), Errno::EBUSY);
    assert_eq!(errno_of(v.rmdir(&r, b"/nope")), Errno::ENOENT);
    mkdir(&v, "/m").unwrap();
    v.mount(&r, b"/m", tmpfs_with(c, 5, 4096)).unwrap();
    assert_eq!(errno_of(v.rmdir(&r, b"/m")), Errno::EBUSY);
}

#[test]
fn unlink_errors_follow_linux() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    write_file(&v, "/f", b"");
    let r = v.root();
    assert_eq!(errno_of(v.unlink(&r, b"/d")), Errno::EISDIR);
    assert_eq!(errno_of(v.unlink(&r, b"/d/")), Errno::EISDIR);
    assert_eq!(errno_of(v.unlink(&r, b"/f/")), Errno::ENOTDIR);
    assert_eq!(errno_of(v.unlink(&r, b"/nope")), Errno::ENOENT);
    assert_eq!(errno_of(v.unlink(&r, b"/")), Errno::EISDIR);
    v.unlinkat(&r, b"/d", root_flags(AtFlags::REMOVEDIR))
        .unwrap();
    v.unlinkat(&r, b"/f", AtFlags::default()).unwrap();
    assert!(v.read_dir_names("/").is_empty());
}

#[test]
fn unlinked_open_file_stays_readable_with_nlink_zero() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"still here");
    let f = open(&v, "/f", o::RDONLY).unwrap();
    v.unlink(&v.root(), b"/f").unwrap();
    assert_eq!(f.fstat().unwrap().nlink, 0);
    let mut buf = [0u8; 32];
    assert_eq!(f.read(&mut buf).unwrap(), 10);
    assert_eq!(errno_of(stat(&v, "/f")), Errno::ENOENT);
}

#[test]
fn unlinking_a_symlink_removes_the_link_not_the_target() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"x");
    symlink(&v, "/f", "/l").unwrap();
    v.unlink(&v.root(), b"/l").unwrap();
    assert!(stat(&v, "/f").is_ok());
}

#[test]
fn hard_link_shares_the_inode_and_counts_links() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"x");
    let r = v.root();
    v.link(&r, b"/f", &r, b"/g", AtFlags::default()).unwrap();
    let (f, g) = (stat(&v, "/f").unwrap(), stat(&v, "/g").unwrap());
    assert_eq!(f.ino, g.ino);
    assert_eq!(g.nlink, 2);
    v.unlink(&r, b"/f").unwrap();
    assert_eq!(stat(&v, "/g").unwrap().nlink, 1);
}

#[test]
fn hard_link_errors_follow_linux() {
    let (v, c) = tvfs();
    mkdir(&v, "/d").unwrap();
    write_file(&v, "/f", b"");
    let r = v.root();
    assert_eq!(
        errno_of(v.link(&r, b"/d", &r, b"/d2", AtFlags::default())),
        Errno::EPERM
    );
    assert_eq!(
        errno_of(v.link(&r, b"/f", &r, b"/d", AtFlags::default())),
        Errno::EEXIST
    );
    assert_eq!(
        errno_of(v.link(&r, b"/nope", &r, b"/x", AtFlags::default())),
        Errno::ENOENT
    );
    assert_eq!(
        errno_of(v.link(&r, b"/f", &r, b"/x/", AtFlags::default())),
        Errno::ENOENT
    );
    mkdir(&v, "/m").unwrap();
    v.mount(&r, b"/m", tmpfs_with(c, 5, 4096)).unwrap();
    assert_eq!(
        errno_of(v.link(&r, b"/f", &r, b"/m/f", AtFlags::default())),
        Errno::EXDEV
    );
}

#[test]
fn link_follows_a_symlink_only_with_at_symlink_follow() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    symlink(&v, "/f", "/l").unwrap();
    let r = v.root();
    v.link(&r, b"/l", &r, b"/l2", AtFlags::default()).unwrap();
    assert_eq!(lstat(&v, "/l2").unwrap().file_type, FileType::Symlink);
    v.link(&r, b"/l", &r, b"/f2", root_flags(AtFlags::SYMLINK_FOLLOW))
        .unwrap();
    assert_eq!(stat(&v, "/f").unwrap().nlink, 2);
}

#[test]
fn symlink_and_readlink_errors_follow_linux() {
    let (v, _) = tvfs();
    let r = v.root();
    assert_eq!(errno_of(symlink(&v, "", "/l")), Errno::ENOENT);
    symlink(&v, "target", "/l").unwrap();
    assert_eq!(errno_of(symlink(&v, "x", "/l")), Errno::EEXIST);
    assert_eq!(v.readlink(&r, b"/l").unwrap(), b"target");
    write_file(&v, "/f", b"");
    assert_eq!(errno_of(v.readlink(&r, b"/f")), Errno::EINVAL);
    assert_eq!(errno_of(v.readlink(&r, b"/nope")), Errno::ENOENT);
    let m = lstat(&v, "/l").unwrap();
    assert_eq!((m.perm, m.size, m.blocks), (0o777, 6, 0));
}

#[test]
fn truncate_grows_with_zeros_and_shrinks() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"abcdef");
    let r = v.root();
    v.truncate(&r, b"/f", 3).unwrap();
    v.truncate(&r, b"/f", 6).unwrap();
    assert_eq!(read_all(&v, "/f").unwrap(), b"abc\0\0\0");
    v.truncate(&r, b"/f", 1 << 40).unwrap();
    let m = stat(&v, "/f").unwrap();
    assert_eq!((m.size, m.blocks), (1 << 40, 8));
}

#[test]
fn truncate_errors_follow_linux() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    write_file(&v, "/f", b"");
    let r = v.root();
    assert_eq!(errno_of(v.truncate(&r, b"/d", 0)), Errno::EISDIR);
    assert_eq!(errno_of(v.truncate(&r, b"/f", -1)), Errno::EINVAL);
    assert_eq!(errno_of(v.truncate(&r, b"/nope", 0)), Errno::ENOENT);
    let ro = open(&v, "/f", o::RDONLY).unwrap();
    assert_eq!(errno_of(ro.ftruncate(0)), Errno::EINVAL);
    let d = open(&v, "/d", o::RDONLY).unwrap();
    assert_eq!(errno_of(d.ftruncate(0)), Errno::EINVAL);
    let rw = open(&v, "/f", o::RDWR).unwrap();
    rw.ftruncate(10).unwrap();
    assert_eq!(rw.fstat().unwrap().size, 10);
}

#[test]
fn writes_past_the_maximum_file_size_give_efbig() {
    let (v, _) = tvfs();
    let f = open(&v, "/f", o::CREAT | o::RDWR).unwrap();
    assert_eq!(errno_of(f.pwrite(b"x", i64::MAX as u64)), Errno::EFBIG);
    assert_eq!(errno_of(f.ftruncate(u64::MAX)), Errno::EFBIG);
}

#[test]
fn fallocate_allocates_extends_and_punches() {
    let (v, _) = tvfs();
    let f = open(&v, "/f", o::CREAT | o::RDWR).unwrap();
    f.fallocate(Fallocate::Allocate, 0, 10_000).unwrap();
    let m = f.fstat().unwrap();
    assert_eq!((m.size, m.blocks), (10_000, 24));
    f.fallocate(Fallocate::KeepSize, 10_000, 10_000).unwrap();
    let m = f.fstat().unwrap();
    assert_eq!((m.size, m.blocks), (10_000, 40));
    f.pwrite(&[7u8; 10_000], 0).unwrap();
    f.fallocate(Fallocate::PunchHole, 100, 8192).unwrap();
    let mut buf = [9u8; 10_000];
    f.pread(&mut buf, 0).unwrap();
    assert!(buf[..100].iter().all(|&b| b == 7));
    assert!(buf[100..8292].iter().all(|&b| b == 0));
    assert!(buf[8292..].iter().all(|&b| b == 7));
    assert_eq!(f.fstat().unwrap().blocks, 32, "page 1 freed");
    let d = open(&v, "/", o::RDONLY).unwrap();
    assert_eq!(
        errno_of(d.fallocate(Fallocate::Allocate, 0, 1)),
        Errno::EBADF
    );
}

#[test]
fn tmpfs_size_limit_gives_enospc_after_a_partial_write() {
    let c = clock();
    let v = Vfs::new(tmpfs_with(c, 1, 8192));
    let f = open(&v, "/f", o::CREAT | o::RDWR).unwrap();
    assert_eq!(f.write(&[1u8; 10_000]).unwrap(), 8192);
    assert_eq!(errno_of(f.write(b"x")), Errno::ENOSPC);
    // Freeing space makes room again.
    f.ftruncate(0).unwrap();
    assert_eq!(f.pwrite(b"ok", 0).unwrap(), 2);
    assert_eq!(
        errno_of(f.fallocate(Fallocate::Allocate, 0, 1 << 20)),
        Errno::ENOSPC
    );
}

#[test]
fn timestamps_come_from_the_clock_and_follow_changes() {
    let (v, c) = tvfs();
    c.set(2000);
    write_file(&v, "/f", b"");
    let m = stat(&v, "/f").unwrap();
    assert_eq!((m.atime.sec, m.mtime.sec, m.ctime.sec), (2000, 2000, 2000));
    assert_eq!(
        stat(&v, "/").unwrap().mtime.sec,
        2000,
        "parent mtime on create"
    );
    c.set(3000);
    open(&v, "/f", o::WRONLY).unwrap().write(b"x").unwrap();
    let m = stat(&v, "/f").unwrap();
    assert_eq!((m.atime.sec, m.mtime.sec, m.ctime.sec), (2000, 3000, 3000));
    c.set(4000);
    v.chmod(&v.root(), b"/f", Mode::new(0o600), AtFlags::default())
        .unwrap();
    let m = stat(&v, "/f").unwrap();
    assert_eq!((m.perm, m.mtime.sec, m.ctime.sec), (0o600, 3000, 4000));
}

#[test]
fn utimensat_sets_omits_and_uses_now() {
    let (v, c) = tvfs();
    write_file(&v, "/f", b"");
    let r = v.root();
    c.set(5000);
    let t = Timespec { sec: 42, nsec: 9 };
    v.utimensat(
        &r,
        b"/f",
        Some([TimeUpdate::Set(t), TimeUpdate::Omit]),
        AtFlags::default(),
    )
    .unwrap();
    let m = stat(&v, "/f").unwrap();
    assert_eq!((m.atime, m.mtime.sec, m.ctime.sec), (t, 1000, 5000));
    c.set(6000);
    v.utimensat(&r, b"/f", None, AtFlags::default()).unwrap();
    let m = stat(&v, "/f").unwrap();
    assert_eq!((m.atime.sec, m.mtime.sec), (6000, 6000));
    c.set(7000);
    v.utimensat(
        &r,
        b"/f",
        Some([TimeUpdate::Omit, TimeUpdate::Omit]),
        AtFlags::default(),
    )
    .unwrap();
    assert_eq!(
        stat(&v, "/f").unwrap().ctime.sec,
        6000,
        "both omitted changes nothing"
    );
}

#[test]
fn chown_changes_owner_and_keeps_unset_parts() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    v.chown(&v.root(), b"/f", Some(1000), None, AtFlags::default())
        .unwrap();
    let m = stat(&v, "/f").unwrap();
    assert_eq!((m.uid, m.gid), (1000, 0));
}

#[test]
fn access_checks_existence_modes_and_execute_bits() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    let r = v.root();
    v.access(&r, b"/f", 0, AtFlags::default()).unwrap();
    v.access(&r, b"/f", 6, AtFlags::default()).unwrap();
    assert_eq!(
        errno_of(v.access(&r, b"/f", 1, AtFlags::default())),
        Errno::EACCES
    );
    v.access(&r, b"/", 1, AtFlags::default()).unwrap();
    assert_eq!(
        errno_of(v.access(&r, b"/f", 8, AtFlags::default())),
        Errno::EINVAL
    );
    assert_eq!(
        errno_of(v.access(&r, b"/nope", 0, AtFlags::default())),
        Errno::ENOENT
    );
}

#[test]
fn at_flags_and_rename_flags_reject_unknown_bits() {
    assert_eq!(
        errno_of(AtFlags::parse(0x8000, AtFlags::SYMLINK_NOFOLLOW)),
        Errno::EINVAL
    );
    assert_eq!(errno_of(RenameFlags::try_from(8)), Errno::EINVAL);
    assert_eq!(errno_of(RenameFlags::try_from(3)), Errno::EINVAL);
    assert_eq!(errno_of(RenameFlags::try_from(4)), Errno::EINVAL);
    assert!(RenameFlags::try_from(2).is_ok());
    assert_eq!(Mode::new(0o170_777).bits(), 0o777);
}

#[test]
fn inode_numbers_are_unique_and_root_is_two() {
    let (v, _) = tvfs();
    write_file(&v, "/a", b"");
    write_file(&v, "/b", b"");
    assert_eq!(stat(&v, "/").unwrap().ino, 2);
    assert_ne!(stat(&v, "/a").unwrap().ino, stat(&v, "/b").unwrap().ino);
}

#[test]
fn directory_lseek_accepts_only_set_and_cur() {
    let (v, _) = tvfs();
    let d = open(&v, "/", o::RDONLY).unwrap();
    assert_eq!(errno_of(d.lseek(0, Whence::End)), Errno::EINVAL);
    assert_eq!(errno_of(d.lseek(0, Whence::Data)), Errno::EINVAL);
    assert_eq!(d.lseek(1, Whence::Cur).unwrap(), 1);
}

#[test]
fn concurrent_o_append_writers_never_overwrite_each_other() {
    let (v, _) = tvfs();
    write_file(&v, "/log", b"");
    let v = Arc::new(v);
    let threads: Vec<_> = (0..4u8)
        .map(|t| {
            let v = v.clone();
            std::thread::spawn(move || {
                let f = open(&v, "/log", o::WRONLY | o::APPEND).unwrap();
                for _ in 0..200 {
                    f.write(&[b'a' + t; 10]).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let data = read_all(&v, "/log").unwrap();
    assert_eq!(data.len(), 4 * 200 * 10);
    for rec in data.chunks(10) {
        assert!(rec.iter().all(|&b| b == rec[0]), "records are not torn");
    }
}

#[test]
fn concurrent_creates_in_one_directory_all_land() {
    let (v, _) = tvfs();
    let v = Arc::new(v);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let v = v.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    write_file(&v, &std::format!("/f{t}-{i}"), b"");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(v.read_dir_names("/").len(), 200);
}

#[test]
fn mksock_makes_a_socket_inode_that_open_refuses_and_unlink_removes() {
    let (v, _) = tvfs();
    let loc = v.mksock(&v.root(), b"/s", Mode::new(0o777)).unwrap();
    let m = stat(&v, "/s").unwrap();
    assert_eq!(m.file_type, FileType::Socket);
    assert_eq!(m.perm, 0o755);
    assert_eq!(m.size, 0);
    assert_eq!(m.ino, loc.metadata().ino);
    assert_eq!(
        errno_of(v.mksock(&v.root(), b"/s", Mode::new(0o777))),
        Errno::EEXIST
    );
    assert_eq!(
        open(&v, "/s", o::RDWR).err().map(|e| e.errno),
        Some(Errno::ENXIO)
    );
    assert_eq!(
        errno_of(v.mksock(&v.root(), b"/nodir/s", Mode::new(0o777))),
        Errno::ENOENT
    );
    v.unlink(&v.root(), b"/s").unwrap();
    assert_eq!(errno_of(stat(&v, "/s")), Errno::ENOENT);
}
