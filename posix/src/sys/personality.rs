//! personality(2): the persona is stored and returned; only PER_LINUX (0)
//! behaviour exists, so flags such as ADDR_NO_RANDOMIZE change nothing.

use crate::args::Args;
use crate::errno::SysResult;
use crate::process::Cx;

/// personality(persona): 0xffffffff queries without changing.
pub(crate) fn sys_personality(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let persona = a.uint(0);
    let old = cx.st.personality;
    if persona != u32::MAX {
        cx.st.personality = persona;
    }
    Ok(u64::from(old))
}
