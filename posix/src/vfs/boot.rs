//! Builds the namespace a program starts with: the image's read-only root
//! (plus generated /etc and the mount-point directories it lacks), /dev,
//! tmpfs on /tmp and /dev/shm. The kernel calls [`assemble`] once at boot
//! with adapters over its platform.

use alloc::sync::Arc;

use rumprun_config::rootfs::RootFsError;

use super::devfs::{new_devfs, ConsoleSink, RandomSource};
use super::etc::{add_generated, EtcConfig};
use super::mount::Vfs;
use super::rootfs::{RoKind, RoTree};
use super::tmpfs::{new_tmpfs, TmpfsConfig};
use super::types::{Clock, DevId};

/// Device numbers of the boot filesystems (anonymous major 0, as Linux
/// gives tmpfs and devtmpfs).
pub mod devs {
    use super::DevId;
    /// The read-only root.
    pub const ROOT: DevId = DevId::new(0, 1);
    /// /dev.
    pub const DEV: DevId = DevId::new(0, 2);
    /// /tmp.
    pub const TMP: DevId = DevId::new(0, 3);
    /// /dev/shm.
    pub const SHM: DevId = DevId::new(0, 4);
}

/// Everything the boot namespace is made from.
pub struct BootFs {
    /// The image's rootfs archive, if it has one (kept mapped forever).
    pub archive: Option<&'static [u8]>,
    /// Identity and names for the generated /etc.
    pub etc: EtcConfig,
    /// Wall clock for tmpfs timestamps.
    pub clock: Arc<dyn Clock>,
    /// Bytes for /dev/random and /dev/urandom.
    pub random: Arc<dyn RandomSource>,
    /// Output of /dev/console and /dev/tty.
    pub console: Arc<dyn ConsoleSink>,
    /// Size limit of /tmp (and of /dev/shm) in bytes.
    pub tmp_max_bytes: u64,
}

/// Builds the boot namespace.
///
/// # Errors
/// The archive's validation error; a corrupt image stops the boot with it.
pub fn assemble(boot: BootFs) -> Result<Vfs, RootFsError> {
    let mut tree = match boot.archive {
        Some(bytes) => RoTree::from_archive(bytes)?,
        None => RoTree::new(),
    };
    for dir in ["/dev", "/proc", "/tmp", "/etc"] {
        tree.add(dir, RoKind::Dir, 0o755, 0);
    }
    add_generated(&mut tree, &boot.etc);
    let (uid, gid) = (boot.etc.uid, boot.etc.gid);
    let vfs = Vfs::new(tree.into_root(devs::ROOT, uid, gid));
    let root = vfs.root();
    let tmp = |dev| {
        new_tmpfs(TmpfsConfig {
            dev,
            uid,
            gid,
            root_perm: 0o1777,
            max_bytes: boot.tmp_max_bytes,
            clock: boot.clock.clone(),
        })
    };
    // The mount points were just ensured, so these cannot fail; a failure
    // would still only leave the directory unmounted.
    let dev = new_devfs(
        devs::DEV,
        uid,
        gid,
        boot.random.clone(),
        boot.console.clone(),
    );
    let _ = vfs.mount(&root, b"/dev", dev);
    let _ = vfs.mount(&root, b"/dev/shm", tmp(devs::SHM));
    let _ = vfs.mount(&root, b"/tmp", tmp(devs::TMP));
    Ok(vfs)
}
