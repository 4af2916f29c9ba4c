//! Builds the [`ProcSnapshot`] that /proc renders, from the locked process
//! state, and publishes it to the `ProcCell` procfs reads. The dispatcher
//! calls [`refresh`] before the system calls that can look at /proc (path
//! lookups and directory reads), so procfs never needs the process lock.
//! Neighbours: `vfs::procfs` (the filesystem), `table` (the hook).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::mm::VmaKind;
use crate::process::Cx;
use crate::vfs::procfs::{LimitEntry, MapEntry, MapKind, ProcSnapshot};
use crate::vfs::types::FileType;

/// Returns whether syscall `nr` may resolve a path or list a directory,
/// and so may reach /proc (x86_64 numbers, asm/unistd_64.h).
pub(crate) fn may_read_proc(nr: u64) -> bool {
    matches!(
        nr,
        2 | 4 | 6 | 21 | 78 | 80 | 89 | 217 | 257 | 262 | 267 | 269 | 332 | 437 | 439
    )
}

/// Publishes a fresh snapshot of the process for /proc.
pub(crate) fn refresh(cx: &mut Cx<'_>) {
    let snap = snapshot(cx);
    cx.st.files.proc.publish(snap);
}

/// Describes what an open file is, as `/proc/<pid>/fd/N` names it.
fn fd_target(cx: &Cx<'_>, file: &alloc::sync::Arc<dyn crate::fd::FileOps>) -> String {
    let Ok(meta) = file.fstat() else {
        return String::from("anon_inode:[unknown]");
    };
    if let Some(loc) = file.loc().filter(|l| l.metadata().is_dir()) {
        if let Ok(p) = cx.st.files.vfs.path_of(&loc) {
            return String::from_utf8_lossy(&p).into_owned();
        }
    }
    match meta.file_type {
        FileType::Fifo => format!("pipe:[{}]", meta.ino),
        FileType::Socket => format!("socket:[{}]", meta.ino),
        FileType::CharDevice => match (meta.rdev.major, meta.rdev.minor) {
            (1, 3) => String::from("/dev/null"),
            (1, 5) => String::from("/dev/zero"),
            (1, 7) => String::from("/dev/full"),
            (1, 8) => String::from("/dev/random"),
            (1, 9) => String::from("/dev/urandom"),
            (5, 0) => String::from("/dev/tty"),
            (5, 1) => String::from("/dev/console"),
            _ => String::from("anon_inode:[eventfd]"),
        },
        // Regular files: the open path is not kept (a known gap).
        _ => format!("anon_inode:[file {}]", meta.ino),
    }
}

/// Copies the process state /proc shows into a snapshot.
pub(crate) fn snapshot(cx: &Cx<'_>) -> ProcSnapshot {
    let st = &*cx.st;
    let comm_len = st
        .prctl
        .comm
        .iter()
        .position(|b| *b == 0)
        .unwrap_or(st.prctl.comm.len());
    let mut args = alloc::vec![st.program_name.clone()];
    args.extend(st.args.iter().cloned());
    let maps = st
        .mm
        .vmas()
        .filter(|(_, v)| v.kind != VmaKind::StackGuard)
        .map(|(start, v)| {
            let (kind, name) = match v.kind {
                VmaKind::Program if v.prot.exec => (MapKind::Text, st.program_name.clone()),
                VmaKind::Program => (MapKind::Data, st.program_name.clone()),
                VmaKind::Heap => (MapKind::Data, String::from("[heap]")),
                VmaKind::Stack => (MapKind::Stack, String::from("[stack]")),
                VmaKind::File(_) => (MapKind::File, String::new()),
                _ => (MapKind::Data, String::new()),
            };
            let (shared, offset, dev, ino) = match v.kind {
                VmaKind::File(fm) => {
                    let meta = st.mm.mapped_file(&fm).and_then(|f| f.fstat().ok());
                    let (dev, ino) =
                        meta.map_or(((0, 0), 0), |m| ((m.dev.major, m.dev.minor), m.ino));
                    (fm.shared, fm.offset, dev, ino)
                }
                _ => (false, 0, (0, 0), 0),
            };
            MapEntry {
                start,
                end: v.end,
                prot: v.prot,
                shared,
                offset,
                dev,
                ino,
                name,
                kind,
            }
        })
        .collect();
    let fds = st
        .fds
        .fds()
        .into_iter()
        .filter_map(|fd| {
            let file = st.fds.get(fd).ok()?;
            Some((fd.get(), fd_target(cx, &file)))
        })
        .collect();
    let fd_size = u32::try_from(st.fds.limit()).unwrap_or(u32::MAX).max(64);
    let limits: Vec<LimitEntry> = st
        .rlimits
        .0
        .iter()
        .map(|l| LimitEntry {
            soft: l.cur,
            hard: l.max,
        })
        .collect();
    let id = &st.id;
    ProcSnapshot {
        pid: 1,
        tids: st.threads.keys().copied().collect(),
        comm: String::from_utf8_lossy(&st.prctl.comm[..comm_len]).into_owned(),
        exe: st.program_name.clone(),
        args,
        env: st.env.clone(),
        uids: [id.uid, id.euid, id.suid, id.fsuid],
        gids: [id.gid, id.egid, id.sgid, id.fsgid],
        groups: id.groups.clone(),
        umask: st.files.vfs.umask(),
        nice: st.nice,
        maps,
        rss_pages: st.mm.present_pages(),
        fds,
        fd_size,
        limits,
        sig_blocked: 0,
        sig_ignored: 0,
        sig_caught: 0,
        hostname: st.hostname.clone(),
        osrelease: String::from(crate::sys::uname::RELEASE),
        uptime_ns: cx.p.monotonic_ns(),
        realtime_ns: cx.p.realtime_ns(),
        mem_total: st.memory_bytes,
        mem_free: cx
            .p
            .free_memory()
            .unwrap_or(st.memory_bytes.saturating_sub(st.mm.present_pages() * 4096)),
        hwcap: cx.p.hwcap(),
    }
}
