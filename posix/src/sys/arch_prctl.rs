//! arch_prctl(2): the FS base musl uses as its thread pointer. GS is the
//! kernel's (swapgs), so ARCH_SET_GS/ARCH_GET_GS and the CPUID/shadow-stack
//! codes are EINVAL.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::mm::USER_END;
use crate::process::Cx;

/// asm/prctl.h.
const ARCH_SET_FS: i32 = 0x1002;
const ARCH_GET_FS: i32 = 0x1003;

/// arch_prctl(code, addr).
pub(crate) fn sys_arch_prctl(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (code, addr) = (a.int(0), a.addr(1));
    match code {
        ARCH_SET_FS => {
            // Linux (do_arch_prctl_64): EPERM for a base at or above TASK_SIZE.
            if addr.0 >= USER_END {
                bail!(EPERM, "FS base outside user space");
            }
            cx.p.set_fs_base(addr.0);
            Ok(0)
        }
        ARCH_GET_FS => {
            let base = cx.p.fs_base();
            cx.write_u64(addr, base)?;
            Ok(0)
        }
        _ => bail!(EINVAL, "only ARCH_SET_FS and ARCH_GET_FS"),
    }
}
