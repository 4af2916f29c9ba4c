//! The booted namespace: read-only image root (EROFS), generated /etc,
//! /tmp and /dev mounts.

use super::*;
use crate::vfs::error::{errno_of, Errno};
use crate::vfs::etc::{generated_files, utc_tzif};
use crate::vfs::flags::RenameFlags;
use crate::vfs::rootfs::RoTree;
use crate::vfs::types::FileType;

fn image() -> Vfs {
    booted(Some(sample_archive()), 0).0
}

#[test]
fn rootfs_reads_the_image_bytes() {
    let v = image();
    assert_eq!(read_all(&v, "/www/index.html").unwrap(), b"<h1>hi</h1>\n");
    let m = stat(&v, "/www/index.html").unwrap();
    assert_eq!((m.perm, m.size, m.mtime.sec), (0o644, 12, 8));
}

#[test]
fn rootfs_symlinks_resolve() {
    let v = image();
    assert_eq!(read_all(&v, "/www/home").unwrap(), b"<h1>hi</h1>\n");
    assert_eq!(read_all(&v, "/abs/index.html").unwrap(), b"<h1>hi</h1>\n");
    assert_eq!(v.readlink(&v.root(), b"/abs").unwrap(), b"/www");
}

#[test]
fn rootfs_open_for_writing_gives_erofs() {
    let v = image();
    for bits in [o::WRONLY, o::RDWR, o::RDONLY | o::TRUNC] {
        assert_eq!(
            errno_of(open(&v, "/www/index.html", bits).map(|_| ())),
            Errno::EROFS
        );
    }
    assert_eq!(
        errno_of(open(&v, "/www/new", o::CREAT | o::WRONLY).map(|_| ())),
        Errno::EROFS
    );
    // O_CREAT on an existing file without write access is fine.
    assert!(open(&v, "/www/index.html", o::CREAT | o::RDONLY).is_ok());
    assert_eq!(
        errno_of(open(&v, "/www", o::TMPFILE | o::DIRECTORY | o::RDWR).map(|_| ())),
        Errno::EROFS
    );
}

#[test]
fn rootfs_namespace_changes_give_erofs() {
    let v = image();
    let r = v.root();
    assert_eq!(errno_of(mkdir(&v, "/new")), Errno::EROFS);
    assert_eq!(errno_of(v.unlink(&r, b"/www/index.html")), Errno::EROFS);
    assert_eq!(errno_of(v.rmdir(&r, b"/www")), Errno::EROFS);
    assert_eq!(errno_of(symlink(&v, "x", "/l")), Errno::EROFS);
    assert_eq!(
        errno_of(v.rename(&r, b"/www/run.sh", &r, b"/www/x", RenameFlags::default())),
        Errno::EROFS
    );
    assert_eq!(
        errno_of(v.link(&r, b"/www/run.sh", &r, b"/www/x", AtFlags::default())),
        Errno::EROFS
    );
    assert_eq!(
        errno_of(v.truncate(&r, b"/www/index.html", 0)),
        Errno::EROFS
    );
    assert_eq!(
        errno_of(v.chmod(&r, b"/www", Mode::new(0o700), AtFlags::default())),
        Errno::EROFS
    );
    assert_eq!(
        errno_of(v.utimensat(&r, b"/www", None, AtFlags::default())),
        Errno::EROFS
    );
    assert_eq!(
        errno_of(v.access(&r, b"/www/index.html", 2, AtFlags::default())),
        Errno::EROFS
    );
}

#[test]
fn rootfs_existence_errors_win_over_erofs() {
    let v = image();
    assert_eq!(errno_of(mkdir(&v, "/www")), Errno::EEXIST);
    assert_eq!(
        errno_of(open(&v, "/www/index.html", o::CREAT | o::EXCL | o::WRONLY).map(|_| ())),
        Errno::EEXIST
    );
    assert_eq!(errno_of(v.unlink(&v.root(), b"/nope")), Errno::ENOENT);
}

#[test]
fn rootfs_directories_count_links_and_list_entries() {
    let v = image();
    let m = stat(&v, "/").unwrap();
    assert_eq!(m.ino, 2);
    assert!(m.nlink >= 6, "/, plus etc www dev proc tmp");
    let f = open(&v, "/www", o::RDONLY).unwrap();
    let mut buf = [0u8; 512];
    assert!(f.getdents64(&mut buf).unwrap() > 0);
    assert!(v
        .access(&v.root(), b"/www/run.sh", 1, AtFlags::default())
        .is_ok());
}

#[test]
fn image_etc_file_wins_over_the_generated_one() {
    let v = image();
    assert_eq!(
        read_all(&v, "/etc/hosts").unwrap(),
        b"10.0.0.1 image-host\n"
    );
    assert_eq!(read_all(&v, "/etc/hostname").unwrap(), b"unikernel\n");
}

#[test]
fn generated_etc_exists_without_an_image() {
    let (v, _) = booted(None, 0);
    let hosts = read_all(&v, "/etc/hosts").unwrap();
    assert!(hosts.starts_with(b"127.0.0.1\tlocalhost\n"));
    assert_eq!(
        read_all(&v, "/etc/resolv.conf").unwrap(),
        b"nameserver 10.0.2.3\n"
    );
    assert_eq!(
        read_all(&v, "/etc/passwd").unwrap(),
        b"root:x:0:0:root:/root:/sbin/nologin\n"
    );
    assert_eq!(read_all(&v, "/etc/group").unwrap(), b"root:x:0:\n");
    assert!(read_all(&v, "/etc/nsswitch.conf")
        .unwrap()
        .starts_with(b"passwd: files\n"));
    assert_eq!(read_all(&v, "/etc/localtime").unwrap(), utc_tzif());
}

#[test]
fn generated_passwd_uses_the_configured_identity() {
    let (v, _) = booted(None, 1000);
    assert_eq!(
        read_all(&v, "/etc/passwd").unwrap(),
        b"user:x:1000:1000:user:/:/sbin/nologin\n"
    );
    assert_eq!(read_all(&v, "/etc/group").unwrap(), b"user:x:1000:\n");
    assert_eq!(stat(&v, "/etc").unwrap().uid, 1000);
}

#[test]
fn utc_localtime_matches_the_zic_output() {
    // /usr/share/zoneinfo/UTC from tzdata (2024a), 114 bytes.
    let mut want = std::vec::Vec::new();
    let header = |v: &mut std::vec::Vec<u8>| {
        v.extend_from_slice(b"TZif2");
        v.extend_from_slice(&[0; 15]);
        v.extend_from_slice(&[
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4,
        ]);
        v.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        v.extend_from_slice(b"UTC\0");
    };
    header(&mut want);
    header(&mut want);
    want.extend_from_slice(b"\nUTC0\n");
    assert_eq!(want.len(), 114);
    assert_eq!(utc_tzif(), want);
}

#[test]
fn generated_files_cover_the_listed_paths() {
    let paths: std::vec::Vec<&str> = generated_files(&EtcConfig::new("h", 0, 0))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        paths,
        [
            "/etc/hostname",
            "/etc/hosts",
            "/etc/resolv.conf",
            "/etc/passwd",
            "/etc/group",
            "/etc/nsswitch.conf",
            "/etc/localtime"
        ]
    );
}

#[test]
fn boot_mounts_tmpfs_on_tmp_and_dev_shm() {
    let (v, _) = booted(Some(sample_archive()), 0);
    let m = stat(&v, "/tmp").unwrap();
    assert_eq!(m.perm, 0o1777);
    write_file(&v, "/tmp/x", b"scratch");
    assert_eq!(read_all(&v, "/tmp/x").unwrap(), b"scratch");
    write_file(&v, "/dev/shm/seg", b"");
    assert_ne!(
        stat(&v, "/tmp").unwrap().dev,
        stat(&v, "/dev/shm").unwrap().dev
    );
    assert!(stat(&v, "/proc").unwrap().is_dir());
    let r = v.root();
    assert_eq!(
        errno_of(v.rename(&r, b"/tmp/x", &r, b"/dev/shm/x", RenameFlags::default())),
        Errno::EXDEV
    );
    assert_eq!(v.path_of(&loc(&v, "/dev/shm")).unwrap(), b"/dev/shm");
}

#[test]
fn tmp_size_limit_applies() {
    let (v, _) = booted(None, 0);
    let f = open(&v, "/tmp/big", o::CREAT | o::WRONLY).unwrap();
    assert_eq!(f.write(&std::vec![0u8; 2 << 20]).unwrap(), 1 << 20);
}

#[test]
fn corrupt_archive_is_an_error_not_a_panic() {
    let bytes: &'static [u8] = b"RRFS0001\xff\xff\xff\xffjunk";
    assert!(RoTree::from_archive(bytes).is_err());
    assert!(crate::vfs::boot::assemble(crate::vfs::boot::BootFs {
        archive: Some(bytes),
        etc: EtcConfig::new("h", 0, 0),
        clock: clock(),
        random: Arc::new(Counter),
        console: Arc::new(Sink(Mutex::new(std::vec::Vec::new()))),
        tmp_max_bytes: 0,
    })
    .is_err());
}

#[test]
fn rotree_add_keeps_existing_names_and_creates_parents() {
    let mut t = RoTree::new();
    assert!(t.add("/a/b/c", crate::vfs::rootfs::RoKind::Dir, 0o700, 0));
    assert!(t.contains("/a/b"));
    assert!(!t.add("/a/b/c", crate::vfs::rootfs::RoKind::Dir, 0o700, 0));
    let root = t.into_root(DevId::new(0, 1), 0, 0);
    let v = Vfs::new(root);
    assert_eq!(stat(&v, "/a/b/c").unwrap().perm, 0o700);
    assert_eq!(stat(&v, "/a").unwrap().file_type, FileType::Directory);
}
