//! Path resolution edge cases (path_resolution(7)).

use std::format;
use std::string::String;

use super::*;
use crate::vfs::error::{errno_of, Errno};

fn setup() -> Vfs {
    let (v, _) = tvfs();
    mkdir(&v, "/a").unwrap();
    mkdir(&v, "/a/b").unwrap();
    write_file(&v, "/a/b/f", b"data");
    v
}

#[test]
fn absolute_and_relative_paths_reach_the_same_inode() {
    let v = setup();
    let a = loc(&v, "/a");
    let rel = v.lookup(&a, b"b/f", AtFlags::default()).unwrap();
    assert!(rel.same_inode(&loc(&v, "/a/b/f")));
}

#[test]
fn repeated_slashes_count_as_one() {
    let v = setup();
    assert!(loc(&v, "//a///b////f").same_inode(&loc(&v, "/a/b/f")));
}

#[test]
fn dot_and_dotdot_components_resolve() {
    let v = setup();
    assert!(loc(&v, "/a/./b/../b/./f").same_inode(&loc(&v, "/a/b/f")));
    assert!(loc(&v, "/a/b/..").same_inode(&loc(&v, "/a")));
}

#[test]
fn dotdot_at_root_stays_at_root() {
    let v = setup();
    assert!(loc(&v, "/../../..").same_inode(&v.root()));
    assert!(loc(&v, "/../a").same_inode(&loc(&v, "/a")));
}

#[test]
fn only_slashes_names_the_root() {
    let v = setup();
    assert!(loc(&v, "///").same_inode(&v.root()));
}

#[test]
fn trailing_slash_on_a_file_gives_enotdir() {
    let v = setup();
    assert_eq!(errno_of(stat(&v, "/a/b/f/")), Errno::ENOTDIR);
    assert_eq!(
        errno_of(open(&v, "/a/b/f/", o::RDONLY).map(|_| ())),
        Errno::ENOTDIR
    );
}

#[test]
fn trailing_slash_on_a_directory_is_accepted() {
    let v = setup();
    assert!(stat(&v, "/a/b/").unwrap().is_dir());
}

#[test]
fn file_in_the_middle_of_a_path_gives_enotdir() {
    let v = setup();
    assert_eq!(errno_of(stat(&v, "/a/b/f/x")), Errno::ENOTDIR);
    assert_eq!(errno_of(stat(&v, "/a/b/f/..")), Errno::ENOTDIR);
}

#[test]
fn missing_directory_in_the_middle_gives_enoent() {
    let v = setup();
    assert_eq!(errno_of(stat(&v, "/a/nope/f")), Errno::ENOENT);
}

#[test]
fn empty_path_gives_enoent() {
    let v = setup();
    assert_eq!(errno_of(stat(&v, "")), Errno::ENOENT);
}

#[test]
fn empty_path_with_at_empty_path_names_the_dirfd() {
    let v = setup();
    let f = loc(&v, "/a/b/f");
    let flags = AtFlags::parse(AtFlags::EMPTY_PATH, AtFlags::EMPTY_PATH).unwrap();
    let m = v.stat(&f, b"", flags).unwrap();
    assert_eq!(m.ino, f.metadata().ino);
}

#[test]
fn path_of_path_max_bytes_gives_enametoolong() {
    let v = setup();
    let long: String = "/x".repeat(2048);
    assert_eq!(long.len(), 4096);
    assert_eq!(errno_of(stat(&v, &long)), Errno::ENAMETOOLONG);
    // One byte shorter is a valid length: the walk fails on the name.
    assert_eq!(errno_of(stat(&v, &long[1..])), Errno::ENOENT);
}

#[test]
fn component_over_name_max_gives_enametoolong() {
    let v = setup();
    let name = "n".repeat(256);
    assert_eq!(
        errno_of(stat(&v, &format!("/a/{name}"))),
        Errno::ENAMETOOLONG
    );
    assert_eq!(
        errno_of(stat(&v, &format!("/{name}/x"))),
        Errno::ENAMETOOLONG
    );
    assert_eq!(
        errno_of(mkdir(&v, &format!("/{name}"))),
        Errno::ENAMETOOLONG
    );
    assert_eq!(
        errno_of(stat(&v, &format!("/a/{}", &name[1..]))),
        Errno::ENOENT
    );
    mkdir(&v, &format!("/{}", &name[1..])).unwrap();
}

#[test]
fn relative_symlink_resolves_from_its_directory() {
    let v = setup();
    symlink(&v, "b/f", "/a/lnk").unwrap();
    assert_eq!(read_all(&v, "/a/lnk").unwrap(), b"data");
}

#[test]
fn absolute_symlink_resolves_from_the_root() {
    let v = setup();
    symlink(&v, "/a/b", "/a/b/up").unwrap();
    assert!(loc(&v, "/a/b/up/up/up/f").same_inode(&loc(&v, "/a/b/f")));
}

#[test]
fn symlink_in_the_middle_of_a_path_is_followed() {
    let v = setup();
    symlink(&v, "a/b", "/ab").unwrap();
    assert_eq!(read_all(&v, "/ab/f").unwrap(), b"data");
    assert!(loc(&v, "/ab/..").same_inode(&loc(&v, "/a")));
}

#[test]
fn chain_of_40_symlinks_resolves_and_41_gives_eloop() {
    let v = setup();
    symlink(&v, "/a/b/f", "/l0").unwrap();
    for i in 1..=40 {
        symlink(&v, &format!("/l{}", i - 1), &format!("/l{i}")).unwrap();
    }
    assert_eq!(read_all(&v, "/l39").unwrap(), b"data");
    assert_eq!(errno_of(stat(&v, "/l40")), Errno::ELOOP);
}

#[test]
fn symlink_loop_gives_eloop() {
    let v = setup();
    symlink(&v, "/y", "/x").unwrap();
    symlink(&v, "/x", "/y").unwrap();
    assert_eq!(errno_of(stat(&v, "/x")), Errno::ELOOP);
    assert_eq!(errno_of(stat(&v, "/x/z")), Errno::ELOOP);
}

#[test]
fn lstat_returns_the_link_and_stat_its_target() {
    let v = setup();
    symlink(&v, "/a/b/f", "/l").unwrap();
    let l = lstat(&v, "/l").unwrap();
    assert_eq!(l.file_type, crate::vfs::types::FileType::Symlink);
    assert_eq!(l.size, 6);
    assert_eq!(stat(&v, "/l").unwrap().size, 4);
}

#[test]
fn dangling_symlink_stat_gives_enoent_but_lstat_works() {
    let v = setup();
    symlink(&v, "/nowhere", "/d").unwrap();
    assert_eq!(errno_of(stat(&v, "/d")), Errno::ENOENT);
    assert!(lstat(&v, "/d").is_ok());
}

#[test]
fn trailing_slash_follows_a_final_symlink_even_with_nofollow() {
    let v = setup();
    symlink(&v, "/a/b", "/ld").unwrap();
    symlink(&v, "/a/b/f", "/lf").unwrap();
    assert!(lstat(&v, "/ld/").unwrap().is_dir());
    assert_eq!(errno_of(lstat(&v, "/lf/")), Errno::ENOTDIR);
}

#[test]
fn open_nofollow_on_a_final_symlink_gives_eloop() {
    let v = setup();
    symlink(&v, "/a/b/f", "/l").unwrap();
    assert_eq!(
        errno_of(open(&v, "/l", o::RDONLY | o::NOFOLLOW).map(|_| ())),
        Errno::ELOOP
    );
    // O_DIRECTORY is checked first (fs/namei.c do_open).
    assert_eq!(
        errno_of(open(&v, "/l", o::RDONLY | o::NOFOLLOW | o::DIRECTORY).map(|_| ())),
        Errno::ENOTDIR
    );
    // Symlinks earlier in the path are still followed.
    symlink(&v, "/a/b", "/lb").unwrap();
    assert!(open(&v, "/lb/f", o::RDONLY | o::NOFOLLOW).is_ok());
}

#[test]
fn o_path_with_nofollow_opens_the_symlink_itself() {
    let v = setup();
    symlink(&v, "/a/b/f", "/l").unwrap();
    let f = open(&v, "/l", o::PATH | o::NOFOLLOW).unwrap();
    assert_eq!(
        f.fstat().unwrap().file_type,
        crate::vfs::types::FileType::Symlink
    );
    let at = f.loc().unwrap();
    assert_eq!(v.readlink(&at, b"").unwrap(), b"/a/b/f");
    let mut buf = [0u8; 4];
    assert_eq!(errno_of(f.read(&mut buf)), Errno::EBADF);
}

#[test]
fn chdir_to_a_file_gives_enotdir() {
    let v = setup();
    assert_eq!(
        errno_of(v.chdir(&v.root(), b"/a/b/f").map(|_| ())),
        Errno::ENOTDIR
    );
    let cwd = v.chdir(&v.root(), b"/a/b").unwrap();
    assert_eq!(read_all_at(&v, &cwd, "f"), b"data");
}

fn read_all_at(v: &Vfs, at: &Loc, path: &str) -> std::vec::Vec<u8> {
    let f = v
        .open(at, path.as_bytes(), flags(o::RDONLY), Mode::new(0))
        .unwrap();
    let mut buf = [0u8; 64];
    let n = f.read(&mut buf).unwrap();
    buf[..n].to_vec()
}

#[test]
fn mount_covers_the_directory_and_dotdot_returns_to_the_parent() {
    let (v, c) = tvfs();
    mkdir(&v, "/mnt").unwrap();
    write_file(&v, "/mnt/hidden", b"x");
    v.mount(&v.root(), b"/mnt", tmpfs_with(c, 9, 1 << 20))
        .unwrap();
    assert_eq!(errno_of(stat(&v, "/mnt/hidden")), Errno::ENOENT);
    assert_eq!(stat(&v, "/mnt").unwrap().dev, DevId::new(0, 9));
    mkdir(&v, "/mnt/sub").unwrap();
    assert!(loc(&v, "/mnt/sub/../..").same_inode(&v.root()));
    assert!(loc(&v, "/mnt/..").same_inode(&v.root()));
    let sub = loc(&v, "/mnt/sub");
    assert!(v
        .lookup(&sub, b"../../mnt", AtFlags::default())
        .unwrap()
        .same_inode(&loc(&v, "/mnt")));
}

#[test]
fn mount_on_a_file_gives_enotdir() {
    let (v, c) = tvfs();
    write_file(&v, "/f", b"");
    assert_eq!(
        errno_of(v.mount(&v.root(), b"/f", tmpfs_with(c, 9, 1))),
        Errno::ENOTDIR
    );
}

#[test]
fn path_of_gives_the_absolute_path_across_mounts() {
    let (v, c) = tvfs();
    mkdir(&v, "/m").unwrap();
    v.mount(&v.root(), b"/m", tmpfs_with(c, 9, 1 << 20))
        .unwrap();
    mkdir(&v, "/m/x").unwrap();
    mkdir(&v, "/m/x/y").unwrap();
    assert_eq!(v.path_of(&loc(&v, "/m/x/y")).unwrap(), b"/m/x/y");
    assert_eq!(v.path_of(&loc(&v, "/m")).unwrap(), b"/m");
    assert_eq!(v.path_of(&v.root()).unwrap(), b"/");
}

#[test]
fn path_of_a_removed_directory_gives_enoent() {
    let (v, _) = tvfs();
    mkdir(&v, "/gone").unwrap();
    let cwd = loc(&v, "/gone");
    v.rmdir(&v.root(), b"/gone").unwrap();
    assert_eq!(errno_of(v.path_of(&cwd)), Errno::ENOENT);
    // A removed cwd accepts no new entries.
    assert_eq!(
        errno_of(
            v.open(&cwd, b"f", flags(o::CREAT | o::WRONLY), Mode::new(0o644))
                .map(|_| ())
        ),
        Errno::ENOENT
    );
}

#[test]
fn dotdot_entry_of_a_mount_root_names_the_parent_directory() {
    let (v, c) = tvfs();
    mkdir(&v, "/m").unwrap();
    v.mount(&v.root(), b"/m", tmpfs_with(c, 9, 1 << 20))
        .unwrap();
    let f = open(&v, "/m", o::RDONLY).unwrap();
    let mut buf = [0u8; 256];
    let n = f.getdents64(&mut buf).unwrap();
    assert!(n >= 48);
    // Second record: d_ino of "..".
    let ino = u64::from_le_bytes(buf[24..32].try_into().unwrap());
    assert_eq!(&buf[24 + 19..24 + 21], b"..");
    assert_eq!(ino, v.root().metadata().ino);
}
