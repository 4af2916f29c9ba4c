//! getuid(2), geteuid(2), getgid(2), getegid(2) and the set*id family,
//! getres*id, setfs*id, getgroups/setgroups: the one identity from the image
//! (uid/gid 0 unless it says otherwise). DESIGN.md decision 2: there are no
//! users and no permission checks, so every set*id succeeds as a privileged
//! caller's would and the get*id calls reflect it.

use crate::args::{ret_usize, Args};
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

/// getuid().
pub(crate) fn sys_getuid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.id.uid))
}

/// geteuid().
pub(crate) fn sys_geteuid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.id.euid))
}

/// getgid().
pub(crate) fn sys_getgid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.id.gid))
}

/// getegid().
pub(crate) fn sys_getegid(cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(u64::from(cx.st.id.egid))
}

/// `(uid_t)-1`: "leave unchanged" in setre*id/setres*id, invalid elsewhere.
const KEEP: u32 = u32::MAX;

fn valid(id: u32) -> SysResult<u32> {
    if id == KEEP {
        bail!(EINVAL, "id -1 is not a valid id");
    }
    Ok(id)
}

fn keep_or(new: u32, old: u32) -> u32 {
    if new == KEEP {
        old
    } else {
        new
    }
}

/// setuid(uid): as for a privileged caller, sets real, effective, saved
/// and filesystem uid (no permission checks exist, DESIGN.md decision 2).
pub(crate) fn sys_setuid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let uid = valid(a.uint(0))?;
    let id = &mut cx.st.id;
    (id.uid, id.euid, id.suid, id.fsuid) = (uid, uid, uid, uid);
    Ok(0)
}

/// setgid(gid): same rules as setuid.
pub(crate) fn sys_setgid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let gid = valid(a.uint(0))?;
    let id = &mut cx.st.id;
    (id.gid, id.egid, id.sgid, id.fsgid) = (gid, gid, gid, gid);
    Ok(0)
}

/// setreuid(ruid, euid): -1 keeps a value; the saved id follows the
/// effective one when the real id changes or the effective id differs from
/// the old real id (kernel/sys.c).
pub(crate) fn sys_setreuid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (r, e) = (a.uint(0), a.uint(1));
    let id = &mut cx.st.id;
    let old_r = id.uid;
    id.uid = keep_or(r, id.uid);
    id.euid = keep_or(e, id.euid);
    if r != KEEP || (e != KEEP && e != old_r) {
        id.suid = id.euid;
    }
    id.fsuid = id.euid;
    Ok(0)
}

/// setregid(rgid, egid): same rules as setreuid.
pub(crate) fn sys_setregid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (r, e) = (a.uint(0), a.uint(1));
    let id = &mut cx.st.id;
    let old_r = id.gid;
    id.gid = keep_or(r, id.gid);
    id.egid = keep_or(e, id.egid);
    if r != KEEP || (e != KEEP && e != old_r) {
        id.sgid = id.egid;
    }
    id.fsgid = id.egid;
    Ok(0)
}

/// setresuid(ruid, euid, suid): -1 keeps a value.
pub(crate) fn sys_setresuid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let id = &mut cx.st.id;
    id.uid = keep_or(a.uint(0), id.uid);
    id.euid = keep_or(a.uint(1), id.euid);
    id.suid = keep_or(a.uint(2), id.suid);
    id.fsuid = id.euid;
    Ok(0)
}

/// setresgid(rgid, egid, sgid): -1 keeps a value.
pub(crate) fn sys_setresgid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let id = &mut cx.st.id;
    id.gid = keep_or(a.uint(0), id.gid);
    id.egid = keep_or(a.uint(1), id.egid);
    id.sgid = keep_or(a.uint(2), id.sgid);
    id.fsgid = id.egid;
    Ok(0)
}

/// Writes three ids (real, effective, saved) to three user pointers.
fn put3(cx: &mut Cx<'_>, a: &Args, ids: [u32; 3]) -> SysResult<u64> {
    for (i, v) in ids.into_iter().enumerate() {
        cx.copy_out(a.addr(i), &v.to_le_bytes())?;
    }
    Ok(0)
}

/// getresuid(ruid, euid, suid).
pub(crate) fn sys_getresuid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let id = cx.st.id.clone();
    put3(cx, a, [id.uid, id.euid, id.suid])
}

/// getresgid(rgid, egid, sgid).
pub(crate) fn sys_getresgid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let id = cx.st.id.clone();
    put3(cx, a, [id.gid, id.egid, id.sgid])
}

/// setfsuid(fsuid): returns the previous fsuid; -1 only queries.
pub(crate) fn sys_setfsuid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let old = cx.st.id.fsuid;
    cx.st.id.fsuid = keep_or(a.uint(0), old);
    Ok(u64::from(old))
}

/// setfsgid(fsgid): returns the previous fsgid; -1 only queries.
pub(crate) fn sys_setfsgid(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let old = cx.st.id.fsgid;
    cx.st.id.fsgid = keep_or(a.uint(0), old);
    Ok(u64::from(old))
}

/// `NGROUPS_MAX`.
const NGROUPS_MAX: usize = 65536;

/// getgroups(size, list): size 0 asks for the count.
pub(crate) fn sys_getgroups(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (size, list) = (a.int(0), a.addr(1));
    let n = cx.st.id.groups.len();
    let Ok(size) = usize::try_from(size) else {
        bail!(EINVAL, "negative size");
    };
    if size == 0 {
        return Ok(ret_usize(n));
    }
    if size < n {
        bail!(EINVAL, "list smaller than the group count");
    }
    let bytes: alloc::vec::Vec<u8> = cx
        .st
        .id
        .groups
        .iter()
        .flat_map(|g| g.to_le_bytes())
        .collect();
    cx.copy_out(list, &bytes)?;
    Ok(ret_usize(n))
}

/// setgroups(size, list).
pub(crate) fn sys_setgroups(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (size, list) = (a.int(0), a.addr(1));
    let Some(n) = usize::try_from(size).ok().filter(|n| *n <= NGROUPS_MAX) else {
        bail!(EINVAL, "size negative or above NGROUPS_MAX");
    };
    let mut bytes = alloc::vec![0u8; n * 4];
    cx.copy_in(list, &mut bytes)?;
    let mut groups: alloc::vec::Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    // Linux keeps the list sorted (groups_sort) for lookups.
    groups.sort_unstable();
    cx.st.id.groups = groups;
    Ok(0)
}
