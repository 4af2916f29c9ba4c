//! tmpfs inodes: one `TmpNode` per file, directory or symlink, with the
//! `Inode` implementation. Directory sizes follow Linux tmpfs (20 bytes per
//! entry plus 40, `BOGO_DIRENT_SIZE` in mm/shmem.c), directory link counts
//! are 2 plus subdirectories, and symlinks under 128 bytes take no blocks
//! (shmem's inline "short symlink").

use alloc::collections::BTreeMap;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::any::Any;

use spin::Mutex;

use super::pages::{Pages, MAX_FILE_SIZE, PAGE};
use super::FsShared;
use crate::platform::SharedPage;
use crate::vfs::error::{err, error, Errno, SysResult};
use crate::vfs::flags::RenameFlags;
use crate::vfs::inode::{Inode, NewNode};
use crate::vfs::types::{
    DevId, DirEntry, Fallocate, FileType, Metadata, SetAttr, TimeUpdate, Timespec, PERM_MASK,
};

/// Why a tmpfs write or allocation got no page: the mount's size limit
/// (tmpfs(5) `size=`), or a full kernel heap (`Pages` allocates fallibly).
const FULL: &str = "tmpfs full (its size limit, or no kernel memory left)";

const BOGO_DIRENT_SIZE: u64 = 20;
const SHORT_SYMLINK_LEN: usize = 128;

enum Content {
    File(Pages),
    Dir {
        entries: BTreeMap<Vec<u8>, Arc<TmpNode>>,
        parent: Weak<TmpNode>,
    },
    Symlink(Vec<u8>),
    /// A socket inode: no content (the bound socket lives in `net::unix`).
    Socket,
}

struct Inner {
    perm: u32,
    uid: u32,
    gid: u32,
    nlink: u64,
    atime: Timespec,
    mtime: Timespec,
    ctime: Timespec,
    /// Created by O_TMPFILE and not yet linked: linkat may name it.
    tmpfile: bool,
    content: Content,
}

/// One tmpfs inode.
pub(crate) struct TmpNode {
    fs: Arc<FsShared>,
    ino: u64,
    file_type: FileType,
    me: Weak<TmpNode>,
    inner: Mutex<Inner>,
}

impl Drop for TmpNode {
    fn drop(&mut self) {
        if let Content::File(p) = &self.inner.get_mut().content {
            self.fs.release_pages(p.page_count());
        }
    }
}

fn downcast(inode: &Arc<dyn Inode>) -> Option<&TmpNode> {
    inode.as_any().downcast_ref::<TmpNode>()
}

impl TmpNode {
    pub(crate) fn new_root(fs: Arc<FsShared>, perm: u32) -> Arc<dyn Inode> {
        let now = fs.clock.now();
        Arc::new_cyclic(|me: &Weak<TmpNode>| TmpNode {
            ino: 2,
            file_type: FileType::Directory,
            me: me.clone(),
            inner: Mutex::new(Inner {
                perm: perm & PERM_MASK,
                uid: fs.uid,
                gid: fs.gid,
                nlink: 2,
                atime: now,
                mtime: now,
                ctime: now,
                tmpfile: false,
                content: Content::Dir {
                    entries: BTreeMap::new(),
                    parent: me.clone(),
                },
            }),
            fs,
        })
    }

    fn new_child(
        &self,
        file_type: FileType,
        perm: u32,
        content: Content,
        nlink: u64,
    ) -> Arc<TmpNode> {
        let now = self.fs.clock.now();
        Arc::new_cyclic(|me| TmpNode {
            fs: self.fs.clone(),
            ino: self.fs.alloc_ino(),
            file_type,
            me: me.clone(),
            inner: Mutex::new(Inner {
                perm: perm & PERM_MASK,
                uid: self.fs.uid,
                gid: self.fs.gid,
                nlink,
                atime: now,
                mtime: now,
                ctime: now,
                tmpfile: false,
                content,
            }),
        })
    }

    fn now(&self) -> Timespec {
        self.fs.clock.now()
    }

    fn arc(&self) -> SysResult<Arc<TmpNode>> {
        self.me
            .upgrade()
            .ok_or(error(Errno::ENOENT, "tmpfs inode vanished"))
    }

    /// Returns the child `name` of this directory.
    fn child(&self, name: &[u8]) -> SysResult<Arc<TmpNode>> {
        match &self.inner.lock().content {
            Content::Dir { entries, .. } => entries
                .get(name)
                .cloned()
                .ok_or(error(Errno::ENOENT, "no such entry")),
            _ => err(Errno::ENOTDIR, "lookup in a non-directory"),
        }
    }

    fn parent(&self) -> Option<Arc<TmpNode>> {
        match &self.inner.lock().content {
            Content::Dir { parent, .. } => parent.upgrade(),
            _ => None,
        }
    }

    fn is_empty_dir(&self) -> bool {
        matches!(&self.inner.lock().content, Content::Dir { entries, .. } if entries.is_empty())
    }

    /// Tells whether `self` is `other` or one of its ancestors.
    fn is_ancestor_of(&self, other: &TmpNode) -> bool {
        let mut cur = match other.arc() {
            Ok(c) => c,
            Err(_) => return false,
        };
        loop {
            if cur.ino == self.ino {
                return true;
            }
            match cur.parent() {
                Some(p) if p.ino != cur.ino => cur = p,
                _ => return false,
            }
        }
    }

    fn touch_ctime(&self) {
        let now = self.now();
        self.inner.lock().ctime = now;
    }

    fn change_nlink(&self, delta: i64) {
        let now = self.now();
        let mut g = self.inner.lock();
        g.nlink = g.nlink.saturating_add_signed(delta);
        g.ctime = now;
    }

    /// Applies `f` to this directory's entries and stamps mtime/ctime.
    fn edit_dir<R>(
        &self,
        f: impl FnOnce(&mut BTreeMap<Vec<u8>, Arc<TmpNode>>, &mut u64) -> SysResult<R>,
    ) -> SysResult<R> {
        let now = self.now();
        let mut g = self.inner.lock();
        let Inner {
            nlink,
            content,
            mtime,
            ctime,
            ..
        } = &mut *g;
        let Content::Dir { entries, .. } = content else {
            return err(Errno::ENOTDIR, "not a directory");
        };
        let r = f(entries, nlink)?;
        *mtime = now;
        *ctime = now;
        Ok(r)
    }

    fn set_parent(&self, new_parent: &Arc<TmpNode>) {
        if let Content::Dir { parent, .. } = &mut self.inner.lock().content {
            *parent = Arc::downgrade(new_parent);
        }
    }

    fn with_file<R>(&self, f: impl FnOnce(&mut Inner) -> SysResult<R>) -> SysResult<R> {
        let mut g = self.inner.lock();
        match g.content {
            Content::File(_) => f(&mut g),
            Content::Dir { .. } => err(Errno::EISDIR, "is a directory"),
            Content::Symlink(_) | Content::Socket => err(Errno::EINVAL, "not a regular file"),
        }
    }

    fn rename_impl(
        &self,
        old_name: &[u8],
        new_dir: &TmpNode,
        new_name: &[u8],
        flags: RenameFlags,
    ) -> SysResult<()> {
        let old = self.child(old_name)?;
        let target = new_dir.child(new_name).ok();
        let exchange = flags.has(RenameFlags::EXCHANGE);
        if exchange && target.is_none() {
            return err(Errno::ENOENT, "RENAME_EXCHANGE target missing");
        }
        if let Some(t) = &target {
            if Arc::ptr_eq(t, &old) {
                // rename(2): "If oldpath and newpath are existing hard links
                // referring to the same file, then rename() does nothing".
                return Ok(());
            }
            if flags.has(RenameFlags::NOREPLACE) {
                return err(Errno::EEXIST, "RENAME_NOREPLACE target exists");
            }
        }
        let old_is_dir = old.file_type == FileType::Directory;
        if old_is_dir && old.is_ancestor_of(new_dir) {
            return err(Errno::EINVAL, "rename of a directory into itself");
        }
        if let Some(t) = &target {
            let t_is_dir = t.file_type == FileType::Directory;
            if exchange {
                if t_is_dir && t.is_ancestor_of(self) {
                    return err(Errno::EINVAL, "exchange of a directory into itself");
                }
            } else if old_is_dir && !t_is_dir {
                return err(Errno::ENOTDIR, "rename of a directory over a non-directory");
            } else if !old_is_dir && t_is_dir {
                return err(Errno::EISDIR, "rename of a non-directory over a directory");
            } else if t_is_dir && !t.is_empty_dir() {
                return err(Errno::ENOTEMPTY, "rename over a non-empty directory");
            }
        }
        let same_dir = self.ino == new_dir.ino;
        let t_is_dir = target
            .as_ref()
            .is_some_and(|t| t.file_type == FileType::Directory);
        // Directory link counts: a moved subdirectory leaves self for new_dir.
        let (mut d_self, mut d_new): (i64, i64) = (0, 0);
        if !same_dir {
            if old_is_dir {
                d_self -= 1;
                d_new += 1;
            }
            if exchange && t_is_dir {
                d_self += 1;
                d_new -= 1;
            }
        }
        if !exchange && t_is_dir {
            d_new -= 1; // the replaced empty directory's `..`
        }
        let edit = |entries: &mut BTreeMap<Vec<u8>, Arc<TmpNode>>| {
            (
                entries.get(old_name).cloned(),
                entries.get(new_name).cloned(),
            )
        };
        if same_dir {
            self.edit_dir(|entries, nlink| {
                let (o, t) = edit(entries);
                let o = o.ok_or(error(Errno::ENOENT, "source vanished"))?;
                if let Some(t) = t.filter(|_| exchange) {
                    entries.insert(old_name.to_vec(), t);
                } else {
                    entries.remove(old_name);
                }
                entries.insert(new_name.to_vec(), o);
                *nlink = nlink.saturating_add_signed(d_new);
                Ok(())
            })?;
        } else {
            // Lock order: the two directories by address (module comment).
            let (first, second) = if (self as *const TmpNode) < (new_dir as *const TmpNode) {
                (self, new_dir)
            } else {
                (new_dir, self)
            };
            let now = self.now();
            let mut g1 = first.inner.lock();
            let mut g2 = second.inner.lock();
            let (gs, gn) = if core::ptr::eq(first, self) {
                (&mut *g1, &mut *g2)
            } else {
                (&mut *g2, &mut *g1)
            };
            let (Content::Dir { entries: es, .. }, Content::Dir { entries: en, .. }) =
                (&mut gs.content, &mut gn.content)
            else {
                return err(Errno::ENOTDIR, "not a directory");
            };
            let o = es
                .remove(old_name)
                .ok_or(error(Errno::ENOENT, "source vanished"))?;
            let t = en.insert(new_name.to_vec(), o);
            if let Some(t) = t.filter(|_| exchange) {
                es.insert(old_name.to_vec(), t);
            }
            gs.nlink = gs.nlink.saturating_add_signed(d_self);
            gn.nlink = gn.nlink.saturating_add_signed(d_new);
            for g in [gs, gn] {
                g.mtime = now;
                g.ctime = now;
            }
        }
        // Children, one lock at a time.
        let new_arc = new_dir.arc()?;
        let self_arc = self.arc()?;
        if old_is_dir {
            old.set_parent(&new_arc);
        }
        old.touch_ctime();
        if let Some(t) = target {
            if exchange {
                if t_is_dir {
                    t.set_parent(&self_arc);
                }
                t.touch_ctime();
            } else if t_is_dir {
                t.inner.lock().nlink = 0;
            } else {
                t.change_nlink(-1);
            }
        }
        Ok(())
    }
}

impl Inode for TmpNode {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn metadata(&self) -> Metadata {
        let g = self.inner.lock();
        let (size, blocks) = match &g.content {
            Content::File(p) => (p.size, p.page_count() * (PAGE / 512)),
            Content::Dir { entries, .. } => (
                2 * BOGO_DIRENT_SIZE + BOGO_DIRENT_SIZE * entries.len() as u64,
                0,
            ),
            Content::Symlink(t) if t.len() < SHORT_SYMLINK_LEN => (t.len() as u64, 0),
            Content::Symlink(t) => (t.len() as u64, PAGE / 512),
            Content::Socket => (0, 0),
        };
        Metadata {
            dev: self.fs.dev,
            ino: self.ino,
            file_type: self.file_type,
            perm: g.perm,
            nlink: g.nlink,
            uid: g.uid,
            gid: g.gid,
            rdev: DevId::default(),
            size,
            blocks,
            blksize: PAGE as u32,
            atime: g.atime,
            mtime: g.mtime,
            ctime: g.ctime,
        }
    }

    fn lookup(&self, name: &[u8]) -> SysResult<Arc<dyn Inode>> {
        if name == b".." {
            let me = self.arc()?;
            return match &self.inner.lock().content {
                Content::Dir { parent, .. } => Ok(parent.upgrade().unwrap_or(me)),
                _ => err(Errno::ENOTDIR, "lookup in a non-directory"),
            };
        }
        Ok(self.child(name)?)
    }

    fn read_dir(&self) -> SysResult<Vec<DirEntry>> {
        match &self.inner.lock().content {
            Content::Dir { entries, .. } => Ok(entries
                .iter()
                .map(|(name, n)| DirEntry {
                    ino: n.ino,
                    file_type: n.file_type,
                    name: name.clone(),
                })
                .collect()),
            _ => err(Errno::ENOTDIR, "readdir of a non-directory"),
        }
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> SysResult<usize> {
        self.with_file(|g| match &g.content {
            Content::File(p) => Ok(p.read(offset, buf)),
            _ => err(Errno::EINVAL, "not a regular file"),
        })
    }

    fn write_at(&self, offset: u64, buf: &[u8]) -> SysResult<usize> {
        let now = self.now();
        let fs = &self.fs;
        self.with_file(|g| {
            let end = offset.checked_add(buf.len() as u64);
            if end.is_none_or(|e| e > MAX_FILE_SIZE) {
                return err(Errno::EFBIG, "write past the maximum file size");
            }
            let Content::File(p) = &mut g.content else {
                return err(Errno::EINVAL, "not a regular file");
            };
            let n = p.write(offset, buf, &mut || fs.reserve_page());
            if n == 0 && !buf.is_empty() {
                return err(Errno::ENOSPC, FULL);
            }
            g.mtime = now;
            g.ctime = now;
            Ok(n)
        })
    }

    fn append(&self, buf: &[u8]) -> SysResult<(usize, u64)> {
        // Held across size read and write: the append is atomic.
        let now = self.now();
        let fs = &self.fs;
        self.with_file(|g| {
            let Content::File(p) = &mut g.content else {
                return err(Errno::EINVAL, "not a regular file");
            };
            let offset = p.size;
            if offset
                .checked_add(buf.len() as u64)
                .is_none_or(|e| e > MAX_FILE_SIZE)
            {
                return err(Errno::EFBIG, "append past the maximum file size");
            }
            let n = p.write(offset, buf, &mut || fs.reserve_page());
            if n == 0 && !buf.is_empty() {
                return err(Errno::ENOSPC, FULL);
            }
            g.mtime = now;
            g.ctime = now;
            Ok((n, offset + n as u64))
        })
    }

    /// Moves the page into a shared page on first request (`Pages::share`),
    /// as shmem's page cache backs its MAP_SHARED mappings.
    fn shared_page(
        &self,
        idx: u64,
        make: &mut dyn FnMut() -> Option<Arc<dyn SharedPage>>,
    ) -> SysResult<Arc<dyn SharedPage>> {
        let fs = &self.fs;
        self.with_file(|g| {
            let Content::File(p) = &mut g.content else {
                return err(Errno::EINVAL, "not a regular file");
            };
            let mut space = true;
            let mut made = true;
            let r = p.share(
                idx,
                &mut || {
                    space = fs.reserve_page();
                    space
                },
                &mut || {
                    let m = make();
                    made = m.is_some();
                    m
                },
            );
            match r {
                Some(s) => Ok(s),
                None if !made => err(Errno::ENOMEM, "no frame for a shared page"),
                None => err(Errno::ENOSPC, FULL),
            }
        })
    }

    fn truncate(&self, len: u64) -> SysResult<()> {
        if len > MAX_FILE_SIZE {
            return err(Errno::EFBIG, "truncate past the maximum file size");
        }
        let now = self.now();
        let fs = &self.fs;
        self.with_file(|g| {
            let Content::File(p) = &mut g.content else {
                return err(Errno::EINVAL, "not a regular file");
            };
            if p.size != len {
                fs.release_pages(p.set_size(len));
                g.mtime = now;
                g.ctime = now;
            }
            Ok(())
        })
    }

    fn allocate(&self, mode: Fallocate, offset: u64, len: u64) -> SysResult<()> {
        let end = offset
            .checked_add(len)
            .filter(|&e| e <= MAX_FILE_SIZE)
            .ok_or(error(Errno::EFBIG, "fallocate past the maximum file size"))?;
        let now = self.now();
        let fs = &self.fs;
        self.with_file(|g| {
            let Content::File(p) = &mut g.content else {
                return err(Errno::EINVAL, "not a regular file");
            };
            match mode {
                Fallocate::PunchHole => fs.release_pages(p.punch(offset, end.min(p.size))),
                Fallocate::Allocate | Fallocate::KeepSize => {
                    if !p.allocate(offset, end, &mut || fs.reserve_page()) {
                        return err(Errno::ENOSPC, FULL);
                    }
                    if mode == Fallocate::Allocate && end > p.size {
                        p.size = end;
                    }
                }
            }
            g.mtime = now;
            g.ctime = now;
            Ok(())
        })
    }

    fn seek_data(&self, from: u64, data: bool) -> SysResult<u64> {
        match &self.inner.lock().content {
            Content::File(p) => p
                .seek(from, data)
                .ok_or(error(Errno::ENXIO, "no data past this offset")),
            _ => err(Errno::EINVAL, "SEEK_DATA on a non-regular file"),
        }
    }

    fn readlink(&self) -> SysResult<Vec<u8>> {
        match &self.inner.lock().content {
            Content::Symlink(t) => Ok(t.clone()),
            _ => err(Errno::EINVAL, "readlink of a non-symlink"),
        }
    }

    fn create(&self, name: &[u8], node: NewNode<'_>, perm: u32) -> SysResult<Arc<dyn Inode>> {
        let _ns = self.fs.namespace.lock();
        let me = self.arc()?;
        let (ft, content, nlink, perm) = match node {
            NewNode::File => (FileType::Regular, Content::File(Pages::default()), 1, perm),
            NewNode::Dir => (
                FileType::Directory,
                Content::Dir {
                    entries: BTreeMap::new(),
                    parent: Arc::downgrade(&me),
                },
                2,
                perm,
            ),
            // symlink(7): the permissions of a symlink are 0777 and unused.
            NewNode::Symlink(t) => (FileType::Symlink, Content::Symlink(t.to_vec()), 1, 0o777),
            NewNode::Socket => (FileType::Socket, Content::Socket, 1, perm),
        };
        let is_dir = ft == FileType::Directory;
        let child = self.new_child(ft, perm, content, nlink);
        let c2 = child.clone();
        self.edit_dir(move |entries, dir_nlink| {
            if *dir_nlink == 0 {
                // A removed directory accepts no new entries (open(2) ENOENT).
                return err(Errno::ENOENT, "directory has been removed");
            }
            if entries.contains_key(name) {
                return err(Errno::EEXIST, "name exists");
            }
            entries.insert(name.to_vec(), c2);
            if is_dir {
                *dir_nlink += 1;
            }
            Ok(())
        })?;
        Ok(child)
    }

    fn create_tmpfile(&self, perm: u32) -> SysResult<Arc<dyn Inode>> {
        let child = self.new_child(FileType::Regular, perm, Content::File(Pages::default()), 0);
        child.inner.lock().tmpfile = true;
        Ok(child)
    }

    fn link(&self, name: &[u8], target: &Arc<dyn Inode>) -> SysResult<()> {
        let _ns = self.fs.namespace.lock();
        let t = downcast(target)
            .filter(|t| Arc::ptr_eq(&t.fs, &self.fs))
            .ok_or(error(Errno::EXDEV, "link across filesystems"))?;
        if t.file_type == FileType::Directory {
            return err(Errno::EPERM, "hard link to a directory");
        }
        {
            let g = t.inner.lock();
            if g.nlink == 0 && !g.tmpfile {
                return err(Errno::ENOENT, "link to an unlinked file");
            }
        }
        let t_arc = t.arc()?;
        self.edit_dir(|entries, dir_nlink| {
            if *dir_nlink == 0 {
                return err(Errno::ENOENT, "directory has been removed");
            }
            if entries.contains_key(name) {
                return err(Errno::EEXIST, "name exists");
            }
            entries.insert(name.to_vec(), t_arc);
            Ok(())
        })?;
        t.change_nlink(1);
        t.inner.lock().tmpfile = false;
        Ok(())
    }

    fn unlink(&self, name: &[u8]) -> SysResult<()> {
        let _ns = self.fs.namespace.lock();
        let child = self.child(name)?;
        if child.file_type == FileType::Directory {
            return err(Errno::EISDIR, "unlink of a directory");
        }
        self.edit_dir(|entries, _| {
            entries.remove(name);
            Ok(())
        })?;
        child.change_nlink(-1);
        Ok(())
    }

    fn rmdir(&self, name: &[u8]) -> SysResult<()> {
        let _ns = self.fs.namespace.lock();
        let child = self.child(name)?;
        if child.file_type != FileType::Directory {
            return err(Errno::ENOTDIR, "rmdir of a non-directory");
        }
        if !child.is_empty_dir() {
            return err(Errno::ENOTEMPTY, "rmdir of a non-empty directory");
        }
        self.edit_dir(|entries, nlink| {
            entries.remove(name);
            *nlink -= 1;
            Ok(())
        })?;
        let now = self.now();
        let mut g = child.inner.lock();
        g.nlink = 0;
        g.ctime = now;
        Ok(())
    }

    fn rename(
        &self,
        old_name: &[u8],
        new_dir: &Arc<dyn Inode>,
        new_name: &[u8],
        flags: RenameFlags,
    ) -> SysResult<()> {
        let nd = downcast(new_dir)
            .filter(|d| Arc::ptr_eq(&d.fs, &self.fs))
            .ok_or(error(Errno::EXDEV, "rename across filesystems"))?;
        let _ns = self.fs.namespace.lock();
        self.rename_impl(old_name, nd, new_name, flags)
    }

    /// open(2): "ENXIO ... The file is a UNIX domain socket".
    fn open_special(
        &self,
        _flags: crate::vfs::flags::OpenFlags,
    ) -> SysResult<Option<Arc<dyn crate::fd::FileOps>>> {
        if self.file_type == FileType::Socket {
            return err(Errno::ENXIO, "open of a socket");
        }
        Ok(None)
    }

    fn set_attr(&self, attr: &SetAttr) -> SysResult<()> {
        let now = self.now();
        let mut g = self.inner.lock();
        if let Some(p) = attr.perm {
            g.perm = p & PERM_MASK;
        }
        if let Some(u) = attr.uid {
            g.uid = u;
        }
        if let Some(gid) = attr.gid {
            g.gid = gid;
        }
        let pick = |u: Option<TimeUpdate>, cur: Timespec| match u {
            Some(TimeUpdate::Now) => now,
            Some(TimeUpdate::Set(t)) => t,
            Some(TimeUpdate::Omit) | None => cur,
        };
        g.atime = pick(attr.atime, g.atime);
        g.mtime = pick(attr.mtime, g.mtime);
        g.ctime = now;
        Ok(())
    }
}
