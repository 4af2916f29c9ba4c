//! Host tests of the process file state through real syscalls on the
//! mock platform: stdio on the console, open/read/write/seek, errors.

use crate::errno::Errno;
use crate::tests::util::*;

fn e(errno: Errno) -> i64 {
    -i64::from(errno.number())
}

#[test]
fn stdio_is_the_console() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    poke(&proc, &p, buf, b"hello\n");
    assert_eq!(sys(&proc, &p, 1, &[1, buf, 6]), 6);
    assert_eq!(sys(&proc, &p, 1, &[2, buf, 6]), 6);
    assert_eq!(p.console_text(), "hello\nhello\n");
    assert_eq!(sys(&proc, &p, 0, &[0, buf, 10]), 0); // EOF
    assert_eq!(sys(&proc, &p, 1, &[3, buf, 6]), e(Errno::EBADF));
    assert_eq!(sys(&proc, &p, 16, &[1, 0x5401, buf]), 0); // TCGETS: a tty
}

/// Syscall numbers used below (x86_64).
mod nr {
    pub const READ: u64 = 0;
    pub const WRITE: u64 = 1;
    pub const OPEN: u64 = 2;
    pub const CLOSE: u64 = 3;
    pub const STAT: u64 = 4;
    pub const FSTAT: u64 = 5;
    pub const LSEEK: u64 = 8;
    pub const PREAD: u64 = 17;
    pub const PWRITE: u64 = 18;
    pub const DUP: u64 = 32;
    pub const DUP2: u64 = 33;
    pub const FCNTL: u64 = 72;
    pub const FTRUNCATE: u64 = 77;
    pub const GETCWD: u64 = 79;
    pub const CHDIR: u64 = 80;
    pub const RENAME: u64 = 82;
    pub const MKDIR: u64 = 83;
    pub const RMDIR: u64 = 84;
    pub const UNLINK: u64 = 87;
    pub const SYMLINK: u64 = 88;
    pub const READLINK: u64 = 89;
    pub const UMASK: u64 = 95;
    pub const GETDENTS64: u64 = 217;
    pub const OPENAT: u64 = 257;
    pub const DUP3: u64 = 292;
    pub const MEMFD: u64 = 319;
}

const RDWR_CREAT: u64 = 0o2 | 0o100;

struct T {
    proc: crate::process::Process,
    p: crate::mock::MockPlatform,
    buf: u64,
}

impl T {
    fn new() -> T {
        let (proc, p, _) = loaded(false);
        let buf = anon(&proc, &p, 16 * 4096);
        T { proc, p, buf }
    }
    fn sys(&self, n: u64, a: &[u64]) -> i64 {
        sys(&self.proc, &self.p, n, a)
    }
    /// Puts a NUL-terminated string at `buf + off` and returns its address.
    fn s(&self, off: u64, text: &str) -> u64 {
        let mut b = text.as_bytes().to_vec();
        b.push(0);
        poke(&self.proc, &self.p, self.buf + off, &b);
        self.buf + off
    }
    fn open(&self, path: &str, flags: u64) -> i64 {
        let a = self.s(0, path);
        self.sys(nr::OPEN, &[a, flags, 0o644])
    }
    fn write(&self, fd: i64, data: &[u8]) -> i64 {
        poke(&self.proc, &self.p, self.buf + 8192, data);
        self.sys(nr::WRITE, &[fd as u64, self.buf + 8192, data.len() as u64])
    }
    fn read(&self, fd: i64, n: u64) -> Vec<u8> {
        let r = self.sys(nr::READ, &[fd as u64, self.buf + 16384, n]);
        assert!(r >= 0, "read failed: {r}");
        self.p.peek(self.buf + 16384, r as usize).unwrap()
    }
    fn stat_size(&self, path: &str) -> i64 {
        let a = self.s(0, path);
        let r = self.sys(nr::STAT, &[a, self.buf + 4096]);
        if r < 0 {
            return r;
        }
        i64::from_le_bytes(
            self.p
                .peek(self.buf + 4096 + 48, 8)
                .unwrap()
                .try_into()
                .unwrap(),
        )
    }
    fn mode(&self) -> u32 {
        u32::from_le_bytes(
            self.p
                .peek(self.buf + 4096 + 24, 4)
                .unwrap()
                .try_into()
                .unwrap(),
        )
    }
}

use alloc::vec::Vec;

#[test]
fn open_write_seek_read_on_tmp() {
    let t = T::new();
    let fd = t.open("/tmp/a", RDWR_CREAT);
    assert_eq!(fd, 3);
    assert_eq!(t.write(fd, b"hello world"), 11);
    assert_eq!(t.sys(nr::LSEEK, &[fd as u64, 6, 0]), 6);
    assert_eq!(t.read(fd, 100), b"world");
    assert_eq!(t.sys(nr::LSEEK, &[fd as u64, 0, 2]), 11);
    assert_eq!(
        t.sys(nr::LSEEK, &[fd as u64, u64::MAX, 0]),
        e(Errno::EINVAL)
    );
    assert_eq!(t.sys(nr::LSEEK, &[fd as u64, 0, 9]), e(Errno::EINVAL));
    // pread/pwrite leave the offset alone.
    poke(&t.proc, &t.p, t.buf + 8192, b"HE");
    assert_eq!(t.sys(nr::PWRITE, &[fd as u64, t.buf + 8192, 2, 0]), 2);
    assert_eq!(t.sys(nr::PREAD, &[fd as u64, t.buf + 16384, 5, 0]), 5);
    assert_eq!(t.p.peek(t.buf + 16384, 5).unwrap(), b"HEllo");
    assert_eq!(t.sys(nr::LSEEK, &[fd as u64, 0, 1]), 11);
    assert_eq!(t.stat_size("/tmp/a"), 11);
    assert_eq!(t.mode() & 0o170_777, 0o100_644);
    assert_eq!(t.sys(nr::FSTAT, &[fd as u64, t.buf + 4096]), 0);
    assert_eq!(t.sys(nr::FTRUNCATE, &[fd as u64, 3]), 0);
    assert_eq!(t.stat_size("/tmp/a"), 3);
    assert_eq!(t.sys(nr::CLOSE, &[fd as u64]), 0);
    assert_eq!(t.sys(nr::CLOSE, &[fd as u64]), e(Errno::EBADF));
    // O_EXCL on an existing file, ENOENT without O_CREAT.
    assert_eq!(t.open("/tmp/a", RDWR_CREAT | 0o200), e(Errno::EEXIST));
    assert_eq!(t.open("/tmp/nope", 0), e(Errno::ENOENT));
    assert_eq!(t.open("/tmp/a/x", 0), e(Errno::ENOTDIR));
}

#[test]
fn read_only_root_gives_erofs_and_dev_nodes_work() {
    let t = T::new();
    assert_eq!(t.open("/etc/hosts", 0o1), e(Errno::EROFS));
    assert_eq!(t.open("/newfile", RDWR_CREAT), e(Errno::EROFS));
    let fd = t.open("/etc/hostname", 0);
    assert!(fd >= 3);
    assert_eq!(t.read(fd, 100), b"box\n");
    let a = t.s(0, "/etc/x");
    assert_eq!(t.sys(nr::MKDIR, &[a, 0o755]), e(Errno::EROFS));
    let null = t.open("/dev/null", 2);
    assert_eq!(t.write(null, b"abc"), 3);
    assert_eq!(t.read(null, 10), b"");
    let zero = t.open("/dev/zero", 0);
    assert_eq!(t.read(zero, 4), [0, 0, 0, 0]);
    let ur = t.open("/dev/urandom", 0);
    assert_eq!(t.read(ur, 64).len(), 64);
}

#[test]
fn dup_family_shares_offsets_and_cloexec() {
    let t = T::new();
    let fd = t.open("/tmp/d", RDWR_CREAT) as u64;
    let d = t.sys(nr::DUP, &[fd]);
    assert_eq!(d, 4);
    assert_eq!(t.write(fd as i64, b"abc"), 3);
    assert_eq!(t.sys(nr::LSEEK, &[d as u64, 0, 1]), 3);
    assert_eq!(t.sys(nr::DUP2, &[fd, fd]), fd as i64);
    assert_eq!(t.sys(nr::DUP2, &[fd, 10]), 10);
    assert_eq!(t.sys(nr::DUP2, &[99, 10]), e(Errno::EBADF));
    assert_eq!(t.sys(nr::DUP3, &[fd, fd, 0]), e(Errno::EINVAL));
    assert_eq!(t.sys(nr::DUP3, &[fd, 11, 0o2000000]), 11);
    assert_eq!(t.sys(nr::FCNTL, &[11, 1]), 1); // F_GETFD: FD_CLOEXEC
    assert_eq!(t.sys(nr::FCNTL, &[10, 1]), 0);
    assert_eq!(t.sys(nr::FCNTL, &[fd, 1030, 20]), 20); // F_DUPFD_CLOEXEC
    assert_eq!(t.sys(nr::FCNTL, &[20, 1]), 1);
    assert_eq!(t.sys(nr::FCNTL, &[fd, 3]) & 0o3, 2); // F_GETFL: O_RDWR
    assert_eq!(t.sys(nr::FCNTL, &[fd, 4, 0o2000]), 0); // F_SETFL O_APPEND
    assert_ne!(t.sys(nr::FCNTL, &[d as u64, 3]) & 0o2000, 0);
    // F_SETLK: granted; a bad l_type is EINVAL.
    poke(&t.proc, &t.p, t.buf + 4096, &[1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(t.sys(nr::FCNTL, &[fd, 6, t.buf + 4096]), 0);
    poke(&t.proc, &t.p, t.buf + 4096, &[9, 0]);
    assert_eq!(t.sys(nr::FCNTL, &[fd, 6, t.buf + 4096]), e(Errno::EINVAL));
    assert_eq!(t.sys(nr::FCNTL, &[fd, 9999]), e(Errno::EINVAL));
}

#[test]
fn emfile_at_the_limit() {
    let t = T::new();
    let mut last = 0;
    for _ in 0..2000 {
        last = t.open("/dev/null", 0);
        if last < 0 {
            break;
        }
    }
    assert_eq!(last, e(Errno::EMFILE));
    assert_eq!(t.sys(nr::CLOSE, &[500]), 0);
    assert_eq!(t.open("/dev/null", 0), 500);
}

#[test]
fn directories_getdents_rename_unlink() {
    let t = T::new();
    let d = t.s(0, "/tmp/dir");
    assert_eq!(t.sys(nr::MKDIR, &[d, 0o755]), 0);
    assert_eq!(t.sys(nr::MKDIR, &[d, 0o755]), e(Errno::EEXIST));
    for name in ["/tmp/dir/a", "/tmp/dir/b"] {
        let fd = t.open(name, RDWR_CREAT);
        t.sys(nr::CLOSE, &[fd as u64]);
    }
    let dfd = t.open("/tmp/dir", 0o200000) as u64;
    let n = t.sys(nr::GETDENTS64, &[dfd, t.buf + 16384, 4096]);
    assert!(n > 0);
    let raw = t.p.peek(t.buf + 16384, n as usize).unwrap();
    let mut names = Vec::new();
    let mut off = 0;
    while off < raw.len() {
        let reclen = u16::from_le_bytes([raw[off + 16], raw[off + 17]]) as usize;
        let name = &raw[off + 19..off + reclen];
        let end = name.iter().position(|b| *b == 0).unwrap();
        names.push(alloc::string::String::from_utf8_lossy(&name[..end]).into_owned());
        off += reclen;
    }
    names.sort();
    assert_eq!(names, [".", "..", "a", "b"]);
    assert_eq!(t.sys(nr::GETDENTS64, &[dfd, t.buf + 16384, 4096]), 0);
    assert_eq!(t.sys(nr::GETDENTS64, &[1, t.buf, 4096]), e(Errno::ENOTDIR));
    let d2 = t.s(0, "/tmp/dir");
    assert_eq!(t.sys(nr::RMDIR, &[d2]), e(Errno::ENOTEMPTY));
    let (a, b) = (t.s(0, "/tmp/dir/a"), t.s(100, "/tmp/dir/b"));
    assert_eq!(t.sys(nr::RENAME, &[a, b]), 0);
    assert_eq!(t.stat_size("/tmp/dir/a"), e(Errno::ENOENT));
    let b = t.s(0, "/tmp/dir/b");
    assert_eq!(t.sys(nr::UNLINK, &[b]), 0);
    let d3 = t.s(0, "/tmp/dir");
    assert_eq!(t.sys(nr::UNLINK, &[d3]), e(Errno::EISDIR));
    assert_eq!(t.sys(nr::RMDIR, &[d3]), 0);
    // openat relative to a directory fd; ENOTDIR through a file fd.
    let tmp = t.open("/tmp", 0o200000) as u64;
    let rel = t.s(0, "rel");
    let f = t.sys(nr::OPENAT, &[tmp, rel, RDWR_CREAT, 0o600]);
    assert!(f > 0);
    assert_eq!(t.stat_size("/tmp/rel"), 0);
    let rel = t.s(300, "rel");
    assert_eq!(t.sys(nr::OPENAT, &[f as u64, rel, 0, 0]), e(Errno::ENOTDIR));
}

#[test]
fn cwd_symlinks_umask_memfd() {
    let t = T::new();
    let root = t.sys(nr::GETCWD, &[t.buf, 100]);
    assert_eq!(root, 2);
    let tmp = t.s(0, "/tmp");
    assert_eq!(t.sys(nr::CHDIR, &[tmp]), 0);
    assert_eq!(t.sys(nr::GETCWD, &[t.buf, 100]), 5);
    assert_eq!(t.p.peek(t.buf, 5).unwrap(), b"/tmp\0");
    assert_eq!(t.sys(nr::GETCWD, &[t.buf, 4]), e(Errno::ERANGE));
    let (target, link) = (t.s(0, "target"), t.s(100, "link"));
    assert_eq!(t.sys(nr::SYMLINK, &[target, link]), 0);
    assert_eq!(t.sys(nr::READLINK, &[link, t.buf + 4096, 3]), 3);
    assert_eq!(t.p.peek(t.buf + 4096, 3).unwrap(), b"tar");
    let tmp = t.s(300, "/tmp");
    assert_eq!(
        t.sys(nr::READLINK, &[tmp, t.buf + 4096, 30]),
        e(Errno::EINVAL)
    );
    assert_eq!(t.sys(nr::UMASK, &[0o077]), 0o022);
    let fd = t.open("/tmp/masked", RDWR_CREAT);
    assert!(fd > 0);
    t.stat_size("/tmp/masked");
    assert_eq!(t.mode() & 0o777, 0o600);
    let name = t.s(0, "buf");
    let m = t.sys(nr::MEMFD, &[name, 1]);
    assert!(m > 0);
    assert_eq!(t.write(m, b"xyz"), 3);
    assert_eq!(t.sys(nr::FCNTL, &[m as u64, 1]), 1);
}

#[test]
fn rlimit_nofile_bounds_the_fd_table() {
    let t = T::new();
    // setrlimit(RLIMIT_NOFILE, {5, 5}): fds 0..=4 only.
    let mut l = Vec::new();
    l.extend_from_slice(&5u64.to_le_bytes());
    l.extend_from_slice(&5u64.to_le_bytes());
    poke(&t.proc, &t.p, t.buf + 4096, &l);
    assert_eq!(t.sys(160, &[7, t.buf + 4096]), 0);
    assert_eq!(t.open("/dev/null", 0), 3);
    assert_eq!(t.open("/dev/null", 0), 4);
    assert_eq!(t.open("/dev/null", 0), e(Errno::EMFILE));
    assert_eq!(t.sys(nr::DUP2, &[3, 5]), e(Errno::EBADF));
}

#[test]
fn remaining_families_answer_like_linux() {
    let t = T::new();
    let fd = t.open("/tmp/f", RDWR_CREAT) as u64;
    assert_eq!(t.write(fd as i64, b"0123456789"), 10);
    // statx: mask has the basic stats, size at 40.
    let p = t.s(0, "/tmp/f");
    let at_fdcwd = (-100i64) as u64;
    assert_eq!(t.sys(332, &[at_fdcwd, p, 0, 0x7ff, t.buf + 4096]), 0);
    let size = u64::from_le_bytes(t.p.peek(t.buf + 4096 + 40, 8).unwrap().try_into().unwrap());
    assert_eq!(size, 10);
    // newfstatat with AT_EMPTY_PATH on the fd itself.
    let empty = t.s(200, "");
    assert_eq!(t.sys(262, &[fd, empty, t.buf + 4096, 0x1000]), 0);
    assert_eq!(t.sys(262, &[fd, empty, t.buf + 4096, 0]), e(Errno::ENOENT));
    assert_eq!(
        t.sys(262, &[fd, empty, t.buf + 4096, 0x8]),
        e(Errno::EINVAL)
    );
    // statfs: tmpfs magic on /tmp, ST_RDONLY on /.
    assert_eq!(t.sys(137, &[p, t.buf + 4096]), 0);
    assert_eq!(
        t.p.peek(t.buf + 4096, 4).unwrap(),
        0x0102_1994u32.to_le_bytes()
    );
    let root = t.s(300, "/");
    assert_eq!(t.sys(137, &[root, t.buf + 4096]), 0);
    assert_eq!(t.p.peek(t.buf + 4096 + 80, 1).unwrap(), [1]);
    // access: W_OK on the read-only root is EROFS; bad bits EINVAL.
    let hosts = t.s(400, "/etc/hosts");
    assert_eq!(t.sys(21, &[hosts, 2]), e(Errno::EROFS));
    assert_eq!(t.sys(21, &[hosts, 0]), 0);
    assert_eq!(t.sys(21, &[hosts, 8]), e(Errno::EINVAL));
    // utimensat with explicit times, read back by stat (mtime at 88).
    let mut ts = Vec::new();
    for v in [5i64, 0, 77, 0] {
        ts.extend_from_slice(&v.to_le_bytes());
    }
    poke(&t.proc, &t.p, t.buf + 8192, &ts);
    assert_eq!(t.sys(280, &[at_fdcwd, p, t.buf + 8192, 0]), 0);
    assert_eq!(t.sys(nr::STAT, &[p, t.buf + 4096]), 0);
    assert_eq!(t.p.peek(t.buf + 4096 + 88, 8).unwrap(), 77i64.to_le_bytes());
    // fallocate extends; PUNCH_HOLE without KEEP_SIZE is EINVAL.
    assert_eq!(t.sys(285, &[fd, 0, 0, 4096]), 0);
    assert_eq!(t.stat_size("/tmp/f"), 4096);
    assert_eq!(t.sys(285, &[fd, 2, 0, 10]), e(Errno::EINVAL));
    // sendfile and copy_file_range to a second file.
    let g = t.open("/tmp/g", RDWR_CREAT) as u64;
    assert_eq!(t.sys(40, &[g, fd, 0, 4]), 4); // from the offset, 10
    let off_p = t.buf + 12288;
    poke(&t.proc, &t.p, off_p, &2u64.to_le_bytes());
    assert_eq!(t.sys(40, &[g, fd, off_p, 3]), 3);
    assert_eq!(t.p.peek_u64(off_p), Some(5));
    assert_eq!(t.sys(326, &[fd, 0, g, 0, 2, 1]), e(Errno::EINVAL));
    // link, renameat2 NOREPLACE, readlinkat of a non-link.
    let (gp, hp) = (t.s(500, "/tmp/g"), t.s(600, "/tmp/h"));
    assert_eq!(t.sys(86, &[gp, hp]), 0);
    assert_eq!(
        t.sys(316, &[at_fdcwd, gp, at_fdcwd, hp, 1]),
        e(Errno::EEXIST)
    );
    assert_eq!(
        t.sys(267, &[at_fdcwd, hp, t.buf + 4096, 10]),
        e(Errno::EINVAL)
    );
    // fchdir, fsync, flock, ioctls, close_range.
    let dfd = t.open("/tmp", 0o200000) as u64;
    assert_eq!(t.sys(81, &[dfd]), 0);
    assert_eq!(t.sys(81, &[fd]), e(Errno::ENOTDIR));
    assert_eq!(t.sys(74, &[fd]), 0);
    assert_eq!(t.sys(73, &[fd, 2]), 0);
    assert_eq!(t.sys(73, &[fd, 3]), e(Errno::EINVAL));
    assert_eq!(t.sys(16, &[fd, 0x5451, 0]), 0); // FIOCLEX
    assert_eq!(t.sys(nr::FCNTL, &[fd, 1]), 1);
    assert_eq!(t.sys(16, &[fd, 0x5401, t.buf]), e(Errno::ENOTTY)); // TCGETS
    assert_eq!(t.sys(nr::LSEEK, &[fd, 4000, 0]), 4000);
    assert_eq!(t.sys(16, &[fd, 0x541b, t.buf]), 0); // FIONREAD
    assert_eq!(t.p.peek(t.buf, 4).unwrap(), 96i32.to_le_bytes());
    assert_eq!(t.sys(436, &[3, u64::from(u32::MAX), 0]), 0);
    assert_eq!(t.sys(nr::CLOSE, &[fd]), e(Errno::EBADF));
    assert_eq!(t.sys(nr::FSTAT, &[1, t.buf + 4096]), 0);
}
