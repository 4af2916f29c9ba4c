//! The process's file state: the mounted namespace ([`Files::vfs`]), the
//! working directory and the [`Bridge`] that lets filesystems reach the
//! platform (console output, wall clock, randomness) without naming it.
//! The fd table itself is `State::fds`. Neighbours: `vfs::boot` builds the
//! namespace, `sys/*` (open, stat, ...) use it, `process` drains the
//! bridge's console output after every call.

mod bridge;

use alloc::sync::Arc;

use rumprun_config::rootfs::RootFsError;

pub use bridge::Bridge;

use crate::fd::{FdFlags, FdTable};
use crate::vfs::boot::{assemble, BootFs};
use crate::vfs::etc::EtcConfig;
use crate::vfs::flags::{o, Mode, OpenFlags};
use crate::vfs::{Loc, Vfs};

/// Size limit of /tmp and /dev/shm (each), like Linux's default of half
/// the RAM, taken from the configured memory size.
fn tmp_limit(memory_bytes: u64) -> u64 {
    (memory_bytes / 2).max(16 << 20)
}

/// The namespace, cwd and platform bridge of the process.
pub struct Files {
    /// The mounted namespace (and the umask).
    pub vfs: Vfs,
    /// The working directory.
    pub cwd: Loc,
    /// Console/clock/random adapters the filesystems hold.
    pub bridge: Arc<Bridge>,
    /// What /proc shows: the process publishes snapshots here.
    pub proc: Arc<crate::vfs::procfs::ProcCell>,
    /// The names AF_UNIX sockets are bound to (abstract names, socket
    /// inodes), kept across a rootfs rebuild.
    pub unix: crate::net::unix::Names,
    /// The port ids AF_NETLINK sockets are bound to.
    pub netlink: crate::net::netlink::Ports,
    etc: EtcConfig,
    tmp_max_bytes: u64,
}

impl core::fmt::Debug for Files {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Files").field("cwd", &self.cwd).finish()
    }
}

impl Files {
    /// Builds the boot namespace without an image rootfs (an empty
    /// read-only root with /dev, /tmp, /dev/shm and the generated /etc).
    pub fn new(etc: EtcConfig, memory_bytes: u64) -> Self {
        let bridge = Arc::new(Bridge::new());
        let tmp_max_bytes = tmp_limit(memory_bytes);
        let proc = Arc::new(crate::vfs::procfs::ProcCell::new());
        let vfs = build(None, &etc, &bridge, &proc, tmp_max_bytes)
            .expect("a namespace without an archive has nothing to validate");
        let cwd = vfs.root();
        Files {
            vfs,
            cwd,
            bridge,
            proc,
            unix: crate::net::unix::Names::default(),
            netlink: crate::net::netlink::Ports::default(),
            etc,
            tmp_max_bytes,
        }
    }

    /// Rebuilds the namespace over the image's rootfs archive; the cwd
    /// becomes `/`.
    ///
    /// # Errors
    /// The archive's validation error.
    pub fn set_rootfs(&mut self, archive: &'static [u8]) -> Result<(), RootFsError> {
        self.vfs = build(
            Some(archive),
            &self.etc,
            &self.bridge,
            &self.proc,
            self.tmp_max_bytes,
        )?;
        self.cwd = self.vfs.root();
        Ok(())
    }

    /// Opens fds 0, 1 and 2 on /dev/console (read-write, as a Linux
    /// console's stdio is), replacing whatever they held.
    pub fn open_stdio(&self, fds: &mut FdTable) {
        let flags = OpenFlags::try_from(o::RDWR).expect("O_RDWR is valid");
        let root = self.vfs.root();
        let Ok(console) = self.vfs.open(&root, b"/dev/console", flags, Mode::new(0)) else {
            return;
        };
        // Only called before the program runs: nothing else is open, so
        // the three inserts take 0, 1 and 2.
        let _ = fds.close_range(0, 2, 0);
        for _ in 0..3 {
            let _ = fds.insert(console.clone(), FdFlags::default());
        }
    }
}

fn build(
    archive: Option<&'static [u8]>,
    etc: &EtcConfig,
    bridge: &Arc<Bridge>,
    proc: &Arc<crate::vfs::procfs::ProcCell>,
    tmp_max_bytes: u64,
) -> Result<Vfs, RootFsError> {
    let vfs = assemble(BootFs {
        archive,
        etc: etc.clone(),
        clock: bridge.clone(),
        random: bridge.clone(),
        console: bridge.clone(),
        tmp_max_bytes,
    })?;
    // assemble made /proc; a failure would only leave it empty.
    let _ = crate::vfs::procfs::mount_boot(&vfs, proc.clone());
    Ok(vfs)
}

#[cfg(test)]
mod tests;
