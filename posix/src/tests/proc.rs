//! /proc and file mmap through the system calls of a loaded process.

use super::util::{anon, loaded, poke, sys};
use crate::platform::Platform;
use crate::Access;

/// Reads a whole file by path through open/read/close.
fn slurp(proc: &crate::Process, p: &crate::mock::MockPlatform, path: &str) -> String {
    let buf = anon(proc, p, 0x10000);
    let mut z = path.as_bytes().to_vec();
    z.push(0);
    poke(proc, p, buf, &z);
    let fd = sys(proc, p, 2, &[buf, 0, 0]);
    assert!(fd >= 0, "open {path}: {fd}");
    let out = buf + 0x1000;
    poke(proc, p, out, &[0u8; 0x8000]);
    let n = sys(proc, p, 0, &[fd as u64, out, 0x8000]);
    assert!(n >= 0, "read {path}: {n}");
    sys(proc, p, 3, &[fd as u64]);
    String::from_utf8(p.peek(out, n as usize).unwrap()).unwrap()
}

#[test]
fn proc_files_show_the_process() {
    let (proc, p, _) = loaded(false);
    let status = slurp(&proc, &p, "/proc/self/status");
    assert!(status.contains("\nThreads:\t1\n"), "{status}");
    assert!(status.contains("\nUid:\t1000\t1000\t1000\t1000\n"));
    let maps = slurp(&proc, &p, "/proc/self/maps");
    assert!(maps.lines().any(|l| l.ends_with("[stack]")), "{maps}");
    assert!(maps
        .lines()
        .any(|l| l.contains("r-xp") && l.ends_with("/bin/hello")));
    let cmd = slurp(&proc, &p, "/proc/self/cmdline");
    assert_eq!(cmd, "/bin/hello\0world\0two\0");
    assert!(slurp(&proc, &p, "/proc/meminfo").starts_with("MemTotal:          65536 kB\n"));
    assert_eq!(slurp(&proc, &p, "/proc/self/comm"), "hello\n");
    // readlink /proc/self/exe and /proc/self/fd/0.
    let buf = anon(&proc, &p, 0x1000);
    poke(&proc, &p, buf, b"/proc/self/exe\0");
    let n = sys(&proc, &p, 89, &[buf, buf + 0x100, 0x100]);
    assert_eq!(p.peek(buf + 0x100, n as usize).unwrap(), b"/bin/hello");
    poke(&proc, &p, buf, b"/proc/self/fd/0\0");
    let n = sys(&proc, &p, 89, &[buf, buf + 0x100, 0x100]);
    assert_eq!(p.peek(buf + 0x100, n as usize).unwrap(), b"/dev/console");
}

#[test]
fn mmap_of_a_tmp_file_and_dev_zero() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 0x2000);
    poke(&proc, &p, buf, b"/tmp/m\0");
    // open(O_RDWR|O_CREAT, 0644), write "hello", mmap private RW.
    let fd = sys(&proc, &p, 2, &[buf, 0o102, 0o644]);
    assert!(fd >= 0);
    poke(&proc, &p, buf + 0x100, b"hello");
    assert_eq!(sys(&proc, &p, 1, &[fd as u64, buf + 0x100, 5]), 5);
    let m = sys(&proc, &p, 9, &[0, 8192, 3, 2, fd as u64, 0]);
    assert!(m > 0, "mmap: {m}");
    let m = m as u64;
    let r = Access {
        write: false,
        exec: false,
    };
    assert_eq!(proc.page_fault(&p, m, r), crate::FaultOutcome::Resolved);
    assert_eq!(p.peek(m, 6).unwrap(), b"hello\0");
    // Page 2 lies beyond the end of the 5-byte file: SIGBUS.
    assert!(matches!(
        proc.page_fault(&p, m + 4096, r),
        crate::FaultOutcome::Bus { .. }
    ));
    // A private write is not seen by pread.
    p.copy_to_user(crate::platform::UserAddr(m), b"J").unwrap();
    assert_eq!(sys(&proc, &p, 17, &[fd as u64, buf + 0x200, 5, 0]), 5);
    assert_eq!(p.peek(buf + 0x200, 5).unwrap(), b"hello");
    // MAP_SHARED|PROT_WRITE of an O_RDWR fd maps the file's pages: a
    // store is seen by pread. PROT_EXEC: EACCES.
    let s = sys(&proc, &p, 9, &[0, 4096, 3, 1, fd as u64, 0]);
    assert!(s > 0, "mmap shared: {s}");
    let s = s as u64;
    let w = Access {
        write: true,
        exec: false,
    };
    assert_eq!(proc.page_fault(&p, s, w), crate::FaultOutcome::Resolved);
    p.copy_to_user(crate::platform::UserAddr(s), b"Y").unwrap();
    assert_eq!(sys(&proc, &p, 17, &[fd as u64, buf + 0x200, 5, 0]), 5);
    assert_eq!(p.peek(buf + 0x200, 5).unwrap(), b"Yello");
    assert_eq!(sys(&proc, &p, 9, &[0, 4096, 5, 2, fd as u64, 0]), -13);
    assert_eq!(sys(&proc, &p, 26, &[m, 4096, 4]), 0);
    // /dev/zero maps as anonymous memory.
    poke(&proc, &p, buf, b"/dev/zero\0");
    let z = sys(&proc, &p, 2, &[buf, 2, 0]);
    let zm = sys(&proc, &p, 9, &[0, 4096, 3, 2, z as u64, 0]);
    assert!(zm > 0, "mmap /dev/zero: {zm}");
    // A bad fd is EBADF.
    assert_eq!(sys(&proc, &p, 9, &[0, 4096, 1, 2, 99, 0]), -9);
}
