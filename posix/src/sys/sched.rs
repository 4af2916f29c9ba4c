//! sched_yield(2), sched_getaffinity(2): one CPU (CPU 0) in this milestone.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

/// Bytes of the kernel's cpumask (`cpumask_size()`: one long).
const CPUMASK_BYTES: usize = 8;

/// sched_yield(): nothing else to run yet.
pub(crate) fn sys_sched_yield(_cx: &mut Cx<'_>, _a: &Args) -> SysResult<u64> {
    Ok(0)
}

/// sched_getaffinity(pid, cpusetsize, mask): returns the bytes written.
pub(crate) fn sys_sched_getaffinity(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (pid, len, mask) = (a.int(0), a.len(1), a.addr(2));
    if pid != 0 && pid != 1 {
        bail!(ESRCH, "only pid 0/1 exists");
    }
    // kernel/sched/core.c: len must hold nr_cpu_ids bits and be a multiple
    // of sizeof(unsigned long).
    if len < CPUMASK_BYTES || len % 8 != 0 {
        bail!(EINVAL, "cpusetsize too small or not a multiple of 8");
    }
    cx.copy_out(mask, &1u64.to_le_bytes())?;
    Ok(8)
}
