//! rename(2) and renameat2(2) on tmpfs.

use super::*;
use crate::vfs::error::{errno_of, Errno};
use crate::vfs::flags::RenameFlags;

fn rn(v: &Vfs, from: &str, to: &str) -> SysResult<()> {
    rn2(v, from, to, 0)
}

fn rn2(v: &Vfs, from: &str, to: &str, bits: u32) -> SysResult<()> {
    let r = v.root();
    v.rename(
        &r,
        from.as_bytes(),
        &r,
        to.as_bytes(),
        RenameFlags::try_from(bits)?,
    )
}

#[test]
fn rename_moves_a_file_and_keeps_its_inode() {
    let (v, _) = tvfs();
    write_file(&v, "/a", b"x");
    let ino = stat(&v, "/a").unwrap().ino;
    rn(&v, "/a", "/b").unwrap();
    assert_eq!(errno_of(stat(&v, "/a")), Errno::ENOENT);
    assert_eq!(stat(&v, "/b").unwrap().ino, ino);
}

#[test]
fn rename_over_a_file_replaces_it() {
    let (v, _) = tvfs();
    write_file(&v, "/a", b"new");
    write_file(&v, "/b", b"old");
    let old = open(&v, "/b", o::RDONLY).unwrap();
    rn(&v, "/a", "/b").unwrap();
    assert_eq!(read_all(&v, "/b").unwrap(), b"new");
    assert_eq!(old.fstat().unwrap().nlink, 0);
}

#[test]
fn rename_dir_into_itself_gives_einval() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    mkdir(&v, "/d/sub").unwrap();
    assert_eq!(errno_of(rn(&v, "/d", "/d/x")), Errno::EINVAL);
    assert_eq!(errno_of(rn(&v, "/d", "/d/sub/x")), Errno::EINVAL);
}

#[test]
fn rename_dir_onto_its_ancestor_gives_enotempty() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    mkdir(&v, "/d/sub").unwrap();
    assert_eq!(errno_of(rn(&v, "/d/sub", "/d")), Errno::ENOTEMPTY);
}

#[test]
fn rename_dir_over_an_empty_dir_replaces_it() {
    let (v, _) = tvfs();
    mkdir(&v, "/a").unwrap();
    write_file(&v, "/a/f", b"");
    mkdir(&v, "/b").unwrap();
    rn(&v, "/a", "/b").unwrap();
    assert!(stat(&v, "/b/f").is_ok());
    assert_eq!(stat(&v, "/").unwrap().nlink, 3);
}

#[test]
fn rename_dir_over_a_non_empty_dir_gives_enotempty() {
    let (v, _) = tvfs();
    mkdir(&v, "/a").unwrap();
    mkdir(&v, "/b").unwrap();
    write_file(&v, "/b/f", b"");
    assert_eq!(errno_of(rn(&v, "/a", "/b")), Errno::ENOTEMPTY);
}

#[test]
fn rename_dir_over_a_file_gives_enotdir_and_file_over_dir_eisdir() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    write_file(&v, "/f", b"");
    assert_eq!(errno_of(rn(&v, "/d", "/f")), Errno::ENOTDIR);
    assert_eq!(errno_of(rn(&v, "/f", "/d")), Errno::EISDIR);
}

#[test]
fn rename_of_a_missing_name_gives_enoent() {
    let (v, _) = tvfs();
    assert_eq!(errno_of(rn(&v, "/nope", "/x")), Errno::ENOENT);
    write_file(&v, "/f", b"");
    assert_eq!(errno_of(rn(&v, "/f", "/nodir/x")), Errno::ENOENT);
}

#[test]
fn rename_noreplace_onto_an_existing_name_gives_eexist() {
    let (v, _) = tvfs();
    write_file(&v, "/a", b"");
    write_file(&v, "/b", b"");
    assert_eq!(
        errno_of(rn2(&v, "/a", "/b", RenameFlags::NOREPLACE)),
        Errno::EEXIST
    );
    rn2(&v, "/a", "/c", RenameFlags::NOREPLACE).unwrap();
}

#[test]
fn rename_exchange_swaps_two_names() {
    let (v, _) = tvfs();
    write_file(&v, "/a", b"A");
    mkdir(&v, "/d").unwrap();
    mkdir(&v, "/e").unwrap();
    write_file(&v, "/e/b", b"B");
    rn2(&v, "/a", "/e/b", RenameFlags::EXCHANGE).unwrap();
    assert_eq!(read_all(&v, "/a").unwrap(), b"B");
    assert_eq!(read_all(&v, "/e/b").unwrap(), b"A");
    // A directory and a file swap across directories, fixing `..`.
    rn2(&v, "/d", "/e/b", RenameFlags::EXCHANGE).unwrap();
    assert!(stat(&v, "/e/b").unwrap().is_dir());
    assert!(loc(&v, "/e/b/..").same_inode(&loc(&v, "/e")));
    assert_eq!(read_all(&v, "/d").unwrap(), b"A");
    assert_eq!(stat(&v, "/e").unwrap().nlink, 3);
    assert_eq!(stat(&v, "/").unwrap().nlink, 3);
}

#[test]
fn rename_exchange_with_a_missing_target_gives_enoent() {
    let (v, _) = tvfs();
    write_file(&v, "/a", b"");
    assert_eq!(
        errno_of(rn2(&v, "/a", "/b", RenameFlags::EXCHANGE)),
        Errno::ENOENT
    );
}

#[test]
fn rename_between_hard_links_of_one_file_does_nothing() {
    let (v, _) = tvfs();
    write_file(&v, "/a", b"");
    let r = v.root();
    v.link(&r, b"/a", &r, b"/b", AtFlags::default()).unwrap();
    rn(&v, "/a", "/b").unwrap();
    assert!(stat(&v, "/a").is_ok() && stat(&v, "/b").is_ok());
    assert_eq!(stat(&v, "/a").unwrap().nlink, 2);
}

#[test]
fn rename_moves_a_directory_and_its_dotdot() {
    let (v, _) = tvfs();
    mkdir(&v, "/p").unwrap();
    mkdir(&v, "/q").unwrap();
    mkdir(&v, "/p/d").unwrap();
    rn(&v, "/p/d", "/q/d").unwrap();
    assert!(loc(&v, "/q/d/..").same_inode(&loc(&v, "/q")));
    assert_eq!(stat(&v, "/p").unwrap().nlink, 2);
    assert_eq!(stat(&v, "/q").unwrap().nlink, 3);
    assert_eq!(v.path_of(&loc(&v, "/q/d")).unwrap(), b"/q/d");
}

#[test]
fn rename_of_dot_dotdot_or_root_gives_ebusy() {
    let (v, _) = tvfs();
    mkdir(&v, "/d").unwrap();
    assert_eq!(errno_of(rn(&v, "/d/.", "/x")), Errno::EBUSY);
    assert_eq!(errno_of(rn(&v, "/d/..", "/x")), Errno::EBUSY);
    assert_eq!(errno_of(rn(&v, "/", "/x")), Errno::EBUSY);
    assert_eq!(errno_of(rn(&v, "/d", "/d/..")), Errno::EBUSY);
    assert_eq!(
        errno_of(rn2(&v, "/d", "/.", RenameFlags::NOREPLACE)),
        Errno::EEXIST
    );
}

#[test]
fn rename_across_mounts_gives_exdev_and_of_a_mount_point_ebusy() {
    let (v, c) = tvfs();
    mkdir(&v, "/m").unwrap();
    write_file(&v, "/f", b"");
    v.mount(&v.root(), b"/m", tmpfs_with(c, 5, 1 << 20))
        .unwrap();
    assert_eq!(errno_of(rn(&v, "/f", "/m/f")), Errno::EXDEV);
    assert_eq!(errno_of(rn(&v, "/m", "/m2")), Errno::EBUSY);
    mkdir(&v, "/e").unwrap();
    assert_eq!(errno_of(rn(&v, "/e", "/m")), Errno::EBUSY);
}

#[test]
fn rename_with_a_trailing_slash_on_a_file_gives_enotdir() {
    let (v, _) = tvfs();
    write_file(&v, "/f", b"");
    mkdir(&v, "/d").unwrap();
    assert_eq!(errno_of(rn(&v, "/f/", "/g")), Errno::ENOTDIR);
    assert_eq!(errno_of(rn(&v, "/f", "/g/")), Errno::ENOTDIR);
    rn(&v, "/d/", "/e/").unwrap();
}

#[test]
fn rename_updates_ctime_of_the_moved_inode() {
    let (v, c) = tvfs();
    write_file(&v, "/a", b"");
    c.set(9000);
    rn(&v, "/a", "/b").unwrap();
    let m = stat(&v, "/b").unwrap();
    assert_eq!((m.ctime.sec, m.mtime.sec), (9000, 1000));
    assert_eq!(stat(&v, "/").unwrap().mtime.sec, 9000);
}
