//! sysinfo(2). Total RAM is the memory the image was configured with
//! (`ImageConfig::memory_mib`; a `rumprun run -m` override is not visible
//! here yet), free RAM is that minus the program's present pages. No swap,
//! no load (the load averages are 0), one process.

use crate::args::Args;
use crate::errno::SysResult;
use crate::mm::PAGE;
use crate::process::Cx;

/// `sizeof(struct sysinfo)` on x86_64.
const SYSINFO_SIZE: usize = 112;

/// sysinfo(info).
pub(crate) fn sys_sysinfo(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let mut b = [0u8; SYSINFO_SIZE];
    let uptime = cx.p.monotonic_ns() / 1_000_000_000;
    let total = cx
        .st
        .mm
        .present_pages()
        .saturating_mul(PAGE)
        .max(cx.st.memory_bytes);
    let free = total.saturating_sub(cx.st.mm.present_pages().saturating_mul(PAGE));
    let mut put = |off: usize, v: u64| b[off..off + 8].copy_from_slice(&v.to_le_bytes());
    put(0, uptime);
    put(32, total); // totalram
    put(40, free); // freeram
    b[80..82].copy_from_slice(&1u16.to_le_bytes()); // procs
    b[104..108].copy_from_slice(&1u32.to_le_bytes()); // mem_unit
    cx.copy_out(a.addr(0), &b)?;
    Ok(0)
}
