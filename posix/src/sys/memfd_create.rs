//! memfd_create(2): an anonymous tmpfs file (an O_TMPFILE in /dev/shm:
//! no name in any directory, freed on the last close).

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::process::Cx;
use crate::sys::open::install;
use crate::uaccess;
use crate::vfs::flags::{o, Mode, OpenFlags};

/// linux/memfd.h.
const MFD_CLOEXEC: u32 = 1;
const MFD_ALLOW_SEALING: u32 = 2;
/// memfd_create(2): "The length of name ... must not exceed 249 bytes".
const NAME_MAX: usize = 249;

/// memfd_create(name, flags).
pub(crate) fn sys_memfd_create(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let flags = a.uint(1);
    if flags & !(MFD_CLOEXEC | MFD_ALLOW_SEALING) != 0 {
        bail!(EINVAL, "memfd flags (MFD_HUGETLB and others unsupported)");
    }
    match uaccess::read_cstr(cx.p, &mut cx.st.mm, a.addr(0), NAME_MAX) {
        Ok(_) => {}
        Err(e) if e.errno == crate::errno::Errno::ENAMETOOLONG => {
            bail!(EINVAL, "memfd name longer than 249 bytes")
        }
        Err(e) => return Err(e),
    }
    let open = OpenFlags::try_from(o::TMPFILE | o::DIRECTORY | o::RDWR | o::LARGEFILE)?;
    let root = cx.st.files.vfs.root();
    let file = cx
        .st
        .files
        .vfs
        .open(&root, b"/dev/shm", open, Mode::new(0o777))?;
    let cloexec = if flags & MFD_CLOEXEC != 0 {
        o::CLOEXEC
    } else {
        0
    };
    install(cx, file, cloexec)
}
