//! The text of every /proc file, rendered from a [`ProcSnapshot`] in the
//! format Linux's fs/proc prints (proc(5), proc_pid_maps(5),
//! proc_pid_status(5), proc_pid_stat(5), proc_meminfo(5)). Pure functions
//! of plain data: the process module fills the snapshot, `procfs` serves
//! the bytes, and the host tests parse them.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::platform::Prot;

/// Clock ticks per second as `/proc/<pid>/stat` counts them (`USER_HZ`,
/// sysconf(_SC_CLK_TCK) = 100 on x86_64).
pub const USER_HZ: u64 = 100;

/// One line of `/proc/<pid>/maps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapEntry {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// Protection.
    pub prot: Prot,
    /// `MAP_SHARED` (`s`) rather than private (`p`).
    pub shared: bool,
    /// File offset of `start` (0 for anonymous memory).
    pub offset: u64,
    /// Device of the mapped file, (major, minor).
    pub dev: (u32, u32),
    /// Inode of the mapped file (0 for anonymous memory).
    pub ino: u64,
    /// Path or pseudo-name (`[heap]`, `[stack]`); empty for anonymous memory.
    pub name: String,
    /// What the mapping holds, for the `Vm*` sums of `status`.
    pub kind: MapKind,
}

/// Which `Vm*` counter of `/proc/<pid>/status` a mapping adds to
/// (fs/proc/task_mmu.c task_mem).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKind {
    /// Executable text of the program (`VmExe`).
    Text,
    /// Data, heap and anonymous memory (`VmData`).
    Data,
    /// The main stack (`VmStk`).
    Stack,
    /// A file mapping (counted in `VmSize` only).
    File,
}

/// One limit of `/proc/<pid>/limits`, soft and hard (`u64::MAX`: unlimited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitEntry {
    /// Soft limit.
    pub soft: u64,
    /// Hard limit.
    pub hard: u64,
}

/// One line of `/proc/mounts` (fstab(5) fields).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountEntry {
    /// Source (`fs_spec`).
    pub source: String,
    /// Mount point.
    pub target: String,
    /// Filesystem type.
    pub fstype: String,
    /// Mount options.
    pub options: String,
}

/// Everything /proc shows about the process and the machine, copied out of
/// the process state at open time (procfs never borrows that state).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcSnapshot {
    /// Process id (1).
    pub pid: u32,
    /// Thread ids, the first is the pid.
    pub tids: Vec<u32>,
    /// Command name (`comm`, at most 15 bytes, prctl PR_SET_NAME).
    pub comm: String,
    /// Target of `/proc/<pid>/exe`.
    pub exe: String,
    /// argv, each argument without its NUL.
    pub args: Vec<String>,
    /// The initial environment, `NAME=value` strings.
    pub env: Vec<String>,
    /// Real, effective, saved and filesystem uid.
    pub uids: [u32; 4],
    /// Real, effective, saved and filesystem gid.
    pub gids: [u32; 4],
    /// Supplementary groups.
    pub groups: Vec<u32>,
    /// The file-creation mask.
    pub umask: u32,
    /// Nice value.
    pub nice: i32,
    /// The mappings in address order.
    pub maps: Vec<MapEntry>,
    /// Resident pages.
    pub rss_pages: u64,
    /// Open descriptors and their link targets, ascending.
    pub fds: Vec<(u32, String)>,
    /// Size of the descriptor table (`FDSize`).
    pub fd_size: u32,
    /// Resource limits in `RLIMIT_*` order.
    pub limits: Vec<LimitEntry>,
    /// Blocked and ignored/caught signal masks.
    pub sig_blocked: u64,
    /// Ignored signals.
    pub sig_ignored: u64,
    /// Signals with a handler.
    pub sig_caught: u64,
    /// Host name (`/proc/sys/kernel/hostname`).
    pub hostname: String,
    /// Kernel release (`/proc/sys/kernel/osrelease`).
    pub osrelease: String,
    /// Nanoseconds since boot.
    pub uptime_ns: u64,
    /// Nanoseconds since the epoch now (to derive `btime`).
    pub realtime_ns: u64,
    /// RAM the machine has, bytes.
    pub mem_total: u64,
    /// RAM still free, bytes.
    pub mem_free: u64,
    /// `AT_HWCAP` (CPUID.01H:EDX) for the `flags` line of cpuinfo.
    pub hwcap: u64,
}

fn kb(bytes: u64) -> u64 {
    bytes / 1024
}

/// Renders `/proc/<pid>/maps` (proc_pid_maps(5), fs/proc/task_mmu.c
/// show_map_vma: the name starts at column 73 on 64-bit).
pub fn maps(s: &ProcSnapshot) -> String {
    let mut out = String::new();
    for m in &s.maps {
        let mut line = format!(
            "{:08x}-{:08x} {}{} {:08x} {:02x}:{:02x} {}",
            m.start,
            m.end,
            m.prot.rwx(),
            if m.shared { 's' } else { 'p' },
            m.offset,
            m.dev.0,
            m.dev.1,
            m.ino
        );
        if !m.name.is_empty() {
            line.push(' ');
            while line.len() < 73 {
                line.push(' ');
            }
            line.push_str(&m.name);
        }
        line.push('\n');
        out.push_str(&line);
    }
    out
}

/// Sums of the mappings as `task_mem` reports them, in kB:
/// (VmSize, VmData, VmStk, VmExe).
fn vm_sums(s: &ProcSnapshot) -> (u64, u64, u64, u64) {
    let (mut size, mut data, mut stk, mut exe) = (0, 0, 0, 0);
    for m in &s.maps {
        let len = m.end - m.start;
        size += len;
        match m.kind {
            MapKind::Text => exe += len,
            MapKind::Data if m.prot.write => data += len,
            MapKind::Stack => stk += len,
            _ => {}
        }
    }
    (kb(size), kb(data), kb(stk), kb(exe))
}

/// Renders `/proc/<pid>/status` (proc_pid_status(5)); the fields Linux 6.1
/// prints, in its order, those without meaning here as 0.
pub fn status(s: &ProcSnapshot) -> String {
    let (size, data, stk, exe) = vm_sums(s);
    let rss = s.rss_pages * 4;
    let mut o = String::new();
    let _ = writeln!(o, "Name:\t{}", s.comm);
    let _ = writeln!(o, "Umask:\t{:04o}", s.umask);
    let _ = writeln!(o, "State:\tR (running)");
    let _ = writeln!(o, "Tgid:\t{}", s.pid);
    let _ = writeln!(o, "Ngid:\t0");
    let _ = writeln!(o, "Pid:\t{}", s.pid);
    let _ = writeln!(o, "PPid:\t0");
    let _ = writeln!(o, "TracerPid:\t0");
    let [u0, u1, u2, u3] = s.uids;
    let [g0, g1, g2, g3] = s.gids;
    let _ = writeln!(o, "Uid:\t{u0}\t{u1}\t{u2}\t{u3}");
    let _ = writeln!(o, "Gid:\t{g0}\t{g1}\t{g2}\t{g3}");
    let _ = writeln!(o, "FDSize:\t{}", s.fd_size);
    let groups: Vec<String> = s.groups.iter().map(|g| format!("{g}")).collect();
    let _ = writeln!(o, "Groups:\t{} ", groups.join(" "));
    let _ = writeln!(o, "NStgid:\t{}", s.pid);
    let _ = writeln!(o, "NSpid:\t{}", s.pid);
    let _ = writeln!(o, "NSpgid:\t{}", s.pid);
    let _ = writeln!(o, "NSsid:\t{}", s.pid);
    for (name, v) in [
        ("VmPeak", size),
        ("VmSize", size),
        ("VmLck", 0),
        ("VmPin", 0),
        ("VmHWM", rss),
        ("VmRSS", rss),
        ("RssAnon", rss),
        ("RssFile", 0),
        ("RssShmem", 0),
        ("VmData", data),
        ("VmStk", stk),
        ("VmExe", exe),
        ("VmLib", 0),
        ("VmPTE", 0),
        ("VmSwap", 0),
    ] {
        let _ = writeln!(o, "{}:\t{:>8} kB", name, v);
    }
    let _ = writeln!(o, "HugetlbPages:\t{:>8} kB", 0);
    let _ = writeln!(o, "CoreDumping:\t0");
    let _ = writeln!(o, "THP_enabled:\t0");
    let _ = writeln!(o, "Threads:\t{}", s.tids.len());
    let _ = writeln!(o, "SigQ:\t0/{}", 0x7fff);
    let _ = writeln!(o, "SigPnd:\t{:016x}", 0);
    let _ = writeln!(o, "ShdPnd:\t{:016x}", 0);
    let _ = writeln!(o, "SigBlk:\t{:016x}", s.sig_blocked);
    let _ = writeln!(o, "SigIgn:\t{:016x}", s.sig_ignored);
    let _ = writeln!(o, "SigCgt:\t{:016x}", s.sig_caught);
    for cap in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] {
        let _ = writeln!(o, "{cap}:\t{:016x}", 0);
    }
    let _ = writeln!(o, "NoNewPrivs:\t0");
    let _ = writeln!(o, "Seccomp:\t0");
    let _ = writeln!(o, "Seccomp_filters:\t0");
    let _ = writeln!(o, "Speculation_Store_Bypass:\tnot vulnerable");
    let _ = writeln!(o, "Cpus_allowed:\t1");
    let _ = writeln!(o, "Cpus_allowed_list:\t0");
    let _ = writeln!(o, "Mems_allowed:\t1");
    let _ = writeln!(o, "Mems_allowed_list:\t0");
    let _ = writeln!(o, "voluntary_ctxt_switches:\t0");
    let _ = writeln!(o, "nonvoluntary_ctxt_switches:\t0");
    o
}

/// Renders `/proc/<pid>/stat` (proc_pid_stat(5)): 52 fields, the comm in
/// parentheses; times in `USER_HZ` ticks.
pub fn stat(s: &ProcSnapshot) -> String {
    let (size, ..) = vm_sums(s);
    let rsslim = s.limits.get(5).map_or(u64::MAX, |l| l.soft);
    let stack_start = s
        .maps
        .iter()
        .find(|m| m.kind == MapKind::Stack)
        .map_or(0, |m| m.end);
    let pid = s.pid;
    let nthreads = s.tids.len();
    let prio = 20 + s.nice;
    format!(
        "{pid} ({}) R 0 {pid} {pid} 0 -1 4194560 0 0 0 0 0 0 0 0 {prio} {} {nthreads} 0 0 {} {} {rsslim} 0 0 {stack_start} 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
        s.comm,
        s.nice,
        size * 1024,
        s.rss_pages,
    )
}

/// Renders `/proc/<pid>/statm` (pages: size resident shared text lib data dt).
pub fn statm(s: &ProcSnapshot) -> String {
    let (size, data, stk, exe) = vm_sums(s);
    format!(
        "{} {} 0 {} 0 {} 0\n",
        size / 4,
        s.rss_pages,
        exe / 4,
        (data + stk) / 4
    )
}

/// Renders a NUL-terminated list (`cmdline`, `environ`).
pub fn nul_list(items: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for i in items {
        out.extend_from_slice(i.as_bytes());
        out.push(0);
    }
    out
}

/// `/proc/<pid>/limits` rows: (label, RLIMIT index, unit).
const LIMITS: [(&str, usize, &str); 16] = [
    ("Max cpu time", 0, "seconds"),
    ("Max file size", 1, "bytes"),
    ("Max data size", 2, "bytes"),
    ("Max stack size", 3, "bytes"),
    ("Max core file size", 4, "bytes"),
    ("Max resident set", 5, "bytes"),
    ("Max processes", 6, "processes"),
    ("Max open files", 7, "files"),
    ("Max locked memory", 8, "bytes"),
    ("Max address space", 9, "bytes"),
    ("Max file locks", 10, "locks"),
    ("Max pending signals", 11, "signals"),
    ("Max msgqueue size", 12, "bytes"),
    ("Max nice priority", 13, ""),
    ("Max realtime priority", 14, ""),
    ("Max realtime timeout", 15, "us"),
];

/// Renders `/proc/<pid>/limits` (fs/proc/base.c proc_pid_limits).
pub fn limits(s: &ProcSnapshot) -> String {
    let v = |x: u64| {
        if x == u64::MAX {
            String::from("unlimited")
        } else {
            format!("{x}")
        }
    };
    let mut o = format!(
        "{:<25} {:<20} {:<20} {:<10}\n",
        "Limit", "Soft Limit", "Hard Limit", "Units"
    );
    for (label, idx, unit) in LIMITS {
        let l = s.limits.get(idx).copied().unwrap_or(LimitEntry {
            soft: u64::MAX,
            hard: u64::MAX,
        });
        let _ = writeln!(
            o,
            "{:<25} {:<20} {:<20} {:<10}",
            label,
            v(l.soft),
            v(l.hard),
            unit
        );
    }
    o
}

/// Renders `/proc/meminfo` (proc_meminfo(5), fs/proc/meminfo.c
/// show_val_kb: 16-column label, 8-column value).
pub fn meminfo(s: &ProcSnapshot) -> String {
    let free = kb(s.mem_free);
    let mut o = String::new();
    for (label, v) in [
        ("MemTotal:", kb(s.mem_total)),
        ("MemFree:", free),
        ("MemAvailable:", free),
        ("Buffers:", 0),
        ("Cached:", 0),
        ("SwapCached:", 0),
        ("Active:", 0),
        ("Inactive:", 0),
        ("Shmem:", 0),
        ("SwapTotal:", 0),
        ("SwapFree:", 0),
        ("Dirty:", 0),
        ("AnonPages:", s.rss_pages * 4),
        ("Mapped:", 0),
        ("CommitLimit:", kb(s.mem_total)),
        ("Committed_AS:", s.rss_pages * 4),
        ("HugePages_Total:", 0),
        ("Hugepagesize:", 2048),
    ] {
        let _ = writeln!(o, "{label:<16}{v:>8} kB");
    }
    o
}

/// x86 CPUID.01H:EDX feature names, bit by bit (arch/x86/include/asm/cpufeatures.h).
const EDX_FLAGS: [&str; 32] = [
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "", "sep", "mtrr", "pge",
    "mca", "cmov", "pat", "pse36", "pn", "clflush", "", "dts", "acpi", "mmx", "fxsr", "sse",
    "sse2", "ss", "ht", "tm", "ia64", "pbe",
];

/// Renders `/proc/cpuinfo`: one processor (the unikernel runs on one
/// CPU), with the CPUID.01H:EDX flags the program is told about in AT_HWCAP.
pub fn cpuinfo(s: &ProcSnapshot) -> String {
    let flags: Vec<&str> = EDX_FLAGS
        .iter()
        .enumerate()
        .filter(|(i, n)| !n.is_empty() && s.hwcap & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    format!(
        "processor\t: 0\nvendor_id\t: unknown\ncpu family\t: 6\nmodel\t\t: 0\n\
         model name\t: rumprun-rs virtual CPU\nstepping\t: 0\ncpu MHz\t\t: 0.000\n\
         physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n\
         fpu\t\t: yes\nflags\t\t: {}\nclflush size\t: 64\ncache_alignment\t: 64\n\
         address sizes\t: 48 bits physical, 48 bits virtual\n\n",
        flags.join(" ")
    )
}

/// Renders `/proc/stat` (proc_stat(5)): all time counted as user time.
pub fn proc_stat(s: &ProcSnapshot) -> String {
    let ticks = s.uptime_ns / (1_000_000_000 / USER_HZ);
    let btime = (s.realtime_ns.saturating_sub(s.uptime_ns)) / 1_000_000_000;
    format!(
        "cpu  {ticks} 0 0 0 0 0 0 0 0 0\ncpu0 {ticks} 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\n\
         btime {btime}\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n\
         softirq 0 0 0 0 0 0 0 0 0 0 0\n"
    )
}

/// Renders `/proc/uptime` (proc_uptime(5)): seconds up and idle.
pub fn uptime(s: &ProcSnapshot) -> String {
    let cs = s.uptime_ns / 10_000_000;
    format!("{}.{:02} 0.00\n", cs / 100, cs % 100)
}

/// Renders `/proc/loadavg` (proc_loadavg(5)).
pub fn loadavg(s: &ProcSnapshot) -> String {
    let last = s.tids.iter().copied().max().unwrap_or(s.pid);
    format!("0.00 0.00 0.00 1/{} {last}\n", s.tids.len())
}

/// Renders `/proc/mounts` (fstab(5) lines).
pub fn mounts(list: &[MountEntry]) -> String {
    let mut o = String::new();
    for m in list {
        let _ = writeln!(
            o,
            "{} {} {} {} 0 0",
            m.source, m.target, m.fstype, m.options
        );
    }
    o
}
