//! sched_yield(2), sched_getaffinity(2): one CPU (CPU 0) in this milestone.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

/// Bytes of the kernel's cpumask (`cpumask_size()`: one long).
const CPUMASK_BYTES: usize = 8;

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

const SCHED_OTHER: i32 = 0;
const SCHED_FIFO: i32 = 1;
const SCHED_RR: i32 = 2;
const SCHED_BATCH: i32 = 3;
const SCHED_IDLE: i32 = 5;
const SCHED_DEADLINE: i32 = 6;

/// sched_get_priority_max(policy): 99 for the real-time policies, else 0.
pub(crate) fn sys_sched_get_priority_max(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    match a.int(0) {
        SCHED_FIFO | SCHED_RR => Ok(99),
        SCHED_OTHER | SCHED_BATCH | SCHED_IDLE | SCHED_DEADLINE => Ok(0),
        _ => bail!(EINVAL, "unknown policy"),
    }
}

/// sched_get_priority_min(policy): 1 for the real-time policies, else 0.
pub(crate) fn sys_sched_get_priority_min(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    match a.int(0) {
        SCHED_FIFO | SCHED_RR => Ok(1),
        SCHED_OTHER | SCHED_BATCH | SCHED_IDLE | SCHED_DEADLINE => Ok(0),
        _ => bail!(EINVAL, "unknown policy"),
    }
}

/// sched_getscheduler(pid): always SCHED_OTHER.
pub(crate) fn sys_sched_getscheduler(_cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    check_pid(a.int(0))?;
    Ok(0)
}

/// sched_getparam(pid, param): priority 0 (SCHED_OTHER).
pub(crate) fn sys_sched_getparam(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    check_pid(a.int(0))?;
    cx.copy_out(a.addr(1), &0i32.to_le_bytes())?;
    Ok(0)
}

/// sched_setaffinity(pid, cpusetsize, mask): accepted when CPU 0 is in the
/// mask (the only CPU), EINVAL otherwise, as Linux says for a mask with no
/// online CPU.
pub(crate) fn sys_sched_setaffinity(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (pid, len, mask) = (a.int(0), a.len(1), a.addr(2));
    check_pid(pid)?;
    if len == 0 {
        bail!(EINVAL, "empty mask");
    }
    let mut first = [0u8; 1];
    cx.copy_in(mask, &mut first)?;
    if first[0] & 1 == 0 {
        bail!(EINVAL, "the mask names no online CPU (only CPU 0 exists)");
    }
    Ok(0)
}

/// getcpu(cpu, node, tcache): CPU 0 on node 0; each pointer may be NULL.
pub(crate) fn sys_getcpu(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    for i in 0..2 {
        if !a.addr(i).is_null() {
            cx.copy_out(a.addr(i), &0u32.to_le_bytes())?;
        }
    }
    Ok(0)
}

fn check_pid(pid: i32) -> SysResult<()> {
    if pid < 0 {
        bail!(EINVAL, "negative pid");
    }
    if pid > 1 {
        bail!(ESRCH, "only pid 1 exists");
    }
    Ok(())
}
