//! Copy-in/copy-out of program memory: the only code that touches program
//! pointers (STYLE.md "small modules own invariants"). Each copy goes
//! through `Platform::copy_{from,to}_user`; a reported [`Fault`] is offered
//! to [`Mm::fault_in`] (demand paging) and the copy retried, otherwise the
//! call fails with `EFAULT`. Also reads C strings and NULL-terminated string
//! arrays with limits. Neighbours: `mm` (faults), handlers in `sys/`.

use alloc::vec::Vec;

use crate::errno::SysResult;
use crate::mm::{page_down, Mm, PAGE, USER_END};
use crate::platform::{Fault, Platform, UserAddr};
use crate::{bail, err};

/// Checks that `[addr, addr+len)` lies below the end of user space and
/// returns its end.
fn user_range(addr: UserAddr, len: usize) -> SysResult<u64> {
    let len = u64::try_from(len).map_err(|_| err!(EFAULT, "length overflows"))?;
    match addr.0.checked_add(len) {
        Some(end) if end <= USER_END => Ok(end),
        _ => bail!(EFAULT, "range beyond user space"),
    }
}

/// Runs `op` until it succeeds, paging in each faulting page of the range.
fn retry(
    p: &dyn Platform,
    mm: &mut Mm,
    addr: UserAddr,
    len: usize,
    write: bool,
    mut op: impl FnMut(&dyn Platform) -> Result<(), Fault>,
) -> SysResult<()> {
    if len == 0 {
        return Ok(());
    }
    let end = user_range(addr, len)?;
    // Each retry maps one page, so the page count bounds the loop.
    let pages = (end - 1 - page_down(addr.0)) / PAGE + 1;
    for _ in 0..=pages {
        match op(p) {
            Ok(()) => return Ok(()),
            Err(f) => {
                if f.addr.0 < addr.0 || f.addr.0 >= end {
                    bail!(EFAULT, "platform fault outside the copied range");
                }
                mm.fault_in(p, f.addr.0, write, false)
                    .map_err(|_| err!(EFAULT, "bad user address"))?;
            }
        }
    }
    bail!(EFAULT, "fault not resolved")
}

/// Copies `dst.len()` bytes from the program at `src`.
///
/// # Errors
/// `EFAULT` if any byte is not readable.
pub fn copy_in(p: &dyn Platform, mm: &mut Mm, src: UserAddr, dst: &mut [u8]) -> SysResult<()> {
    let len = dst.len();
    retry(p, mm, src, len, false, |p| p.copy_from_user(src, dst))
}

/// Copies `src` to the program at `dst`.
///
/// # Errors
/// `EFAULT` if any byte is not writable.
pub fn copy_out(p: &dyn Platform, mm: &mut Mm, dst: UserAddr, src: &[u8]) -> SysResult<()> {
    retry(p, mm, dst, src.len(), true, |p| p.copy_to_user(dst, src))
}

/// Reads a little-endian `u64` from the program.
///
/// # Errors
/// `EFAULT`.
pub fn read_u64(p: &dyn Platform, mm: &mut Mm, src: UserAddr) -> SysResult<u64> {
    let mut b = [0u8; 8];
    copy_in(p, mm, src, &mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// Writes a little-endian `u64` to the program.
///
/// # Errors
/// `EFAULT`.
pub fn write_u64(p: &dyn Platform, mm: &mut Mm, dst: UserAddr, v: u64) -> SysResult<()> {
    copy_out(p, mm, dst, &v.to_le_bytes())
}

/// Reads a NUL-terminated string of at most `max` bytes (NUL excluded),
/// page by page so that a string ending before an unmapped page is fine.
///
/// # Errors
/// `EFAULT`; `ENAMETOOLONG` if no NUL within `max` bytes (the caller maps
/// it to the errno its call documents, e.g. `E2BIG` for execve).
pub fn read_cstr(p: &dyn Platform, mm: &mut Mm, src: UserAddr, max: usize) -> SysResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = src;
    loop {
        let to_page_end = PAGE - (cur.0 % PAGE);
        let room = max.saturating_add(1).saturating_sub(out.len());
        let chunk = usize::try_from(to_page_end).unwrap_or(usize::MAX).min(room);
        if chunk == 0 {
            bail!(ENAMETOOLONG, "string longer than the limit");
        }
        let mut buf = [0u8; PAGE as usize];
        let part = &mut buf[..chunk];
        copy_in(p, mm, cur, part)?;
        if let Some(nul) = part.iter().position(|b| *b == 0) {
            out.extend_from_slice(&part[..nul]);
            return Ok(out);
        }
        out.extend_from_slice(part);
        if out.len() > max {
            bail!(ENAMETOOLONG, "string longer than the limit");
        }
        cur = cur
            .checked_add(crate::args::ret_usize(chunk))
            .ok_or(err!(EFAULT, "string runs off the address space"))?;
    }
}

/// Reads a NULL-terminated array of string pointers (argv/envp style): at
/// most `max_count` entries and `max_total` bytes of strings.
///
/// # Errors
/// `EFAULT`; `E2BIG` past either limit.
pub fn read_cstr_array(
    p: &dyn Platform,
    mm: &mut Mm,
    src: UserAddr,
    max_count: usize,
    max_total: usize,
) -> SysResult<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut total = 0usize;
    let mut slot = src;
    loop {
        let ptr = read_u64(p, mm, slot)?;
        if ptr == 0 {
            return Ok(out);
        }
        if out.len() >= max_count {
            bail!(E2BIG, "too many strings");
        }
        let s = read_cstr(p, mm, UserAddr(ptr), max_total - total).map_err(|e| {
            if e.errno == crate::errno::Errno::ENAMETOOLONG {
                err!(E2BIG, "strings too long")
            } else {
                e
            }
        })?;
        total += s.len() + 1;
        if total > max_total {
            bail!(E2BIG, "strings too long");
        }
        out.push(s);
        slot = slot
            .checked_add(8)
            .ok_or(err!(EFAULT, "array runs off the address space"))?;
    }
}
