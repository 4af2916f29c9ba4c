//! mmap(2), munmap(2), mremap(2), mprotect(2), brk(2), madvise(2), msync(2) and the
//! mlock(2) family: decode and validate
//! per the man pages, then delegate to `crate::mm` (which owns the address
//! space and the W^X policy). File mappings go to `Mm::mmap_file` (see
//! `mm_file` for what MAP_SHARED and PROT_EXEC do); /dev/zero maps as
//! anonymous memory, as on Linux.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::fd::Fd;
use crate::mm::{FileMapRequest, PAGE};
use crate::platform::Prot;
use crate::process::Cx;
use crate::vfs::types::{DevId, FileType};

/// asm-generic/mman-common.h and asm/mman.h (x86).
const PROT_READ: u32 = 0x1;
const PROT_WRITE: u32 = 0x2;
const PROT_EXEC: u32 = 0x4;
const PROT_SEM: u32 = 0x8;
const PROT_GROWSDOWN: u32 = 0x0100_0000;
const MAP_TYPE: u32 = 0x0f;
const MAP_SHARED: u32 = 0x01;
const MAP_PRIVATE: u32 = 0x02;
const MAP_SHARED_VALIDATE: u32 = 0x03;
const MAP_FIXED: u32 = 0x10;
const MAP_ANONYMOUS: u32 = 0x20;
const MAP_HUGETLB: u32 = 0x4_0000;
const MAP_FIXED_NOREPLACE: u32 = 0x10_0000;
const MADV_DONTNEED: i32 = 4;
const MADV_REMOVE: i32 = 9;

/// Decodes a `prot` argument. PROT_SEM and PROT_GROWSDOWN are accepted and
/// ignored (no semaphores in special memory; the stack does not grow).
///
/// # Errors
/// `EINVAL` for unknown bits (including PROT_GROWSUP, absent on x86).
fn prot_from(bits: u32) -> SysResult<Prot> {
    if bits & !(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN) != 0 {
        bail!(EINVAL, "unknown prot bits");
    }
    Ok(Prot {
        read: bits & PROT_READ != 0,
        write: bits & PROT_WRITE != 0,
        exec: bits & PROT_EXEC != 0,
    })
}

/// mmap(addr, length, prot, flags, fd, offset).
pub(crate) fn sys_mmap(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (addr, len, prot, flags, fd, off) =
        (a.raw(0), a.raw(1), a.uint(2), a.uint(3), a.int(4), a.raw(5));
    let prot = prot_from(prot)?;
    if !matches!(
        flags & MAP_TYPE,
        MAP_SHARED | MAP_PRIVATE | MAP_SHARED_VALIDATE
    ) {
        bail!(EINVAL, "neither MAP_PRIVATE nor MAP_SHARED");
    }
    if !off.is_multiple_of(PAGE) {
        bail!(EINVAL, "offset not page-aligned");
    }
    if len == 0 {
        bail!(EINVAL, "zero length");
    }
    if flags & MAP_HUGETLB != 0 {
        bail!(EINVAL, "MAP_HUGETLB: no huge pages");
    }
    let fixed = flags & MAP_FIXED != 0;
    let noreplace = flags & MAP_FIXED_NOREPLACE != 0;
    if flags & MAP_ANONYMOUS == 0 {
        let file = cx.st.fds.get(Fd::try_from(i64::from(fd))?)?;
        let meta = file.fstat()?;
        match meta.file_type {
            // zero(4): "mmap ... of /dev/zero is equivalent to anonymous memory".
            FileType::CharDevice if meta.rdev == DevId::new(1, 5) => {}
            FileType::Regular => {
                let req = FileMapRequest {
                    addr,
                    len,
                    prot,
                    offset: off,
                    shared: flags & MAP_TYPE != MAP_PRIVATE,
                    fixed,
                    noreplace,
                };
                return cx.st.mm.mmap_file(cx.p, file, req);
            }
            FileType::Directory | FileType::CharDevice | FileType::BlockDevice => {
                bail!(ENODEV, "this file cannot be mapped")
            }
            _ => bail!(EACCES, "not a regular file"),
        }
    }
    cx.st.mm.mmap_anon(cx.p, addr, len, prot, fixed, noreplace)
}

/// munmap(addr, length).
pub(crate) fn sys_munmap(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    cx.st.mm.munmap(cx.p, a.raw(0), a.raw(1))?;
    Ok(0)
}

/// mprotect(addr, len, prot).
pub(crate) fn sys_mprotect(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let prot = prot_from(a.uint(2))?;
    cx.st.mm.mprotect(cx.p, a.raw(0), a.raw(1), prot)?;
    Ok(0)
}

/// brk(addr): the raw syscall returns the (new or unchanged) break.
pub(crate) fn sys_brk(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    Ok(cx.st.mm.brk(cx.p, a.raw(0)))
}

/// madvise(addr, length, advice): MADV_DONTNEED discards pages; the other
/// advice values Linux knows are hints and accepted as no-ops.
pub(crate) fn sys_madvise(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (addr, len, advice) = (a.raw(0), a.raw(1), a.int(2));
    if !addr.is_multiple_of(PAGE) {
        bail!(EINVAL, "address not page-aligned");
    }
    match advice {
        MADV_DONTNEED => cx.st.mm.dontneed(cx.p, addr, len)?,
        MADV_REMOVE => bail!(EINVAL, "MADV_REMOVE needs shared file memory"),
        // NORMAL, RANDOM, SEQUENTIAL, WILLNEED, FREE, DONTFORK..COLLAPSE.
        0..=3 | 8 | 10..=25 => {}
        _ => bail!(EINVAL, "unknown advice"),
    }
    Ok(0)
}

const MS_ASYNC: i32 = 1;
const MS_INVALIDATE: i32 = 2;
const MS_SYNC: i32 = 4;
const MCL_CURRENT: i32 = 1;
const MCL_FUTURE: i32 = 2;
const MCL_ONFAULT: i32 = 4;
const MLOCK_ONFAULT: u32 = 1;

/// msync(addr, length, flags): shared mappings map the file's own pages
/// and private ones never write back, so msync only validates (ENOMEM for
/// unmapped).
pub(crate) fn sys_msync(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (addr, flags) = (a.raw(0), a.int(2));
    if !addr.is_multiple_of(PAGE) {
        bail!(EINVAL, "address not page-aligned");
    }
    if flags & !(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0 {
        bail!(EINVAL, "unknown flags");
    }
    if flags & MS_ASYNC != 0 && flags & MS_SYNC != 0 {
        bail!(EINVAL, "MS_ASYNC with MS_SYNC");
    }
    cx.st.mm.msync_check(addr, a.raw(1))?;
    Ok(0)
}

/// mlock(addr, len), munlock(addr, len): there is no swap, every page stays
/// resident once touched, so locking is a no-op.
pub(crate) fn sys_mlock(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(0)
}

/// mlock2(addr, len, flags): as mlock; MLOCK_ONFAULT is the only flag.
pub(crate) fn sys_mlock2(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    if a.uint(2) & !MLOCK_ONFAULT != 0 {
        bail!(EINVAL, "unknown flags");
    }
    Ok(0)
}

/// mlockall(flags): a no-op (no swap) once the flags are valid.
pub(crate) fn sys_mlockall(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = a.int(0);
    if flags == 0 || flags & !(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0 || flags == MCL_ONFAULT
    {
        bail!(EINVAL, "flags must name MCL_CURRENT and/or MCL_FUTURE");
    }
    Ok(0)
}

/// munlockall(): a no-op.
pub(crate) fn sys_munlockall(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(0)
}

const MREMAP_MAYMOVE: u64 = 1;
const MREMAP_FIXED: u64 = 2;
const MREMAP_DONTUNMAP: u64 = 4;

/// mremap(old_address, old_size, new_size, flags, new_address). musl's
/// realloc uses it (MREMAP_MAYMOVE) for large allocations.
pub(crate) fn sys_mremap(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (old, old_len, new_len, flags, new_addr) =
        (a.raw(0), a.raw(1), a.raw(2), a.raw(3), a.raw(4));
    if flags & !(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) != 0 {
        bail!(EINVAL, "unknown flags");
    }
    if flags & MREMAP_DONTUNMAP != 0 {
        bail!(EINVAL, "MREMAP_DONTUNMAP is not supported");
    }
    let may_move = flags & MREMAP_MAYMOVE != 0;
    if flags & MREMAP_FIXED != 0 && !may_move {
        bail!(EINVAL, "MREMAP_FIXED without MREMAP_MAYMOVE");
    }
    let fixed = (flags & MREMAP_FIXED != 0).then_some(new_addr);
    cx.st
        .mm
        .mremap(cx.p, old, old_len, new_len, may_move, fixed)
}
