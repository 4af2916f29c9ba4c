//! The façade the syscall layer calls: open, stat, mkdir, unlink, rmdir,
//! rename, link, symlink, readlink, chdir lookup, truncate, access,
//! utimensat, chmod, chown, umask. Every call takes the starting directory
//! as a [`Loc`] (the cwd for AT_FDCWD, the dirfd's `FileOps::loc`
//! otherwise) and typed flags; the errno order follows fs/namei.c where
//! several apply.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use super::error::{err, Errno, SysResult};
use super::file::open_inode;
use super::flags::{o, AtFlags, Mode, OpenFlags, RenameFlags};
use super::inode::{Loc, NewNode};
use super::mount::Vfs;
use super::types::{FileType, Metadata, SetAttr, TimeUpdate};
use super::walk::{Last, Walk};
use crate::fd::FileOps;

/// access(2) mode bits.
pub mod access_mode {
    /// Existence only.
    pub const F_OK: u32 = 0;
    /// Execute (search) permission.
    pub const X_OK: u32 = 1;
    /// Write permission.
    pub const W_OK: u32 = 2;
    /// Read permission.
    pub const R_OK: u32 = 4;
}

fn is_symlink(loc: &Loc) -> bool {
    loc.metadata().file_type == FileType::Symlink
}

fn check_writable_fs(loc: &Loc) -> SysResult<()> {
    if loc.inode.read_only() {
        return err(Errno::EROFS, "read-only filesystem");
    }
    Ok(())
}

impl Vfs {
    /// Returns the process umask.
    pub fn umask(&self) -> u32 {
        self.umask.load(Ordering::Relaxed)
    }

    /// Sets the umask and returns the previous one (umask(2)).
    pub fn set_umask(&self, mask: u32) -> u32 {
        self.umask.swap(mask & 0o777, Ordering::Relaxed)
    }

    /// Resolves `path` to a location: follows a final symlink unless
    /// AT_SYMLINK_NOFOLLOW; an empty path with AT_EMPTY_PATH names `at`.
    ///
    /// # Errors
    /// The walk's errnos (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG).
    pub fn lookup(&self, at: &Loc, path: &[u8], flags: AtFlags) -> SysResult<Loc> {
        if path.is_empty() && flags.empty_path() {
            return Ok(at.clone());
        }
        Walk::new(self).resolve(at, path, flags.follow())
    }

    /// Returns the metadata of `path` (stat, lstat, fstatat, statx).
    ///
    /// # Errors
    /// As [`Vfs::lookup`].
    pub fn stat(&self, at: &Loc, path: &[u8], flags: AtFlags) -> SysResult<Metadata> {
        Ok(self.lookup(at, path, flags)?.metadata())
    }

    /// Resolves a directory to become the cwd (chdir(2)).
    ///
    /// # Errors
    /// ENOTDIR if `path` is not a directory, plus the walk's errnos.
    pub fn chdir(&self, at: &Loc, path: &[u8]) -> SysResult<Loc> {
        let loc = Walk::new(self).resolve(at, path, true)?;
        if !loc.metadata().is_dir() {
            return err(Errno::ENOTDIR, "chdir to a non-directory");
        }
        Ok(loc)
    }

    /// Opens (and maybe creates) `path` (open(2), openat(2)).
    ///
    /// # Errors
    /// ENOENT, EEXIST (O_CREAT|O_EXCL), EISDIR (write access or O_CREAT
    /// on a directory), ENOTDIR (O_DIRECTORY), ELOOP (O_NOFOLLOW on a
    /// symlink, or too many links), EROFS, EOPNOTSUPP (O_TMPFILE where
    /// unsupported), ENOSPC, plus the walk's errnos.
    pub fn open(
        &self,
        at: &Loc,
        path: &[u8],
        flags: OpenFlags,
        mode: Mode,
    ) -> SysResult<Arc<dyn FileOps>> {
        let perm = mode.masked(self.umask());
        if flags.is_tmpfile() {
            let dir = Walk::new(self).resolve(at, path, true)?;
            if !dir.metadata().is_dir() {
                return err(Errno::ENOTDIR, "O_TMPFILE needs a directory");
            }
            check_writable_fs(&dir)?;
            let inode = dir.inode.create_tmpfile(perm)?;
            return Ok(open_inode(
                Loc {
                    mount: dir.mount,
                    inode,
                },
                flags,
                None,
            ));
        }
        let (loc, created) = if flags.contains(o::CREAT) {
            self.open_create(at, path, flags, perm)?
        } else {
            let follow = !flags.contains(o::NOFOLLOW);
            let loc = Walk::new(self).resolve(at, path, follow)?;
            (loc, false)
        };
        // Checks in fs/namei.c do_open order: EISDIR for O_CREAT on a
        // directory, ENOTDIR for O_DIRECTORY, then may_open's ELOOP and
        // EISDIR.
        let meta = loc.metadata();
        if meta.is_dir() && flags.contains(o::CREAT) {
            return err(Errno::EISDIR, "O_CREAT on a directory");
        }
        if flags.contains(o::DIRECTORY) && !meta.is_dir() {
            return err(Errno::ENOTDIR, "O_DIRECTORY on a non-directory");
        }
        if flags.is_path() {
            return Ok(self.open_loc(loc, flags));
        }
        if meta.file_type == FileType::Symlink {
            // open(2): "O_NOFOLLOW ... If the trailing component is a
            // symbolic link, then the open fails with ELOOP".
            return err(Errno::ELOOP, "O_NOFOLLOW on a symlink");
        }
        let writes = flags.access().writable();
        if meta.is_dir() && writes {
            return err(Errno::EISDIR, "directory opened for writing");
        }
        let truncates = flags.contains(o::TRUNC) && meta.file_type == FileType::Regular;
        if (writes || truncates) && !created && meta.file_type != FileType::CharDevice {
            check_writable_fs(&loc)?;
        }
        if let Some(special) = loc.inode.open_special(flags)? {
            return Ok(special);
        }
        if truncates && !created && meta.size != 0 {
            loc.inode.truncate(0)?;
        }
        Ok(self.open_loc(loc, flags))
    }

    /// Wraps `loc` in an open file; a directory's `..` entry gets the
    /// inode number of its parent across mounts.
    fn open_loc(&self, loc: Loc, flags: OpenFlags) -> Arc<dyn FileOps> {
        let dotdot = if loc.metadata().is_dir() {
            self.dotdot(&loc).ok().map(|p| p.metadata().ino)
        } else {
            None
        };
        open_inode(loc, flags, dotdot)
    }

    /// Resolves an O_CREAT open, creating the file if absent; returns the
    /// file and whether it was created.
    fn open_create(
        &self,
        at: &Loc,
        path: &[u8],
        flags: OpenFlags,
        perm: u32,
    ) -> SysResult<(Loc, bool)> {
        let mut walk = Walk::new(self);
        let mut p = walk.parent(at, path)?;
        loop {
            if p.trailing_slash {
                // fs/namei.c open_last_lookups: O_CREAT with a trailing slash.
                return err(Errno::EISDIR, "O_CREAT with a trailing slash");
            }
            let Last::Name(name) = &p.last else {
                return err(Errno::EISDIR, "O_CREAT on . or .. or /");
            };
            match walk.step(&p.dir, name) {
                Ok(loc) => {
                    if flags.contains(o::EXCL) {
                        return err(Errno::EEXIST, "O_CREAT|O_EXCL on an existing name");
                    }
                    if is_symlink(&loc) && !flags.contains(o::NOFOLLOW) {
                        // A dangling final symlink is followed and its
                        // target created (open(2), O_CREAT).
                        let target = walk.link_target(&loc)?;
                        p = walk.parent(&p.dir, &target)?;
                        continue;
                    }
                    return Ok((loc, false));
                }
                Err(e) if e.errno == Errno::ENOENT => {
                    check_writable_fs(&p.dir)?;
                    let inode = p.dir.inode.create(name, NewNode::File, perm)?;
                    return Ok((
                        Loc {
                            mount: p.dir.mount,
                            inode,
                        },
                        true,
                    ));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Resolves the directory and new name for mkdir, symlink and link:
    /// EEXIST if the name exists (even as a dangling symlink), ENOENT for a
    /// trailing slash on a missing non-directory name (fs/namei.c
    /// filename_create).
    fn new_name(&self, at: &Loc, path: &[u8], is_dir: bool) -> SysResult<(Loc, Vec<u8>)> {
        let walk = &mut Walk::new(self);
        let p = walk.parent(at, path)?;
        let Last::Name(name) = p.last else {
            return err(Errno::EEXIST, "name is . or .. or /");
        };
        match walk.step(&p.dir, &name) {
            Ok(_) => return err(Errno::EEXIST, "name exists"),
            Err(e) if e.errno == Errno::ENOENT => {}
            Err(e) => return Err(e),
        }
        if p.trailing_slash && !is_dir {
            return err(Errno::ENOENT, "trailing slash on a new non-directory");
        }
        check_writable_fs(&p.dir)?;
        Ok((p.dir, name))
    }

    /// Creates a directory (mkdir(2)) with `mode` less the umask.
    ///
    /// # Errors
    /// EEXIST, ENOENT, ENOTDIR, EROFS, ENOSPC, the walk's errnos.
    pub fn mkdir(&self, at: &Loc, path: &[u8], mode: Mode) -> SysResult<()> {
        let (dir, name) = self.new_name(at, path, true)?;
        dir.inode
            .create(&name, NewNode::Dir, mode.masked(self.umask()))?;
        Ok(())
    }

    /// Creates a socket inode `path` with `mode` less the umask, the name
    /// bind(2) gives an AF_UNIX socket (unix(7): "the socket is created
    /// with the permissions 0777 & ~umask"), and returns where it is.
    ///
    /// # Errors
    /// EEXIST (bind(2) reports EADDRINUSE), ENOENT, ENOTDIR, EROFS,
    /// EPERM (a directory with fixed names), the walk's errnos.
    pub fn mksock(&self, at: &Loc, path: &[u8], mode: Mode) -> SysResult<Loc> {
        let (dir, name) = self.new_name(at, path, false)?;
        let inode = dir
            .inode
            .create(&name, NewNode::Socket, mode.masked(self.umask()))?;
        Ok(Loc {
            mount: dir.mount,
            inode,
        })
    }

    /// Creates a symbolic link `path` holding `target` (symlink(2)).
    ///
    /// # Errors
    /// ENOENT for an empty target, EEXIST, EROFS, the walk's errnos.
    pub fn symlink(&self, target: &[u8], at: &Loc, path: &[u8]) -> SysResult<()> {
        if target.is_empty() {
            return err(Errno::ENOENT, "empty symlink target");
        }
        if target.len() >= super::walk::PATH_MAX {
            return err(Errno::ENAMETOOLONG, "symlink target longer than PATH_MAX");
        }
        let (dir, name) = self.new_name(at, path, false)?;
        dir.inode.create(&name, NewNode::Symlink(target), 0o777)?;
        Ok(())
    }

    /// Adds a hard link `new_path` to `old_path` (link(2), linkat(2):
    /// AT_SYMLINK_FOLLOW follows a final symlink, AT_EMPTY_PATH links the
    /// `old_at` file itself, including an O_TMPFILE file).
    ///
    /// # Errors
    /// EPERM for a directory, EXDEV across mounts, EEXIST, ENOENT, EROFS.
    pub fn link(
        &self,
        old_at: &Loc,
        old_path: &[u8],
        new_at: &Loc,
        new_path: &[u8],
        flags: AtFlags,
    ) -> SysResult<()> {
        let follow = flags.has(AtFlags::SYMLINK_FOLLOW);
        let old = if old_path.is_empty() && flags.empty_path() {
            old_at.clone()
        } else {
            Walk::new(self).resolve(old_at, old_path, follow)?
        };
        if old.metadata().is_dir() {
            return err(Errno::EPERM, "hard link to a directory");
        }
        let (dir, name) = self.new_name(new_at, new_path, false)?;
        if dir.mount != old.mount {
            return err(Errno::EXDEV, "link across mounts");
        }
        dir.inode.link(&name, &old.inode)
    }

    /// Removes a non-directory name (unlink(2)).
    ///
    /// # Errors
    /// EISDIR for a directory (Linux), ENOTDIR for a trailing slash on a
    /// non-directory, ENOENT, EROFS, EBUSY for a mount point.
    pub fn unlink(&self, at: &Loc, path: &[u8]) -> SysResult<()> {
        let mut walk = Walk::new(self);
        let p = walk.parent(at, path)?;
        let Last::Name(name) = p.last else {
            return err(Errno::EISDIR, "unlink of . or .. or /");
        };
        let child = walk.step(&p.dir, &name)?;
        if child.metadata().is_dir() {
            return err(Errno::EISDIR, "unlink of a directory");
        }
        if p.trailing_slash {
            return err(Errno::ENOTDIR, "trailing slash on a non-directory");
        }
        check_writable_fs(&p.dir)?;
        p.dir.inode.unlink(&name)
    }

    /// Removes an empty directory (rmdir(2)).
    ///
    /// # Errors
    /// EINVAL for `.`, ENOTEMPTY for `..` or a non-empty directory, EBUSY
    /// for `/` or a mount point, ENOTDIR, ENOENT, EROFS.
    pub fn rmdir(&self, at: &Loc, path: &[u8]) -> SysResult<()> {
        let mut walk = Walk::new(self);
        let p = walk.parent(at, path)?;
        let name = match p.last {
            Last::Dot => return err(Errno::EINVAL, "rmdir of ."),
            Last::DotDot => return err(Errno::ENOTEMPTY, "rmdir of .."),
            Last::Root => return err(Errno::EBUSY, "rmdir of /"),
            Last::Name(n) => n,
        };
        let child = walk.step(&p.dir, &name)?;
        if child.mount != p.dir.mount {
            return err(Errno::EBUSY, "rmdir of a mount point");
        }
        if !child.metadata().is_dir() {
            return err(Errno::ENOTDIR, "rmdir of a non-directory");
        }
        check_writable_fs(&p.dir)?;
        p.dir.inode.rmdir(&name)
    }

    /// Removes a name, as unlinkat(2) with or without AT_REMOVEDIR.
    ///
    /// # Errors
    /// As [`Vfs::unlink`] or [`Vfs::rmdir`].
    pub fn unlinkat(&self, at: &Loc, path: &[u8], flags: AtFlags) -> SysResult<()> {
        if flags.has(AtFlags::REMOVEDIR) {
            self.rmdir(at, path)
        } else {
            self.unlink(at, path)
        }
    }

    /// Renames (rename(2), renameat2(2)).
    ///
    /// # Errors
    /// EBUSY for `.`/`..`/`/` or mount points, EEXIST (NOREPLACE), ENOENT,
    /// ENOTDIR, EISDIR, ENOTEMPTY, EINVAL (a directory into itself), EXDEV
    /// across mounts, EROFS.
    pub fn rename(
        &self,
        old_at: &Loc,
        old_path: &[u8],
        new_at: &Loc,
        new_path: &[u8],
        flags: RenameFlags,
    ) -> SysResult<()> {
        let op = Walk::new(self).parent(old_at, old_path)?;
        let mut walk = Walk::new(self);
        let np = walk.parent(new_at, new_path)?;
        let Last::Name(old_name) = &op.last else {
            return err(Errno::EBUSY, "rename of . or .. or /");
        };
        let Last::Name(new_name) = &np.last else {
            if flags.has(RenameFlags::NOREPLACE) {
                return err(Errno::EEXIST, "rename onto . or .. or / with NOREPLACE");
            }
            return err(Errno::EBUSY, "rename onto . or .. or /");
        };
        let old = walk.step(&op.dir, old_name)?;
        if old.mount != op.dir.mount {
            return err(Errno::EBUSY, "rename of a mount point");
        }
        if (op.trailing_slash || np.trailing_slash) && !old.metadata().is_dir() {
            return err(Errno::ENOTDIR, "trailing slash on a non-directory");
        }
        if op.dir.mount != np.dir.mount {
            return err(Errno::EXDEV, "rename across mounts");
        }
        match walk.step(&np.dir, new_name) {
            Ok(t) if t.mount != np.dir.mount => {
                return err(Errno::EBUSY, "rename onto a mount point")
            }
            // fs/namei.c do_renameat2 checks NOREPLACE before vfs_rename's
            // same-inode shortcut: a hard link to the source is EEXIST too.
            Ok(_) if flags.has(RenameFlags::NOREPLACE) => {
                return err(Errno::EEXIST, "RENAME_NOREPLACE onto an existing name")
            }
            Ok(_) => {}
            Err(e) if e.errno == Errno::ENOENT => {}
            Err(e) => return Err(e),
        }
        check_writable_fs(&op.dir)?;
        op.dir
            .inode
            .rename(old_name, &np.dir.inode, new_name, flags)
    }

    /// Returns a symlink's target (readlink(2)); an empty path reads the
    /// link `at` itself (an O_PATH|O_NOFOLLOW descriptor).
    ///
    /// # Errors
    /// EINVAL for a non-symlink, ENOENT, the walk's errnos.
    pub fn readlink(&self, at: &Loc, path: &[u8]) -> SysResult<Vec<u8>> {
        let loc = if path.is_empty() {
            at.clone()
        } else {
            Walk::new(self).resolve(at, path, false)?
        };
        loc.inode.readlink()
    }

    /// Sets a file's size by path (truncate(2)).
    ///
    /// # Errors
    /// EINVAL for a negative length or non-regular file, EISDIR for a
    /// directory, EROFS, EFBIG, the walk's errnos.
    pub fn truncate(&self, at: &Loc, path: &[u8], len: i64) -> SysResult<()> {
        let len = u64::try_from(len)
            .map_err(|_| super::error::error(Errno::EINVAL, "negative length"))?;
        let loc = Walk::new(self).resolve(at, path, true)?;
        match loc.metadata().file_type {
            FileType::Directory => return err(Errno::EISDIR, "truncate of a directory"),
            FileType::Regular => {}
            _ => return err(Errno::EINVAL, "truncate of a non-regular file"),
        }
        check_writable_fs(&loc)?;
        loc.inode.truncate(len)
    }

    /// Checks accessibility (access(2), faccessat(2)). There are no
    /// permission checks (DESIGN.md: one identity), so this answers as for
    /// root: W_OK on a read-only filesystem is EROFS, X_OK on a file with
    /// no execute bit is EACCES.
    ///
    /// # Errors
    /// EINVAL for bad mode bits, EROFS, EACCES, the walk's errnos.
    pub fn access(&self, at: &Loc, path: &[u8], mode: u32, flags: AtFlags) -> SysResult<()> {
        if mode & !7 != 0 {
            return err(Errno::EINVAL, "access mode bits");
        }
        let loc = self.lookup(at, path, flags)?;
        let meta = loc.metadata();
        let special = matches!(
            meta.file_type,
            FileType::CharDevice | FileType::BlockDevice | FileType::Fifo | FileType::Socket
        );
        if mode & access_mode::W_OK != 0 && !special {
            check_writable_fs(&loc)?;
        }
        if mode & access_mode::X_OK != 0 && !meta.is_dir() && meta.perm & 0o111 == 0 {
            return err(Errno::EACCES, "no execute bit");
        }
        Ok(())
    }

    /// Sets access and modification times (utimensat(2)); `None` sets both
    /// to now. Both UTIME_OMIT changes nothing.
    ///
    /// # Errors
    /// EROFS, the walk's errnos.
    pub fn utimensat(
        &self,
        at: &Loc,
        path: &[u8],
        times: Option<[TimeUpdate; 2]>,
        flags: AtFlags,
    ) -> SysResult<()> {
        let loc = self.lookup(at, path, flags)?;
        let [atime, mtime] = times.unwrap_or([TimeUpdate::Now, TimeUpdate::Now]);
        if atime == TimeUpdate::Omit && mtime == TimeUpdate::Omit {
            return Ok(());
        }
        check_writable_fs(&loc)?;
        loc.inode.set_attr(&SetAttr {
            atime: Some(atime),
            mtime: Some(mtime),
            ..SetAttr::default()
        })
    }

    /// Changes permission bits (chmod(2), fchmodat(2)).
    ///
    /// # Errors
    /// EROFS, the walk's errnos.
    pub fn chmod(&self, at: &Loc, path: &[u8], mode: Mode, flags: AtFlags) -> SysResult<()> {
        let loc = self.lookup(at, path, flags)?;
        check_writable_fs(&loc)?;
        loc.inode.set_attr(&SetAttr {
            perm: Some(mode.bits()),
            ..SetAttr::default()
        })
    }

    /// Changes owner and group (chown(2)); `None` leaves one unchanged (-1).
    ///
    /// # Errors
    /// EROFS, the walk's errnos.
    pub fn chown(
        &self,
        at: &Loc,
        path: &[u8],
        uid: Option<u32>,
        gid: Option<u32>,
        flags: AtFlags,
    ) -> SysResult<()> {
        let loc = self.lookup(at, path, flags)?;
        check_writable_fs(&loc)?;
        loc.inode.set_attr(&SetAttr {
            uid,
            gid,
            ..SetAttr::default()
        })
    }
}
