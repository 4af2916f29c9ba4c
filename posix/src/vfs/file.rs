//! The open file over an inode: regular files (offset reads and writes,
//! O_APPEND, SEEK_DATA/SEEK_HOLE), directories (getdents64 from a snapshot
//! taken at offset 0, so rewinddir sees new entries) and O_PATH handles.
//! Devices bring their own file objects (`Inode::open_special`).

use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

use super::error::{err, Errno, SysResult};
use super::flags::OpenFlags;
use super::inode::Loc;
use super::stat::encode_dirent64;
use super::types::{DirEntry, Fallocate, FileType, Metadata};
use crate::fd::{FileOps, OpenFileDescription, Whence};

/// An open regular file, directory or O_PATH handle.
pub struct InodeFile {
    desc: OpenFileDescription,
    loc: Loc,
    /// Directory listing with `.` and `..`, taken when reading from offset 0.
    snapshot: Mutex<Option<Vec<DirEntry>>>,
    /// Inode number the `..` entry reports; the VFS computes it across
    /// mounts (at a mount root it is the mount point's parent).
    dotdot_ino: Option<u64>,
}

impl InodeFile {
    /// Opens `loc` with `flags` (already checked by the VFS); `dotdot_ino`
    /// overrides the inode number of a directory's `..` entry.
    pub fn new(loc: Loc, flags: OpenFlags, dotdot_ino: Option<u64>) -> Self {
        InodeFile {
            desc: OpenFileDescription::new(flags),
            loc,
            snapshot: Mutex::new(None),
            dotdot_ino,
        }
    }

    fn file_type(&self) -> FileType {
        self.loc.metadata().file_type
    }

    fn check_path(&self) -> SysResult<()> {
        if self.desc.is_path() {
            return err(Errno::EBADF, "operation on an O_PATH descriptor");
        }
        Ok(())
    }

    fn listing(&self) -> SysResult<Vec<DirEntry>> {
        let me = self.loc.metadata();
        let parent_ino = match self.dotdot_ino {
            Some(ino) => ino,
            None => self.loc.inode.lookup(b"..")?.metadata().ino,
        };
        let mut all = alloc::vec![
            DirEntry {
                ino: me.ino,
                file_type: FileType::Directory,
                name: b".".to_vec(),
            },
            DirEntry {
                ino: parent_ino,
                file_type: FileType::Directory,
                name: b"..".to_vec(),
            },
        ];
        all.extend(self.loc.inode.read_dir()?);
        Ok(all)
    }
}

impl FileOps for InodeFile {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    fn fstat(&self) -> SysResult<Metadata> {
        Ok(self.loc.metadata())
    }

    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        self.desc.check_readable()?;
        let mut off = self.desc.offset();
        let n = self.loc.inode.read_at(*off, buf)?;
        *off += n as u64;
        Ok(n)
    }

    fn write(&self, buf: &[u8]) -> SysResult<usize> {
        self.desc.check_writable()?;
        // generic_write_checks (mm/filemap.c) returns 0 for an empty write
        // before O_APPEND moves the offset or the times change.
        if buf.is_empty() {
            return Ok(0);
        }
        let mut off = self.desc.offset();
        if self.desc.is_append() {
            let (n, end) = self.loc.inode.append(buf)?;
            *off = end;
            return Ok(n);
        }
        let n = self.loc.inode.write_at(*off, buf)?;
        *off += n as u64;
        Ok(n)
    }

    /// Reads at `offset`; pread(2): EISDIR for a directory.
    fn pread(&self, buf: &mut [u8], offset: u64) -> SysResult<usize> {
        self.desc.check_readable()?;
        if offset > i64::MAX as u64 {
            return err(Errno::EINVAL, "negative pread offset");
        }
        self.loc.inode.read_at(offset, buf)
    }

    /// Writes at `offset`, except that under O_APPEND Linux appends
    /// (pwrite(2), BUGS).
    fn pwrite(&self, buf: &[u8], offset: u64) -> SysResult<usize> {
        self.desc.check_writable()?;
        if offset > i64::MAX as u64 {
            return err(Errno::EINVAL, "negative pwrite offset");
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if self.desc.is_append() {
            return self.loc.inode.append(buf).map(|(n, _)| n);
        }
        self.loc.inode.write_at(offset, buf)
    }

    /// Moves the offset (lseek(2)): EINVAL for a negative result, ENXIO
    /// for SEEK_DATA/SEEK_HOLE at or past the end. Seeking a directory to
    /// 0 refreshes its listing.
    fn lseek(&self, offset: i64, whence: Whence) -> SysResult<u64> {
        self.check_path()?;
        let mut off = self.desc.offset();
        let meta = self.loc.metadata();
        let base = match whence {
            Whence::Set => 0,
            Whence::Cur => *off,
            // A directory offset is a position in its listing: only
            // SEEK_SET and SEEK_CUR mean anything (fs/libfs.c
            // dcache_dir_lseek).
            _ if meta.is_dir() => return err(Errno::EINVAL, "lseek whence on a directory"),
            Whence::End => meta.size,
            Whence::Data | Whence::Hole => {
                if meta.file_type != FileType::Regular {
                    return err(Errno::EINVAL, "SEEK_DATA/SEEK_HOLE on a non-regular file");
                }
                let from = u64::try_from(offset)
                    .map_err(|_| super::error::error(Errno::ENXIO, "negative SEEK_DATA offset"))?;
                let pos = self.loc.inode.seek_data(from, whence == Whence::Data)?;
                *off = pos;
                return Ok(pos);
            }
        };
        let new = i64::try_from(base)
            .ok()
            .and_then(|b| b.checked_add(offset))
            .filter(|&n| n >= 0)
            .ok_or(super::error::error(
                Errno::EINVAL,
                "lseek to a negative offset",
            ))?;
        // new >= 0 checked above.
        *off = new as u64;
        if meta.is_dir() && new == 0 {
            *self.snapshot.lock() = None;
        }
        Ok(new as u64)
    }

    fn getdents64(&self, buf: &mut [u8]) -> SysResult<usize> {
        self.check_path()?;
        if self.file_type() != FileType::Directory {
            return err(Errno::ENOTDIR, "getdents on a non-directory");
        }
        let mut off = self.desc.offset();
        let mut snap = self.snapshot.lock();
        if snap.is_none() || *off == 0 {
            *snap = Some(self.listing()?);
        }
        let entries = snap.as_deref().unwrap_or(&[]);
        let mut used = 0;
        let start = usize::try_from(*off).unwrap_or(usize::MAX);
        for (i, e) in entries.iter().enumerate().skip(start) {
            // d_off is the offset of the next entry (getdents(2)).
            let next = i as i64 + 1;
            match encode_dirent64(
                &mut buf[used..],
                e.ino,
                next,
                e.file_type.dirent_type(),
                &e.name,
            ) {
                Some(n) => {
                    used += n;
                    *off = next as u64;
                }
                None if used == 0 => {
                    return err(Errno::EINVAL, "getdents buffer too small for an entry");
                }
                None => break,
            }
        }
        Ok(used)
    }

    /// Sets the size; ftruncate(2): EINVAL unless a regular file open for
    /// writing.
    fn ftruncate(&self, len: u64) -> SysResult<()> {
        self.check_path()?;
        if self.file_type() != FileType::Regular || !self.desc.access().writable() {
            return err(
                Errno::EINVAL,
                "ftruncate needs a regular file open for writing",
            );
        }
        self.loc.inode.truncate(len)
    }

    /// Changes the allocation; fallocate(2): EBADF unless open for
    /// writing, EISDIR for a directory, ENODEV for other non-regular files.
    fn fallocate(&self, mode: Fallocate, offset: u64, len: u64) -> SysResult<()> {
        self.desc.check_writable()?;
        match self.file_type() {
            FileType::Regular => self.loc.inode.allocate(mode, offset, len),
            FileType::Directory => err(Errno::EISDIR, "fallocate on a directory"),
            _ => err(Errno::ENODEV, "fallocate on a non-regular file"),
        }
    }

    fn fsync(&self) -> SysResult<()> {
        self.check_path()
    }

    fn shared_page(
        &self,
        idx: u64,
        p: &dyn crate::platform::Platform,
    ) -> SysResult<alloc::sync::Arc<dyn crate::platform::SharedPage>> {
        self.loc
            .inode
            .shared_page(idx, &mut || p.alloc_shared_page().ok())
    }

    fn loc(&self) -> Option<Loc> {
        Some(self.loc.clone())
    }
}

/// Wraps an inode file as the trait object the fd table holds.
pub fn open_inode(loc: Loc, flags: OpenFlags, dotdot_ino: Option<u64>) -> Arc<dyn FileOps> {
    Arc::new(InodeFile::new(loc, flags, dotdot_ino))
}
