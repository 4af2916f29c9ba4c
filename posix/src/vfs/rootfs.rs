//! The read-only root filesystem: the image's archive
//! (`rumprun_config::rootfs`) turned into an inode tree, plus generated
//! files (see `etc`) and mount-point directories added where the archive
//! has none. File bytes are `&'static [u8]` slices of the image, which the
//! kernel keeps mapped for the whole run, so nothing is copied; generated
//! files own their bytes. Every write gives EROFS (open(2), mount(2)).

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

use rumprun_config::rootfs::{NodeKind, RootFs, RootFsError};

use super::error::{err, error, Errno, SysResult};
use super::flags::RenameFlags;
use super::inode::{Inode, NewNode};
use super::types::{DevId, DirEntry, Fallocate, FileType, Metadata, SetAttr, Timespec, PERM_MASK};

/// File bytes of a read-only node.
#[derive(Debug, Clone)]
pub enum RoData {
    /// A slice of the boot image.
    Image(&'static [u8]),
    /// Bytes generated at boot.
    Owned(Arc<[u8]>),
    /// Bytes another module replaces at run time (/etc/hosts, resolv.conf).
    Live(super::etc::LiveFile),
}

/// A file's bytes: borrowed, or a snapshot of a live file.
enum RoBytes<'a> {
    Borrowed(&'a [u8]),
    Shared(Arc<[u8]>),
}

impl core::ops::Deref for RoBytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            RoBytes::Borrowed(b) => b,
            RoBytes::Shared(b) => b,
        }
    }
}

impl RoData {
    fn bytes(&self) -> RoBytes<'_> {
        match self {
            RoData::Image(b) => RoBytes::Borrowed(b),
            RoData::Owned(b) => RoBytes::Borrowed(b),
            RoData::Live(f) => RoBytes::Shared(f.get()),
        }
    }
}

/// What a read-only node is.
#[derive(Debug, Clone)]
pub enum RoKind {
    /// A directory.
    Dir,
    /// A regular file.
    File(RoData),
    /// A symbolic link and its target.
    Symlink(Vec<u8>),
}

#[derive(Debug)]
struct RoNode {
    kind: RoKind,
    perm: u32,
    mtime: i64,
    parent: usize,
    children: BTreeMap<Vec<u8>, usize>,
    subdirs: u64,
}

/// A read-only tree under construction; [`RoTree::into_root`] freezes it.
#[derive(Debug)]
pub struct RoTree {
    nodes: Vec<RoNode>,
}

impl Default for RoTree {
    fn default() -> Self {
        Self::new()
    }
}

impl RoTree {
    /// Starts a tree holding only `/` (mode 0755).
    pub fn new() -> Self {
        RoTree {
            nodes: alloc::vec![RoNode {
                kind: RoKind::Dir,
                perm: 0o755,
                mtime: 0,
                parent: 0,
                children: BTreeMap::new(),
                subdirs: 0,
            }],
        }
    }

    /// Loads an image archive; its bytes are borrowed for the whole run.
    ///
    /// # Errors
    /// The archive's validation error (`RootFs::parse`).
    pub fn from_archive(bytes: &'static [u8]) -> Result<Self, RootFsError> {
        let fs = RootFs::parse(bytes)?;
        let mut tree = RoTree::new();
        for node in &fs.nodes {
            let kind = match &node.kind {
                NodeKind::Dir => RoKind::Dir,
                NodeKind::File(_) => RoKind::File(RoData::Image(fs.data(node))),
                NodeKind::Symlink(t) => RoKind::Symlink(t.as_bytes().to_vec()),
            };
            if node.path == "/" {
                tree.nodes[0].perm = node.mode & PERM_MASK;
                tree.nodes[0].mtime = node.mtime;
                continue;
            }
            // `parse` guarantees normalised paths with parents first.
            tree.add(&node.path, kind, node.mode, node.mtime);
        }
        Ok(tree)
    }

    fn find(&self, path: &str) -> Option<usize> {
        let mut cur = 0;
        for comp in path.split('/').filter(|c| !c.is_empty()) {
            cur = *self.nodes[cur].children.get(comp.as_bytes())?;
        }
        Some(cur)
    }

    /// Tells whether `path` (absolute, normalised) exists.
    pub fn contains(&self, path: &str) -> bool {
        self.find(path).is_some()
    }

    /// Adds `path` unless something already has that name, creating missing
    /// parent directories (0755); returns whether it was added. A missing
    /// parent that exists as a non-directory makes the add a no-op.
    pub fn add(&mut self, path: &str, kind: RoKind, perm: u32, mtime: i64) -> bool {
        let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        let Some((last, dirs)) = comps.split_last() else {
            return false;
        };
        let mut cur = 0;
        for d in dirs {
            cur = match self.nodes[cur].children.get(d.as_bytes()) {
                Some(&i) if matches!(self.nodes[i].kind, RoKind::Dir) => i,
                Some(_) => return false,
                None => self.push(cur, d.as_bytes(), RoKind::Dir, 0o755, mtime),
            };
        }
        if self.nodes[cur].children.contains_key(last.as_bytes()) {
            return false;
        }
        self.push(cur, last.as_bytes(), kind, perm, mtime);
        true
    }

    fn push(&mut self, parent: usize, name: &[u8], kind: RoKind, perm: u32, mtime: i64) -> usize {
        let idx = self.nodes.len();
        if matches!(kind, RoKind::Dir) {
            self.nodes[parent].subdirs += 1;
        }
        self.nodes.push(RoNode {
            kind,
            perm: perm & PERM_MASK,
            mtime,
            parent,
            children: BTreeMap::new(),
            subdirs: 0,
        });
        self.nodes[parent].children.insert(name.to_vec(), idx);
        idx
    }

    /// Freezes the tree and returns its root; every inode reports `dev`
    /// and the one identity `uid`/`gid`.
    pub fn into_root(self, dev: DevId, uid: u32, gid: u32) -> Arc<dyn Inode> {
        let shared = Arc::new(Shared {
            nodes: self.nodes,
            dev,
            uid,
            gid,
        });
        Arc::new(RoInode { fs: shared, idx: 0 })
    }
}

struct Shared {
    nodes: Vec<RoNode>,
    dev: DevId,
    uid: u32,
    gid: u32,
}

/// An inode of the read-only root.
struct RoInode {
    fs: Arc<Shared>,
    idx: usize,
}

impl RoInode {
    fn node(&self) -> &RoNode {
        &self.fs.nodes[self.idx]
    }

    fn at(&self, idx: usize) -> Arc<dyn Inode> {
        Arc::new(RoInode {
            fs: self.fs.clone(),
            idx,
        })
    }

    fn file_type(kind: &RoKind) -> FileType {
        match kind {
            RoKind::Dir => FileType::Directory,
            RoKind::File(_) => FileType::Regular,
            RoKind::Symlink(_) => FileType::Symlink,
        }
    }

    fn rofs<T>() -> SysResult<T> {
        err(Errno::EROFS, "read-only root filesystem")
    }
}

/// Inode numbers: the index plus 2, so the root is 2 as on ext4.
fn ino_of(idx: usize) -> u64 {
    idx as u64 + 2
}

impl Inode for RoInode {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn metadata(&self) -> Metadata {
        let n = self.node();
        let (size, nlink) = match &n.kind {
            RoKind::Dir => (4096, 2 + n.subdirs),
            RoKind::File(d) => (d.bytes().len() as u64, 1),
            RoKind::Symlink(t) => (t.len() as u64, 1),
        };
        let t = Timespec {
            sec: n.mtime,
            nsec: 0,
        };
        Metadata {
            dev: self.fs.dev,
            ino: ino_of(self.idx),
            file_type: Self::file_type(&n.kind),
            perm: n.perm,
            nlink,
            uid: self.fs.uid,
            gid: self.fs.gid,
            rdev: DevId::default(),
            size,
            blocks: size.div_ceil(512),
            blksize: 4096,
            atime: t,
            mtime: t,
            ctime: t,
        }
    }

    fn read_only(&self) -> bool {
        true
    }

    fn lookup(&self, name: &[u8]) -> SysResult<Arc<dyn Inode>> {
        let n = self.node();
        if !matches!(n.kind, RoKind::Dir) {
            return err(Errno::ENOTDIR, "lookup in a non-directory");
        }
        if name == b".." {
            return Ok(self.at(n.parent));
        }
        let idx = *n
            .children
            .get(name)
            .ok_or(error(Errno::ENOENT, "no such entry"))?;
        Ok(self.at(idx))
    }

    fn read_dir(&self) -> SysResult<Vec<DirEntry>> {
        let n = self.node();
        if !matches!(n.kind, RoKind::Dir) {
            return err(Errno::ENOTDIR, "readdir of a non-directory");
        }
        Ok(n.children
            .iter()
            .map(|(name, &i)| DirEntry {
                ino: ino_of(i),
                file_type: Self::file_type(&self.fs.nodes[i].kind),
                name: name.clone(),
            })
            .collect())
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> SysResult<usize> {
        match &self.node().kind {
            RoKind::File(d) => {
                let bytes = d.bytes();
                let start = usize::try_from(offset)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                let n = (bytes.len() - start).min(buf.len());
                buf[..n].copy_from_slice(&bytes[start..start + n]);
                Ok(n)
            }
            RoKind::Dir => err(Errno::EISDIR, "read of a directory"),
            RoKind::Symlink(_) => err(Errno::EINVAL, "read of a symlink"),
        }
    }

    fn write_at(&self, _offset: u64, _buf: &[u8]) -> SysResult<usize> {
        Self::rofs()
    }

    fn truncate(&self, _len: u64) -> SysResult<()> {
        Self::rofs()
    }

    fn allocate(&self, _mode: Fallocate, _offset: u64, _len: u64) -> SysResult<()> {
        Self::rofs()
    }

    fn readlink(&self) -> SysResult<Vec<u8>> {
        match &self.node().kind {
            RoKind::Symlink(t) => Ok(t.clone()),
            _ => err(Errno::EINVAL, "readlink of a non-symlink"),
        }
    }

    fn create(&self, _name: &[u8], _node: NewNode<'_>, _perm: u32) -> SysResult<Arc<dyn Inode>> {
        Self::rofs()
    }

    fn create_tmpfile(&self, _perm: u32) -> SysResult<Arc<dyn Inode>> {
        Self::rofs()
    }

    fn link(&self, _name: &[u8], _target: &Arc<dyn Inode>) -> SysResult<()> {
        Self::rofs()
    }

    fn unlink(&self, _name: &[u8]) -> SysResult<()> {
        Self::rofs()
    }

    fn rmdir(&self, _name: &[u8]) -> SysResult<()> {
        Self::rofs()
    }

    fn rename(&self, _o: &[u8], _d: &Arc<dyn Inode>, _n: &[u8], _f: RenameFlags) -> SysResult<()> {
        Self::rofs()
    }

    fn set_attr(&self, _attr: &SetAttr) -> SysResult<()> {
        Self::rofs()
    }
}
