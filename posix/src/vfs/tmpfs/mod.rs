//! tmpfs: a writable in-memory filesystem (tmpfs(5)) for /tmp, /dev/shm
//! and any other mount point. Files are sparse page maps (`pages`),
//! directories are name maps with a parent link, symlinks hold their
//! target. One namespace lock per filesystem serialises create, link,
//! unlink, rmdir and rename (like Linux's `s_vfs_rename_mutex`), so node
//! locks are only ever taken one at a time, or two directories in address
//! order. Timestamps come from the [`Clock`] given at creation; reads do
//! not update atime (as with a `noatime` mount).

mod node;
mod pages;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};

use spin::Mutex;

use super::inode::Inode;
use super::types::{Clock, DevId};

pub use pages::{MAX_FILE_SIZE, PAGE};

/// How to build a tmpfs.
#[derive(Clone)]
pub struct TmpfsConfig {
    /// Device number reported as `st_dev`; distinct per mount.
    pub dev: DevId,
    /// Owner of the root and of every new inode (the one identity).
    pub uid: u32,
    /// Group of the root and of every new inode.
    pub gid: u32,
    /// Permission bits of the root (1777 for /tmp).
    pub root_perm: u32,
    /// Size limit in bytes; writes past it fail with ENOSPC (tmpfs(5),
    /// `size=`). Bounds the kernel heap the program can consume.
    pub max_bytes: u64,
    /// Where timestamps come from.
    pub clock: Arc<dyn Clock>,
}

/// State shared by every inode of one tmpfs.
pub(crate) struct FsShared {
    pub(crate) dev: DevId,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    pub(crate) clock: Arc<dyn Clock>,
    next_ino: AtomicU64,
    used_pages: AtomicU64,
    max_pages: u64,
    /// Serialises namespace changes (see the module comment).
    pub(crate) namespace: Mutex<()>,
}

impl FsShared {
    fn alloc_ino(&self) -> u64 {
        self.next_ino.fetch_add(1, Ordering::Relaxed)
    }

    /// Reserves one page of the size limit; false when full.
    fn reserve_page(&self) -> bool {
        self.used_pages
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                (u < self.max_pages).then_some(u + 1)
            })
            .is_ok()
    }

    fn release_pages(&self, n: u64) {
        self.used_pages.fetch_sub(n, Ordering::Relaxed);
    }
}

/// Creates a tmpfs and returns its root directory.
pub fn new_tmpfs(config: TmpfsConfig) -> Arc<dyn Inode> {
    let fs = Arc::new(FsShared {
        dev: config.dev,
        uid: config.uid,
        gid: config.gid,
        clock: config.clock,
        // Inode 1 is unused on Linux filesystems; the root is 2 as on ext4.
        next_ino: AtomicU64::new(3),
        used_pages: AtomicU64::new(0),
        max_pages: config.max_bytes / PAGE,
        namespace: Mutex::new(()),
    });
    node::TmpNode::new_root(fs, config.root_perm)
}

#[cfg(test)]
mod tests;
