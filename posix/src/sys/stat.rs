//! stat(2), lstat(2), fstat(2), newfstatat(2), statx(2), statfs(2),
//! fstatfs(2): metadata from the VFS (or the open file), encoded by
//! `vfs::stat` in the x86_64 uapi layouts. statfs describes each of the
//! boot filesystems with its Linux magic number (statfs(2), "f_type").

use alloc::sync::Arc;

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::fd::FileOps;
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::sys::at::{file_arg, path_cwd};
use crate::vfs::boot::devs;
use crate::vfs::flags::AtFlags;
use crate::vfs::stat::{encode_stat, encode_statx};
use crate::vfs::types::Metadata;
use crate::vfs::Loc;

/// `AT_STATX_SYNC_TYPE` bits statx accepts and ignores.
const AT_STATX_SYNC_TYPE: u32 = 0x6000;

fn put_stat(cx: &mut Cx<'_>, buf: UserAddr, m: &Metadata) -> SysResult<u64> {
    cx.copy_out(buf, &encode_stat(m))?;
    Ok(0)
}

fn lookup(cx: &Cx<'_>, at: &Loc, path: &[u8], flags: AtFlags) -> SysResult<Loc> {
    cx.st.files.vfs.lookup(at, path, flags)
}

/// stat(pathname, statbuf).
pub(crate) fn sys_stat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let m = lookup(cx, &at, &path, AtFlags::default())?.metadata();
    put_stat(cx, a.addr(1), &m)
}

/// lstat(pathname, statbuf).
pub(crate) fn sys_lstat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let flags = AtFlags::parse(AtFlags::SYMLINK_NOFOLLOW, AtFlags::SYMLINK_NOFOLLOW)?;
    let m = lookup(cx, &at, &path, flags)?.metadata();
    put_stat(cx, a.addr(1), &m)
}

/// fstat(fd, statbuf).
pub(crate) fn sys_fstat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let m = f.fstat()?;
    put_stat(cx, a.addr(1), &m)
}

/// Resolves `(dirfd, path, flags)` of newfstatat/statx to metadata and,
/// where the object is in the namespace, its location. An empty path with
/// AT_EMPTY_PATH stats the dirfd itself, even a pipe.
fn stat_at(cx: &mut Cx<'_>, a: &Args, flags: AtFlags) -> SysResult<(Metadata, Option<Loc>)> {
    let path = crate::sys::at::read_path(cx, a.addr(1))?;
    if path.is_empty() && flags.empty_path() && a.int(0) != crate::sys::at::AT_FDCWD {
        let f: Arc<dyn FileOps> = file_arg(cx, a, 0)?;
        return Ok((f.fstat()?, f.loc()));
    }
    let at = crate::sys::at::start(cx, a.int(0), &path, flags)?;
    let loc = lookup(cx, &at, &path, flags)?;
    Ok((loc.metadata(), Some(loc)))
}

/// newfstatat(dirfd, pathname, statbuf, flags).
pub(crate) fn sys_newfstatat(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let allowed = AtFlags::SYMLINK_NOFOLLOW | AtFlags::EMPTY_PATH | AtFlags::NO_AUTOMOUNT;
    let flags = AtFlags::parse(a.uint(3), allowed)?;
    let (m, _) = stat_at(cx, a, flags)?;
    put_stat(cx, a.addr(2), &m)
}

/// statx(dirfd, pathname, flags, mask, statxbuf).
pub(crate) fn sys_statx(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let raw = a.uint(2);
    if raw & AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE {
        bail!(EINVAL, "AT_STATX_FORCE_SYNC with AT_STATX_DONT_SYNC");
    }
    let allowed = AtFlags::SYMLINK_NOFOLLOW | AtFlags::EMPTY_PATH | AtFlags::NO_AUTOMOUNT;
    let flags = AtFlags::parse(raw & !AT_STATX_SYNC_TYPE, allowed)?;
    // statx(2): "STATX__RESERVED ... EINVAL".
    if a.uint(3) & 0x8000_0000 != 0 {
        bail!(EINVAL, "STATX__RESERVED in mask");
    }
    let (m, loc) = stat_at(cx, a, flags)?;
    let mnt = loc.map_or(0, |l| cx.st.files.vfs.mount_id(&l));
    cx.copy_out(a.addr(4), &encode_statx(&m, mnt))?;
    Ok(0)
}

/// Size of x86_64 `struct statfs` (asm-generic/statfs.h, 64-bit longs).
const STATFS_SIZE: usize = 120;

/// Encodes `struct statfs` for the filesystem holding `m`: f_type,
/// f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_fsid,
/// f_namelen, f_frsize, f_flags, f_spare[4], each 8 bytes.
fn encode_statfs(m: &Metadata, tmp_bytes: u64) -> [u8; STATFS_SIZE] {
    // Magic numbers from include/uapi/linux/magic.h.
    const TMPFS_MAGIC: u64 = 0x0102_1994;
    const ROMFS_MAGIC: u64 = 0x7275;
    const PROC_SUPER_MAGIC: u64 = 0x9fa0;
    const ST_RDONLY: u64 = 1;
    let (ftype, blocks, flags) = if m.dev == devs::ROOT {
        (ROMFS_MAGIC, 0, ST_RDONLY)
    } else if m.dev == devs::TMP || m.dev == devs::SHM {
        (TMPFS_MAGIC, tmp_bytes / 4096, 0)
    } else if m.dev == devs::DEV {
        (TMPFS_MAGIC, 0, 0)
    } else {
        (PROC_SUPER_MAGIC, 0, 0)
    };
    let dev = m.dev.encode();
    let fsid = (dev & 0xffff_ffff) | ((dev >> 32) << 32);
    let vals = [
        ftype,
        4096,
        blocks,
        blocks,
        blocks,
        1 << 20,
        1 << 20,
        fsid,
        255,
        4096,
        flags,
        0,
        0,
        0,
        0,
    ];
    let mut b = [0u8; STATFS_SIZE];
    for (i, v) in vals.iter().enumerate() {
        b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    b
}

fn put_statfs(cx: &mut Cx<'_>, buf: UserAddr, m: &Metadata) -> SysResult<u64> {
    let tmp = (cx.st.memory_bytes / 2).max(16 << 20);
    cx.copy_out(buf, &encode_statfs(m, tmp))?;
    Ok(0)
}

/// statfs(path, buf).
pub(crate) fn sys_statfs(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (at, path) = path_cwd(cx, a, 0)?;
    let m = lookup(cx, &at, &path, AtFlags::default())?.metadata();
    put_statfs(cx, a.addr(1), &m)
}

/// fstatfs(fd, buf).
pub(crate) fn sys_fstatfs(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = file_arg(cx, a, 0)?;
    let m = f.fstat()?;
    put_statfs(cx, a.addr(1), &m)
}
