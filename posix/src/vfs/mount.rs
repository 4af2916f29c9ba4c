//! The mount table and the [`Vfs`] that owns it: which filesystem root
//! covers which directory, crossing into a mount on the way down and back
//! to the mount point on `..` (path_resolution(7), "Mount points"). Mount 0
//! is the root filesystem. The path walk is in `walk`, the system-call
//! façade in `ops`.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::AtomicU32;

use spin::RwLock;

use super::error::{err, Errno, SysResult};
use super::inode::{Inode, Loc};
use super::walk::Walk;

struct Mount {
    root: Arc<dyn Inode>,
    /// Where it is mounted: a directory in another mount (`None` for `/`).
    point: Option<Loc>,
}

/// The mounted namespace of the process, and the process umask.
pub struct Vfs {
    mounts: RwLock<Vec<Mount>>,
    pub(super) umask: AtomicU32,
}

impl core::fmt::Debug for Vfs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Vfs")
            .field("mounts", &self.mounts.read().len())
            .finish()
    }
}

impl Vfs {
    /// Creates a namespace whose `/` is `root`, with umask 022.
    pub fn new(root: Arc<dyn Inode>) -> Self {
        Vfs {
            mounts: RwLock::new(alloc::vec![Mount { root, point: None }]),
            umask: AtomicU32::new(0o022),
        }
    }

    /// Returns the location of `/`.
    pub fn root(&self) -> Loc {
        Loc {
            mount: 0,
            inode: self.mounts.read()[0].root.clone(),
        }
    }

    /// Mounts `fs_root` on the directory `path` (resolved from `at`,
    /// following symlinks). A later mount on the same place covers the
    /// earlier one, as on Linux.
    ///
    /// # Errors
    /// The walk's errnos; ENOTDIR if `path` is not a directory (mount(2)).
    pub fn mount(&self, at: &Loc, path: &[u8], fs_root: Arc<dyn Inode>) -> SysResult<()> {
        let point = Walk::new(self).resolve(at, path, true)?;
        if !point.metadata().is_dir() {
            return err(Errno::ENOTDIR, "mount point is not a directory");
        }
        self.mounts.write().push(Mount {
            root: fs_root,
            point: Some(point),
        });
        Ok(())
    }

    /// Returns the mount id reported by statx (`stx_mnt_id`).
    pub fn mount_id(&self, loc: &Loc) -> u64 {
        // Linux numbers mounts from 1 upwards in practice.
        loc.mount as u64 + 1
    }

    /// Replaces `loc` by the root of whatever is mounted on it, repeatedly.
    pub(super) fn cross_down(&self, mut loc: Loc) -> Loc {
        let mounts = self.mounts.read();
        'outer: loop {
            for (i, m) in mounts.iter().enumerate().rev() {
                if let Some(p) = &m.point {
                    if p.mount == loc.mount && p.same_inode(&loc) && i != loc.mount {
                        loc = Loc {
                            mount: i,
                            inode: m.root.clone(),
                        };
                        continue 'outer;
                    }
                }
            }
            return loc;
        }
    }

    /// Tells whether `loc` is the root of a mount other than `/`.
    pub(super) fn is_mount_root(&self, loc: &Loc) -> bool {
        let mounts = self.mounts.read();
        loc.mount != 0
            && mounts.get(loc.mount).is_some_and(|m| {
                loc.same_inode(&Loc {
                    mount: loc.mount,
                    inode: m.root.clone(),
                })
            })
    }

    /// Returns the mount point under the mount whose root `loc` is.
    fn point_of(&self, loc: &Loc) -> Option<Loc> {
        if !self.is_mount_root(loc) {
            return None;
        }
        self.mounts
            .read()
            .get(loc.mount)
            .and_then(|m| m.point.clone())
    }

    /// Returns the parent directory of `loc` (`..`): at a mount root, the
    /// parent of the mount point; at `/`, `/` itself.
    ///
    /// # Errors
    /// ENOTDIR if `loc` is not a directory.
    pub(super) fn dotdot(&self, loc: &Loc) -> SysResult<Loc> {
        let mut cur = loc.clone();
        while let Some(point) = self.point_of(&cur) {
            cur = point;
        }
        let parent = cur.inode.lookup(b"..")?;
        Ok(Loc {
            mount: cur.mount,
            inode: parent,
        })
    }

    /// Returns the absolute path of a directory (getcwd(2)).
    ///
    /// # Errors
    /// ENOENT if the directory, or one above it, has been removed
    /// (getcwd(3)).
    pub fn path_of(&self, loc: &Loc) -> SysResult<Vec<u8>> {
        let mut names: Vec<Vec<u8>> = Vec::new();
        let mut cur = loc.clone();
        loop {
            while let Some(point) = self.point_of(&cur) {
                cur = point;
            }
            let parent = self.dotdot(&cur)?;
            if parent.same_inode(&cur) {
                break;
            }
            let me = cur.metadata();
            if me.nlink == 0 {
                return err(Errno::ENOENT, "current directory was removed");
            }
            let entry = parent
                .inode
                .read_dir()?
                .into_iter()
                .find(|e| e.ino == me.ino)
                .ok_or(super::error::error(
                    Errno::ENOENT,
                    "directory not found in its parent",
                ))?;
            names.push(entry.name);
            cur = parent;
        }
        let mut out = Vec::new();
        for n in names.iter().rev() {
            out.push(b'/');
            out.extend_from_slice(n);
        }
        if out.is_empty() {
            out.push(b'/');
        }
        Ok(out)
    }
}
