//! Host tests of /proc: the tree, links, and every file parsed the way
//! programs parse it (maps lines, `Key:\tvalue` status, stat fields).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::{new_procfs, LimitEntry, MapEntry, MapKind, MountEntry, ProcCell, ProcSnapshot};
use crate::platform::Prot;
use crate::vfs::error::{errno_of, Errno};
use crate::vfs::flags::o;
use crate::vfs::tests::{booted, lstat, open, read_all, stat};
use crate::vfs::types::{DevId, FileType};
use crate::vfs::Vfs;

fn map(start: u64, end: u64, prot: Prot, kind: MapKind, name: &str) -> MapEntry {
    MapEntry {
        start,
        end,
        prot,
        shared: false,
        offset: 0,
        dev: (0, 0),
        ino: 0,
        name: name.into(),
        kind,
    }
}

fn snapshot() -> ProcSnapshot {
    ProcSnapshot {
        pid: 1,
        tids: alloc::vec![1, 2, 3],
        comm: "hello".into(),
        exe: "/bin/hello".into(),
        args: alloc::vec!["/bin/hello".into(), "world".into()],
        env: alloc::vec!["HOME=/".into()],
        uids: [1000; 4],
        gids: [100; 4],
        groups: alloc::vec![100, 5],
        umask: 0o022,
        nice: 0,
        maps: alloc::vec![
            map(
                0x5555_0000_0000,
                0x5555_0000_2000,
                Prot::RX,
                MapKind::Text,
                "/bin/hello"
            ),
            map(
                0x5555_0000_2000,
                0x5555_0000_3000,
                Prot::RW,
                MapKind::Data,
                "/bin/hello"
            ),
            map(
                0x5555_0010_0000,
                0x5555_0012_0000,
                Prot::RW,
                MapKind::Data,
                "[heap]"
            ),
            map(
                0x7f00_0000_0000,
                0x7f00_0000_4000,
                Prot::RW,
                MapKind::Data,
                ""
            ),
            map(
                0x7ffe_0000_0000,
                0x7ffe_0080_0000,
                Prot::RW,
                MapKind::Stack,
                "[stack]"
            ),
        ],
        rss_pages: 10,
        fds: alloc::vec![
            (0, "/dev/console".into()),
            (1, "/dev/console".into()),
            (2, "/dev/console".into()),
            (5, "pipe:[7]".into()),
        ],
        fd_size: 64,
        limits: alloc::vec![LimitEntry { soft: u64::MAX, hard: u64::MAX }; 16],
        hostname: "box".into(),
        osrelease: "6.1.0-rumprun-rs".into(),
        uptime_ns: 12_340_000_000,
        realtime_ns: 1_700_000_000_000_000_000,
        mem_total: 64 << 20,
        mem_free: 40 << 20,
        hwcap: 0x1 | (1 << 25) | (1 << 26),
        ..ProcSnapshot::default()
    }
}

fn proc_vfs() -> (Vfs, Arc<ProcCell>) {
    let (vfs, _) = booted(None, 1000);
    let cell = Arc::new(ProcCell::new());
    cell.publish(snapshot());
    let mounts = alloc::vec![MountEntry {
        source: "proc".into(),
        target: "/proc".into(),
        fstype: "proc".into(),
        options: "ro,nosuid,nodev,noexec".into(),
    }];
    let fs = new_procfs(DevId::new(0, 5), cell.clone(), mounts);
    vfs.mount(&vfs.root(), b"/proc", fs).expect("mount /proc");
    (vfs, cell)
}

fn text(v: &Vfs, path: &str) -> String {
    String::from_utf8(read_all(v, path).expect(path)).expect("utf-8")
}

fn field<'a>(status: &'a str, key: &str) -> &'a str {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(":\t")))
        .unwrap_or_else(|| panic!("no {key} in status"))
}

#[test]
fn self_and_exe_links() {
    let (v, _) = proc_vfs();
    assert_eq!(v.readlink(&v.root(), b"/proc/self").unwrap(), b"1");
    assert_eq!(
        v.readlink(&v.root(), b"/proc/self/exe").unwrap(),
        b"/bin/hello"
    );
    assert_eq!(
        lstat(&v, "/proc/self").unwrap().file_type,
        FileType::Symlink
    );
    assert_eq!(
        stat(&v, "/proc/self").unwrap().file_type,
        FileType::Directory
    );
    assert_eq!(
        v.readlink(&v.root(), b"/proc/mounts").unwrap(),
        b"self/mounts"
    );
}

#[test]
fn fd_directory_lists_open_descriptors() {
    let (v, cell) = proc_vfs();
    assert_eq!(
        v.readlink(&v.root(), b"/proc/self/fd/5").unwrap(),
        b"pipe:[7]"
    );
    assert_eq!(
        errno_of(v.readlink(&v.root(), b"/proc/self/fd/4")),
        Errno::ENOENT
    );
    let dir = open(&v, "/proc/self/fd", o::RDONLY | o::DIRECTORY).unwrap();
    let mut buf = [0u8; 512];
    let n = dir.getdents64(&mut buf).unwrap();
    // ".", "..", 0, 1, 2, 5: six records.
    let mut count = 0;
    let mut off = 0;
    while off < n {
        count += 1;
        off += usize::from(u16::from_le_bytes([buf[off + 16], buf[off + 17]]));
    }
    assert_eq!(count, 6);
    // A new snapshot is seen by the next lookup.
    let mut s = snapshot();
    s.fds.push((9, "/tmp/x".into()));
    cell.publish(s);
    assert_eq!(v.readlink(&v.root(), b"/proc/1/fd/9").unwrap(), b"/tmp/x");
}

#[test]
fn maps_lines_parse_like_linux() {
    let (v, _) = proc_vfs();
    let maps = text(&v, "/proc/self/maps");
    let lines: Vec<&str> = maps.lines().collect();
    assert_eq!(lines.len(), 5);
    for l in &lines {
        let mut parts = l.split_whitespace();
        let range = parts.next().unwrap();
        let (a, b) = range.split_once('-').unwrap();
        assert!(u64::from_str_radix(a, 16).unwrap() < u64::from_str_radix(b, 16).unwrap());
        let perms = parts.next().unwrap();
        assert_eq!(perms.len(), 4);
        assert!(perms.ends_with('p'));
        u64::from_str_radix(parts.next().unwrap(), 16).unwrap();
        assert_eq!(parts.next().unwrap(), "00:00");
        parts.next().unwrap().parse::<u64>().unwrap();
    }
    assert_eq!(
        lines[0],
        "555500000000-555500002000 r-xp 00000000 00:00 0                          /bin/hello"
    );
    assert_eq!(lines[0].find("/bin/hello"), Some(73));
    assert!(lines[4].ends_with("[stack]"));
    assert_eq!(lines[3], "7f0000000000-7f0000004000 rw-p 00000000 00:00 0");
}

#[test]
fn status_fields() {
    let (v, _) = proc_vfs();
    let s = text(&v, "/proc/self/status");
    assert_eq!(field(&s, "Name"), "hello");
    assert_eq!(field(&s, "Pid"), "1");
    assert_eq!(field(&s, "PPid"), "0");
    assert_eq!(field(&s, "Threads"), "3");
    assert_eq!(field(&s, "Uid"), "1000\t1000\t1000\t1000");
    assert_eq!(field(&s, "FDSize"), "64");
    assert_eq!(field(&s, "VmRSS"), "      40 kB");
    assert_eq!(field(&s, "VmStk"), "    8192 kB");
    assert!(field(&s, "State").starts_with('R'));
}

#[test]
fn stat_has_52_fields() {
    let (v, _) = proc_vfs();
    let s = text(&v, "/proc/1/stat");
    let (head, rest) = s.rsplit_once(") ").unwrap();
    assert_eq!(head, "1 (hello");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    assert_eq!(fields.len() + 2, 52);
    assert_eq!(fields[0], "R");
    // num_threads is field 20 (1-based), i.e. rest[17].
    assert_eq!(fields[17], "3");
    let statm = text(&v, "/proc/self/statm");
    assert_eq!(statm.split_whitespace().count(), 7);
}

#[test]
fn cmdline_environ_comm() {
    let (v, _) = proc_vfs();
    assert_eq!(
        read_all(&v, "/proc/self/cmdline").unwrap(),
        b"/bin/hello\0world\0"
    );
    assert_eq!(read_all(&v, "/proc/self/environ").unwrap(), b"HOME=/\0");
    assert_eq!(text(&v, "/proc/self/comm"), "hello\n");
}

#[test]
fn machine_files() {
    let (v, _) = proc_vfs();
    let mem = text(&v, "/proc/meminfo");
    let first = mem.lines().next().unwrap();
    assert_eq!(first, "MemTotal:          65536 kB");
    assert!(mem.contains("MemAvailable:      40960 kB"));
    let cpu = text(&v, "/proc/cpuinfo");
    assert!(cpu.starts_with("processor\t: 0\n"));
    assert!(cpu.contains("flags\t\t: fpu sse sse2\n"));
    assert_eq!(text(&v, "/proc/uptime"), "12.34 0.00\n");
    assert_eq!(text(&v, "/proc/loadavg"), "0.00 0.00 0.00 1/3 3\n");
    let st = text(&v, "/proc/stat");
    assert!(st.starts_with("cpu  1234 "));
    assert!(st.contains("btime 1699999987\n"));
    let limits = text(&v, "/proc/self/limits");
    assert!(limits.starts_with("Limit                     Soft Limit"));
    assert!(limits.contains("Max open files            unlimited"));
    assert_eq!(
        text(&v, "/proc/mounts"),
        "proc /proc proc ro,nosuid,nodev,noexec 0 0\n"
    );
}

#[test]
fn sys_files() {
    let (v, _) = proc_vfs();
    assert_eq!(text(&v, "/proc/sys/kernel/hostname"), "box\n");
    assert_eq!(text(&v, "/proc/sys/kernel/ostype"), "Linux\n");
    assert_eq!(text(&v, "/proc/sys/kernel/osrelease"), "6.1.0-rumprun-rs\n");
    assert_eq!(text(&v, "/proc/sys/kernel/pid_max"), "32768\n");
    assert_eq!(text(&v, "/proc/sys/kernel/threads-max"), "4096\n");
    assert_eq!(text(&v, "/proc/sys/net/core/somaxconn"), "4096\n");
    assert_eq!(text(&v, "/proc/sys/vm/overcommit_memory"), "0\n");
}

#[test]
fn read_only_and_missing() {
    let (v, _) = proc_vfs();
    assert!(open(&v, "/proc/sys/kernel/hostname", o::WRONLY).is_err());
    assert_eq!(
        errno_of(open(&v, "/proc/2/status", o::RDONLY).map(|_| ())),
        Errno::ENOENT
    );
    assert_eq!(
        errno_of(open(&v, "/proc/nope", o::RDONLY).map(|_| ())),
        Errno::ENOENT
    );
    assert_eq!(stat(&v, "/proc/self/status").unwrap().size, 0);
    assert_eq!(
        stat(&v, "/proc/1/task/2").unwrap().file_type,
        FileType::Directory
    );
    assert_eq!(errno_of(stat(&v, "/proc/1/task/9")), Errno::ENOENT);
}

#[test]
fn contents_are_taken_at_open() {
    let (v, cell) = proc_vfs();
    let f = open(&v, "/proc/self/comm", o::RDONLY).unwrap();
    let mut s = snapshot();
    s.comm = "other".into();
    cell.publish(s);
    let mut buf = [0u8; 16];
    let n = f.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello\n");
    assert_eq!(text(&v, "/proc/self/comm"), "other\n");
}
