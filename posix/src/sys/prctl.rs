//! prctl(2): the per-process switches programs commonly flip (linux/prctl.h).
//! Names, dumpable, parent-death signal, no_new_privs, timer slack, child
//! subreaper and THP-disable are stored and reported back; they have no
//! further effect in a single-process unikernel. Other options are EINVAL,
//! which is what Linux says for options it does not know.

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;

/// `TASK_COMM_LEN`.
const COMM_LEN: usize = 16;
const PR_SET_PDEATHSIG: i32 = 1;
const PR_GET_PDEATHSIG: i32 = 2;
const PR_GET_DUMPABLE: i32 = 3;
const PR_SET_DUMPABLE: i32 = 4;
const PR_SET_NAME: i32 = 15;
const PR_GET_NAME: i32 = 16;
const PR_GET_SECCOMP: i32 = 21;
const PR_GET_TIMERSLACK: i32 = 30;
const PR_SET_TIMERSLACK: i32 = 29;
const PR_SET_CHILD_SUBREAPER: i32 = 36;
const PR_GET_CHILD_SUBREAPER: i32 = 37;
const PR_SET_NO_NEW_PRIVS: i32 = 38;
const PR_GET_NO_NEW_PRIVS: i32 = 39;
const PR_SET_THP_DISABLE: i32 = 41;
const PR_GET_THP_DISABLE: i32 = 42;
/// Linux's default timer slack (50 µs).
const DEFAULT_SLACK_NS: u64 = 50_000;

/// The prctl-visible process state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prctl {
    /// The thread name (`comm`), NUL-padded.
    pub comm: [u8; COMM_LEN],
    /// PR_SET_DUMPABLE value (0 or 1).
    pub dumpable: u64,
    /// Parent-death signal.
    pub pdeathsig: u64,
    /// PR_SET_NO_NEW_PRIVS (sticky once set).
    pub no_new_privs: bool,
    /// Timer slack in ns.
    pub timerslack: u64,
    /// PR_SET_CHILD_SUBREAPER.
    pub subreaper: bool,
    /// PR_SET_THP_DISABLE.
    pub thp_disable: bool,
}

impl Prctl {
    /// Returns the initial state; `comm` is the basename of the program
    /// path truncated to 15 bytes, as execve(2) sets it.
    pub fn new(program_name: &str) -> Prctl {
        let base = program_name.rsplit('/').next().unwrap_or(program_name);
        let mut comm = [0u8; COMM_LEN];
        let n = base.len().min(COMM_LEN - 1);
        comm[..n].copy_from_slice(&base.as_bytes()[..n]);
        Prctl {
            comm,
            dumpable: 1,
            pdeathsig: 0,
            no_new_privs: false,
            timerslack: DEFAULT_SLACK_NS,
            subreaper: false,
            thp_disable: false,
        }
    }
}

/// prctl(option, arg2, arg3, arg4, arg5).
pub(crate) fn sys_prctl(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (option, arg2) = (a.int(0), a.raw(1));
    let st = &mut cx.st.prctl;
    match option {
        PR_SET_NAME => {
            let mut name = [0u8; COMM_LEN];
            // Reads up to 16 bytes; a name without NUL is cut at 15.
            let s = crate::uaccess::read_cstr(cx.p, &mut cx.st.mm, a.addr(1), COMM_LEN - 1);
            let s = match s {
                Ok(s) => s,
                Err(e) if e.errno == crate::errno::Errno::ENAMETOOLONG => {
                    let mut b = [0u8; COMM_LEN - 1];
                    cx.copy_in(a.addr(1), &mut b)?;
                    b.to_vec()
                }
                Err(e) => return Err(e),
            };
            name[..s.len()].copy_from_slice(&s);
            cx.st.prctl.comm = name;
            Ok(0)
        }
        PR_GET_NAME => {
            let comm = st.comm;
            cx.copy_out(a.addr(1), &comm)?;
            Ok(0)
        }
        PR_SET_DUMPABLE => {
            if arg2 > 1 {
                bail!(EINVAL, "dumpable must be 0 or 1");
            }
            st.dumpable = arg2;
            Ok(0)
        }
        PR_GET_DUMPABLE => Ok(st.dumpable),
        PR_SET_PDEATHSIG => {
            if arg2 > 64 {
                bail!(EINVAL, "signal number out of range");
            }
            st.pdeathsig = arg2;
            Ok(0)
        }
        PR_GET_PDEATHSIG => {
            let sig = st.pdeathsig;
            cx.copy_out(a.addr(1), &crate::args::low_i32(sig).to_le_bytes())?;
            Ok(0)
        }
        PR_SET_NO_NEW_PRIVS => {
            if arg2 != 1 || a.raw(2) != 0 || a.raw(3) != 0 || a.raw(4) != 0 {
                bail!(EINVAL, "PR_SET_NO_NEW_PRIVS takes 1 and zeros");
            }
            st.no_new_privs = true;
            Ok(0)
        }
        PR_GET_NO_NEW_PRIVS => Ok(u64::from(st.no_new_privs)),
        // No seccomp filter is ever installed: mode 0 (SECCOMP_MODE_DISABLED).
        PR_GET_SECCOMP => Ok(0),
        PR_SET_TIMERSLACK => {
            st.timerslack = if arg2 == 0 { DEFAULT_SLACK_NS } else { arg2 };
            Ok(0)
        }
        PR_GET_TIMERSLACK => Ok(st.timerslack),
        PR_SET_CHILD_SUBREAPER => {
            st.subreaper = arg2 != 0;
            Ok(0)
        }
        PR_GET_CHILD_SUBREAPER => {
            let v = i32::from(st.subreaper);
            cx.copy_out(a.addr(1), &v.to_le_bytes())?;
            Ok(0)
        }
        PR_SET_THP_DISABLE => {
            st.thp_disable = arg2 != 0;
            Ok(0)
        }
        PR_GET_THP_DISABLE => Ok(u64::from(st.thp_disable)),
        _ => bail!(EINVAL, "prctl option not supported"),
    }
}
