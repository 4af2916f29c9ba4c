//! /proc: a synthetic, read-only filesystem (proc(5)) for the one process
//! (pid 1) and the machine. File contents are rendered when a file is
//! opened, from a [`ProcSnapshot`] that a [`ProcSource`] hands out; the
//! process module implements the source and keeps it current, so procfs
//! never holds a reference into the locked process state. Key items:
//! [`new_procfs`], [`ProcSource`]; the formats live in [`render`].
//!
//! Deviations from Linux: `/proc/self/fd/N` are plain symlinks, not
//! magic links (opening one walks its target path, so `pipe:[n]` targets
//! give ENOENT); only pid 1 exists; /proc/sys is read-only.

pub mod render;

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

use spin::Mutex;

pub use render::{LimitEntry, MapEntry, MapKind, MountEntry, ProcSnapshot};

use super::error::{err, error, Errno, SysResult};
use super::flags::OpenFlags;
use super::inode::Inode;
use super::types::{DevId, DirEntry, FileType, Metadata, Timespec};
use crate::fd::{FileOps, OpenFileDescription, Whence};

/// Where procfs gets the process and machine state it shows.
pub trait ProcSource: Send + Sync {
    /// Returns the current snapshot (called at open, readlink and readdir).
    fn snapshot(&self) -> Arc<ProcSnapshot>;
}

/// A [`ProcSource`] the owner of the state refreshes: it publishes a new
/// snapshot whenever a system call may look at /proc, and procfs reads the
/// last one published.
#[derive(Debug, Default)]
pub struct ProcCell {
    snap: Mutex<Arc<ProcSnapshot>>,
}

impl ProcCell {
    /// Creates a cell holding an empty snapshot.
    pub fn new() -> Self {
        ProcCell::default()
    }

    /// Replaces the snapshot procfs reads.
    pub fn publish(&self, snap: ProcSnapshot) {
        *self.snap.lock() = Arc::new(snap);
    }
}

impl ProcSource for ProcCell {
    fn snapshot(&self) -> Arc<ProcSnapshot> {
        self.snap.lock().clone()
    }
}

/// A generated file of /proc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gen {
    Maps,
    Status,
    Stat,
    Statm,
    Cmdline,
    Environ,
    Comm,
    Limits,
    Mounts,
    CpuInfo,
    MemInfo,
    ProcStat,
    Uptime,
    LoadAvg,
    Version,
    Hostname,
    OsType,
    OsRelease,
    PidMax,
    ThreadsMax,
    Somaxconn,
    Overcommit,
}

/// Which node of the tree an inode is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Root,
    /// `/proc/self` and `/proc/thread-self`.
    SelfLink,
    ThreadSelf,
    /// `/proc/mounts` -> `self/mounts`.
    MountsLink,
    Pid,
    Exe,
    Cwd,
    FdDir,
    Fd(u32),
    Task,
    Sys,
    SysKernel,
    SysNet,
    SysNetCore,
    SysVm,
    File(Gen),
}

/// Directory contents: name and node.
const ROOT: &[(&str, Node)] = &[
    ("1", Node::Pid),
    ("cpuinfo", Node::File(Gen::CpuInfo)),
    ("loadavg", Node::File(Gen::LoadAvg)),
    ("meminfo", Node::File(Gen::MemInfo)),
    ("mounts", Node::MountsLink),
    ("self", Node::SelfLink),
    ("stat", Node::File(Gen::ProcStat)),
    ("sys", Node::Sys),
    ("thread-self", Node::ThreadSelf),
    ("uptime", Node::File(Gen::Uptime)),
    ("version", Node::File(Gen::Version)),
];
const PID: &[(&str, Node)] = &[
    ("cmdline", Node::File(Gen::Cmdline)),
    ("comm", Node::File(Gen::Comm)),
    ("cwd", Node::Cwd),
    ("environ", Node::File(Gen::Environ)),
    ("exe", Node::Exe),
    ("fd", Node::FdDir),
    ("limits", Node::File(Gen::Limits)),
    ("maps", Node::File(Gen::Maps)),
    ("mounts", Node::File(Gen::Mounts)),
    ("stat", Node::File(Gen::Stat)),
    ("statm", Node::File(Gen::Statm)),
    ("status", Node::File(Gen::Status)),
    ("task", Node::Task),
];
const SYS: &[(&str, Node)] = &[
    ("kernel", Node::SysKernel),
    ("net", Node::SysNet),
    ("vm", Node::SysVm),
];
const SYS_KERNEL: &[(&str, Node)] = &[
    ("hostname", Node::File(Gen::Hostname)),
    ("osrelease", Node::File(Gen::OsRelease)),
    ("ostype", Node::File(Gen::OsType)),
    ("pid_max", Node::File(Gen::PidMax)),
    ("threads-max", Node::File(Gen::ThreadsMax)),
];
const SYS_NET: &[(&str, Node)] = &[("core", Node::SysNetCore)];
const SYS_NET_CORE: &[(&str, Node)] = &[("somaxconn", Node::File(Gen::Somaxconn))];
const SYS_VM: &[(&str, Node)] = &[("overcommit_memory", Node::File(Gen::Overcommit))];

/// Returns the fixed entries of a directory node and its parent.
fn fixed(node: Node) -> Option<(&'static [(&'static str, Node)], Node)> {
    Some(match node {
        Node::Root => (ROOT, Node::Root),
        Node::Pid => (PID, Node::Root),
        Node::Sys => (SYS, Node::Root),
        Node::SysKernel => (SYS_KERNEL, Node::Sys),
        Node::SysNet => (SYS_NET, Node::Sys),
        Node::SysNetCore => (SYS_NET_CORE, Node::SysNet),
        Node::SysVm => (SYS_VM, Node::Sys),
        _ => return None,
    })
}

/// Everything the inodes of one procfs share.
struct Shared {
    dev: DevId,
    source: Arc<dyn ProcSource>,
    mounts: Vec<MountEntry>,
    /// Where `/proc/<pid>/cwd` points (the process has no chdir view here).
    cwd: String,
}

/// An inode of /proc.
struct ProcInode {
    fs: Arc<Shared>,
    node: Node,
}

/// Creates a procfs whose contents come from `source`; `mounts` is what
/// `/proc/mounts` lists (the boot namespace does not change).
pub fn new_procfs(
    dev: DevId,
    source: Arc<dyn ProcSource>,
    mounts: Vec<MountEntry>,
) -> Arc<dyn Inode> {
    Arc::new(ProcInode {
        fs: Arc::new(Shared {
            dev,
            source,
            mounts,
            cwd: String::from("/"),
        }),
        node: Node::Root,
    })
}

/// Device number of /proc (anonymous major 0, after the boot filesystems).
pub const PROC_DEV: DevId = DevId::new(0, 5);

/// Mounts /proc on the boot namespace `vfs`, listing the boot mounts in
/// `/proc/mounts`.
///
/// # Errors
/// The mount's errnos (the boot namespace always has a `/proc` directory).
pub fn mount_boot(vfs: &super::Vfs, source: Arc<dyn ProcSource>) -> SysResult<()> {
    let entry = |source: &str, target: &str, fstype: &str, options: &str| MountEntry {
        source: source.into(),
        target: target.into(),
        fstype: fstype.into(),
        options: options.into(),
    };
    let mounts = alloc::vec![
        entry("rootfs", "/", "rootfs", "ro,relatime"),
        entry("devtmpfs", "/dev", "devtmpfs", "rw,nosuid,relatime"),
        entry("tmpfs", "/dev/shm", "tmpfs", "rw,nosuid,nodev"),
        entry("tmpfs", "/tmp", "tmpfs", "rw,nosuid,nodev"),
        entry("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime"),
    ];
    vfs.mount(&vfs.root(), b"/proc", new_procfs(PROC_DEV, source, mounts))
}

/// Returns a stable inode number for a node.
fn ino_of(node: Node) -> u64 {
    let fixed_ino = |list: &[(&str, Node)], base: u64| {
        list.iter()
            .position(|(_, n)| *n == node)
            .map(|i| base + i as u64)
    };
    match node {
        Node::Root => 1,
        Node::Fd(n) => 0x1_0000 + u64::from(n),
        _ => fixed_ino(ROOT, 10)
            .or_else(|| fixed_ino(PID, 30))
            .or_else(|| fixed_ino(SYS, 50))
            .or_else(|| fixed_ino(SYS_KERNEL, 60))
            .or_else(|| fixed_ino(SYS_NET, 70))
            .or_else(|| fixed_ino(SYS_NET_CORE, 80))
            .or_else(|| fixed_ino(SYS_VM, 90))
            .unwrap_or(2),
    }
}

/// Renders a generated file.
fn generate(fs: &Shared, gen: Gen) -> Vec<u8> {
    let s = fs.source.snapshot();
    let text = |t: String| t.into_bytes();
    let line = |t: &str| alloc::format!("{t}\n").into_bytes();
    match gen {
        Gen::Maps => text(render::maps(&s)),
        Gen::Status => text(render::status(&s)),
        Gen::Stat => text(render::stat(&s)),
        Gen::Statm => text(render::statm(&s)),
        Gen::Cmdline => render::nul_list(&s.args),
        Gen::Environ => render::nul_list(&s.env),
        Gen::Comm => line(&s.comm),
        Gen::Limits => text(render::limits(&s)),
        Gen::Mounts => text(render::mounts(&fs.mounts)),
        Gen::CpuInfo => text(render::cpuinfo(&s)),
        Gen::MemInfo => text(render::meminfo(&s)),
        Gen::ProcStat => text(render::proc_stat(&s)),
        Gen::Uptime => text(render::uptime(&s)),
        Gen::LoadAvg => text(render::loadavg(&s)),
        Gen::Version => line(&alloc::format!(
            "Linux version {} (rumprun-rs) #1 SMP",
            s.osrelease
        )),
        Gen::Hostname => line(&s.hostname),
        Gen::OsType => line("Linux"),
        Gen::OsRelease => line(&s.osrelease),
        // include/linux/threads.h PID_MAX_DEFAULT; threads-max as a small machine reports it.
        Gen::PidMax => line("32768"),
        Gen::ThreadsMax => line("4096"),
        // include/linux/socket.h SOMAXCONN (4096 since Linux 5.4).
        Gen::Somaxconn => line("4096"),
        // 0: heuristic overcommit (the Linux default).
        Gen::Overcommit => line("0"),
    }
}

impl ProcInode {
    fn at(&self, node: Node) -> Arc<dyn Inode> {
        Arc::new(ProcInode {
            fs: self.fs.clone(),
            node,
        })
    }

    fn is_dir(&self) -> bool {
        matches!(self.node, Node::FdDir | Node::Task) || fixed(self.node).is_some()
    }

    fn link_target(&self) -> Option<String> {
        let s = || self.fs.source.snapshot();
        Some(match self.node {
            Node::SelfLink => alloc::format!("{}", s().pid),
            Node::ThreadSelf => alloc::format!("{}/task/{}", s().pid, s().pid),
            Node::MountsLink => String::from("self/mounts"),
            Node::Exe => s().exe.clone(),
            Node::Cwd => self.fs.cwd.clone(),
            Node::Fd(n) => s()
                .fds
                .iter()
                .find(|(fd, _)| *fd == n)
                .map(|(_, t)| t.clone())?,
            _ => return None,
        })
    }

    fn file_type(&self) -> FileType {
        if self.is_dir() {
            FileType::Directory
        } else if matches!(self.node, Node::File(_)) {
            FileType::Regular
        } else {
            FileType::Symlink
        }
    }
}

impl Inode for ProcInode {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn metadata(&self) -> Metadata {
        let file_type = self.file_type();
        let perm = match self.node {
            Node::File(Gen::Environ) => 0o400,
            Node::FdDir => 0o500,
            Node::File(_) => 0o444,
            _ if file_type == FileType::Directory => 0o555,
            _ => 0o777,
        };
        let snap = self.fs.source.snapshot();
        let (uid, gid) = (snap.uids[1], snap.gids[1]);
        let size = match self.node {
            Node::Fd(_) | Node::Exe | Node::SelfLink => 64,
            _ => 0,
        };
        let boot = Timespec::from_nanos(snap.realtime_ns.saturating_sub(snap.uptime_ns));
        Metadata {
            dev: self.fs.dev,
            ino: ino_of(self.node),
            file_type,
            perm,
            nlink: if file_type == FileType::Directory {
                2
            } else {
                1
            },
            uid,
            gid,
            rdev: DevId::default(),
            size,
            blocks: 0,
            blksize: 1024,
            atime: boot,
            mtime: boot,
            ctime: boot,
        }
    }

    fn read_only(&self) -> bool {
        true
    }

    fn lookup(&self, name: &[u8]) -> SysResult<Arc<dyn Inode>> {
        if name == b".." {
            let parent = match self.node {
                Node::FdDir | Node::Task => Node::Pid,
                n => match fixed(n) {
                    Some((_, p)) => p,
                    None => return err(Errno::ENOTDIR, "lookup in a non-directory"),
                },
            };
            return Ok(self.at(parent));
        }
        match self.node {
            Node::FdDir => {
                let n: u32 = core::str::from_utf8(name)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or(error(Errno::ENOENT, "no such fd"))?;
                let snap = self.fs.source.snapshot();
                if !snap.fds.iter().any(|(fd, _)| *fd == n) {
                    return err(Errno::ENOENT, "no such fd");
                }
                Ok(self.at(Node::Fd(n)))
            }
            Node::Task => {
                // task/<tid> is shown as a link to the process directory.
                let snap = self.fs.source.snapshot();
                let found = core::str::from_utf8(name)
                    .ok()
                    .and_then(|s| s.parse::<u32>().ok())
                    .is_some_and(|t| snap.tids.contains(&t));
                if !found {
                    return err(Errno::ENOENT, "no such thread");
                }
                Ok(self.at(Node::Pid))
            }
            n => {
                let (list, _) =
                    fixed(n).ok_or(error(Errno::ENOTDIR, "lookup in a non-directory"))?;
                let snap_pid = || alloc::format!("{}", self.fs.source.snapshot().pid);
                if n == Node::Root && name != b"1" && name == snap_pid().as_bytes() {
                    return Ok(self.at(Node::Pid));
                }
                list.iter()
                    .find(|(e, _)| e.as_bytes() == name)
                    .map(|(_, node)| self.at(*node))
                    .ok_or(error(Errno::ENOENT, "no such /proc entry"))
            }
        }
    }

    fn read_dir(&self) -> SysResult<Vec<DirEntry>> {
        let entry = |name: String, node: Node| {
            let i = ProcInode {
                fs: self.fs.clone(),
                node,
            };
            DirEntry {
                ino: ino_of(node),
                file_type: i.file_type(),
                name: name.into_bytes(),
            }
        };
        match self.node {
            Node::FdDir => Ok(self
                .fs
                .source
                .snapshot()
                .fds
                .iter()
                .map(|(fd, _)| entry(alloc::format!("{fd}"), Node::Fd(*fd)))
                .collect()),
            Node::Task => Ok(self
                .fs
                .source
                .snapshot()
                .tids
                .iter()
                .map(|t| entry(alloc::format!("{t}"), Node::Pid))
                .collect()),
            n => {
                let (list, _) =
                    fixed(n).ok_or(error(Errno::ENOTDIR, "readdir of a non-directory"))?;
                Ok(list
                    .iter()
                    .map(|(name, node)| entry(String::from(*name), *node))
                    .collect())
            }
        }
    }

    fn readlink(&self) -> SysResult<Vec<u8>> {
        match self.link_target() {
            Some(t) => Ok(t.into_bytes()),
            None if matches!(self.node, Node::Fd(_)) => err(Errno::ENOENT, "fd closed"),
            None => err(Errno::EINVAL, "readlink of a non-symlink"),
        }
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> SysResult<usize> {
        match self.node {
            Node::File(g) => Ok(copy_at(&generate(&self.fs, g), offset, buf)),
            _ if self.is_dir() => err(Errno::EISDIR, "read of a directory"),
            _ => err(Errno::EINVAL, "read of a symlink"),
        }
    }

    fn open_special(&self, flags: OpenFlags) -> SysResult<Option<Arc<dyn FileOps>>> {
        let Node::File(g) = self.node else {
            return Ok(None);
        };
        if flags.access().writable() {
            return err(Errno::EACCES, "/proc files are read-only here");
        }
        Ok(Some(Arc::new(ProcFile {
            desc: OpenFileDescription::new(flags),
            meta: self.metadata(),
            data: generate(&self.fs, g),
        })))
    }
}

/// Copies `data[offset..]` into `buf`; returns the byte count.
fn copy_at(data: &[u8], offset: u64, buf: &mut [u8]) -> usize {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(data.len());
    let n = buf.len().min(data.len() - start);
    buf[..n].copy_from_slice(&data[start..start + n]);
    n
}

/// An open /proc file: the text rendered at open, read like a regular file
/// (seq_file semantics: a re-open sees fresh contents).
struct ProcFile {
    desc: OpenFileDescription,
    meta: Metadata,
    data: Vec<u8>,
}

impl FileOps for ProcFile {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    fn fstat(&self) -> SysResult<Metadata> {
        Ok(self.meta)
    }

    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        self.desc.check_readable()?;
        let mut off = self.desc.offset();
        let n = copy_at(&self.data, *off, buf);
        *off += n as u64;
        Ok(n)
    }

    fn pread(&self, buf: &mut [u8], offset: u64) -> SysResult<usize> {
        self.desc.check_readable()?;
        Ok(copy_at(&self.data, offset, buf))
    }

    /// Moves the offset; SEEK_END is relative to the rendered text (Linux
    /// seq_file gives EINVAL there, but a size of 0 in stat already tells
    /// programs not to trust it).
    fn lseek(&self, offset: i64, whence: Whence) -> SysResult<u64> {
        let mut off = self.desc.offset();
        let base = match whence {
            Whence::Set => 0,
            Whence::Cur => *off,
            Whence::End => self.data.len() as u64,
            Whence::Data | Whence::Hole => return err(Errno::EINVAL, "SEEK_DATA on /proc"),
        };
        let new = i64::try_from(base)
            .ok()
            .and_then(|b| b.checked_add(offset))
            .and_then(|n| u64::try_from(n).ok())
            .ok_or(error(Errno::EINVAL, "lseek to a negative offset"))?;
        *off = new;
        Ok(new)
    }
}

#[cfg(test)]
mod tests;
