//! prlimit64(2), getrlimit(2), setrlimit(2): a table of the 16 resource
//! limits (asm-generic/resource.h) with Linux's defaults. Limits are stored
//! and reported; only RLIMIT_STACK describes a real limit yet (the fixed
//! 8 MiB stack). There are no permission checks (DESIGN.md decision 2), so
//! raising a hard limit succeeds.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::platform::UserAddr;
use crate::process::Cx;

/// RLIM_INFINITY.
pub const RLIM_INFINITY: u64 = u64::MAX;
/// RLIM_NLIMITS.
pub const RLIM_NLIMITS: usize = 16;
const RLIMIT_STACK: usize = 3;
const RLIMIT_CORE: usize = 4;
const RLIMIT_NOFILE: usize = 7;
const RLIMIT_MEMLOCK: usize = 8;
const RLIMIT_MSGQUEUE: usize = 12;
const RLIMIT_NICE: usize = 13;
const RLIMIT_RTPRIO: usize = 14;

/// One `struct rlimit { rlim_cur; rlim_max; }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rlimit {
    /// Soft limit.
    pub cur: u64,
    /// Hard limit.
    pub max: u64,
}

/// The process's resource limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rlimits(pub [Rlimit; RLIM_NLIMITS]);

impl Default for Rlimits {
    fn default() -> Self {
        let inf = Rlimit {
            cur: RLIM_INFINITY,
            max: RLIM_INFINITY,
        };
        let mut l = [inf; RLIM_NLIMITS];
        l[RLIMIT_STACK].cur = crate::mm::STACK_SIZE;
        l[RLIMIT_CORE].cur = 0;
        l[RLIMIT_NOFILE] = Rlimit {
            cur: 1024,
            max: 4096,
        };
        l[RLIMIT_MEMLOCK] = Rlimit {
            cur: 8 << 20,
            max: 8 << 20,
        };
        l[RLIMIT_MSGQUEUE] = Rlimit {
            cur: 819_200,
            max: 819_200,
        };
        l[RLIMIT_NICE] = Rlimit { cur: 0, max: 0 };
        l[RLIMIT_RTPRIO] = Rlimit { cur: 0, max: 0 };
        Rlimits(l)
    }
}

fn resource(raw: u32) -> SysResult<usize> {
    match usize::try_from(raw) {
        Ok(r) if r < RLIM_NLIMITS => Ok(r),
        _ => bail!(EINVAL, "unknown resource"),
    }
}

fn read_rlimit(cx: &mut Cx<'_>, src: UserAddr) -> SysResult<Rlimit> {
    let mut b = [0u8; 16];
    cx.copy_in(src, &mut b)?;
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    let cur = u64::from_le_bytes(w);
    w.copy_from_slice(&b[8..]);
    let max = u64::from_le_bytes(w);
    if cur > max {
        bail!(EINVAL, "rlim_cur above rlim_max");
    }
    Ok(Rlimit { cur, max })
}

fn write_rlimit(cx: &mut Cx<'_>, dst: UserAddr, l: Rlimit) -> SysResult<()> {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&l.cur.to_le_bytes());
    b[8..].copy_from_slice(&l.max.to_le_bytes());
    cx.copy_out(dst, &b)
}

/// Reads the new limit (if any) first, reports the old one, then sets.
fn prlimit(cx: &mut Cx<'_>, res: usize, new: UserAddr, old: UserAddr) -> SysResult<u64> {
    let new = if new.is_null() {
        None
    } else {
        Some(read_rlimit(cx, new)?)
    };
    let current = cx.st.rlimits.0[res];
    if !old.is_null() {
        write_rlimit(cx, old, current)?;
    }
    if let Some(n) = new {
        store(cx, res, n)?;
    }
    Ok(0)
}

/// Stores a new limit; RLIMIT_NOFILE also bounds the fd table (EPERM
/// above nr_open, setrlimit(2)).
fn store(cx: &mut Cx<'_>, res: usize, n: Rlimit) -> SysResult<()> {
    if res == RLIMIT_NOFILE {
        let cur = usize::try_from(n.cur).unwrap_or(usize::MAX);
        if n.max > crate::fd::NR_OPEN as u64 {
            bail!(EPERM, "RLIMIT_NOFILE above nr_open");
        }
        cx.st.fds.set_limit(cur.min(crate::fd::NR_OPEN))?;
    }
    cx.st.rlimits.0[res] = n;
    Ok(())
}

/// prlimit64(pid, resource, new, old).
pub(crate) fn sys_prlimit64(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (pid, res) = (a.int(0), resource(a.uint(1))?);
    if pid != 0 && pid != 1 {
        bail!(ESRCH, "only pid 0/1 exists");
    }
    prlimit(cx, res, a.addr(2), a.addr(3))
}

/// getrlimit(resource, rlim).
pub(crate) fn sys_getrlimit(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let res = resource(a.uint(0))?;
    let l = cx.st.rlimits.0[res];
    write_rlimit(cx, a.addr(1), l)?;
    Ok(0)
}

/// setrlimit(resource, rlim).
pub(crate) fn sys_setrlimit(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let res = resource(a.uint(0))?;
    let new = read_rlimit(cx, a.addr(1))?;
    store(cx, res, new)?;
    Ok(0)
}
