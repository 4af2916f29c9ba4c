//! /dev: a fixed directory of character devices (null, zero, full, random,
//! urandom, console, tty; numbers from Documentation/admin-guide/devices.txt),
//! the /proc/self/fd symlinks libc and shells expect, and an empty `shm`
//! directory for a tmpfs mount. Randomness and console output come from
//! traits given at creation, so the devices never name the platform.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

use super::error::{err, error, Errno, SysResult};
use super::flags::OpenFlags;
use super::inode::Inode;
use super::tty::Console;
use super::types::{DevId, DirEntry, FileType, Metadata, Timespec};
use crate::fd::{FileOps, OpenFileDescription, PollEvents, Whence};

/// A source of random bytes for /dev/random and /dev/urandom.
pub trait RandomSource: Send + Sync {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// Where console and tty output goes (the serial port).
pub trait ConsoleSink: Send + Sync {
    /// Writes `bytes` to the console.
    fn write(&self, bytes: &[u8]);
}

/// Which device a /dev node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// /dev/null: reads EOF, writes vanish.
    Null,
    /// /dev/zero: reads zeros, writes vanish.
    Zero,
    /// /dev/full: reads zeros, writes ENOSPC.
    Full,
    /// /dev/random.
    Random,
    /// /dev/urandom.
    Urandom,
    /// /dev/console.
    Console,
    /// /dev/tty.
    Tty,
}

impl Device {
    /// Returns the device number (devices.txt: mem devices major 1, tty 5).
    pub fn rdev(self) -> DevId {
        match self {
            Device::Null => DevId::new(1, 3),
            Device::Zero => DevId::new(1, 5),
            Device::Full => DevId::new(1, 7),
            Device::Random => DevId::new(1, 8),
            Device::Urandom => DevId::new(1, 9),
            Device::Tty => DevId::new(5, 0),
            Device::Console => DevId::new(5, 1),
        }
    }
}

const ENTRIES: &[(&[u8], Option<Device>)] = &[
    (b"console", Some(Device::Console)),
    (b"fd", None),
    (b"full", Some(Device::Full)),
    (b"null", Some(Device::Null)),
    (b"random", Some(Device::Random)),
    (b"shm", None),
    (b"stderr", None),
    (b"stdin", None),
    (b"stdout", None),
    (b"tty", Some(Device::Tty)),
    (b"urandom", Some(Device::Urandom)),
    (b"zero", Some(Device::Zero)),
];

fn link_target(name: &[u8]) -> Option<&'static [u8]> {
    Some(match name {
        b"fd" => b"/proc/self/fd",
        b"stdin" => b"/proc/self/fd/0",
        b"stdout" => b"/proc/self/fd/1",
        b"stderr" => b"/proc/self/fd/2",
        _ => return None,
    })
}

struct Shared {
    dev: DevId,
    uid: u32,
    gid: u32,
    random: Arc<dyn RandomSource>,
    console: Arc<Console>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Root,
    Shm,
    Link(usize),
    Dev(Device),
}

/// An inode of /dev.
struct DevInode {
    fs: Arc<Shared>,
    which: Which,
    ino: u64,
}

/// Creates /dev and returns its root directory.
pub fn new_devfs(
    dev: DevId,
    uid: u32,
    gid: u32,
    random: Arc<dyn RandomSource>,
    console: Arc<dyn ConsoleSink>,
) -> Arc<dyn Inode> {
    let fs = Arc::new(Shared {
        dev,
        uid,
        gid,
        random,
        console: Arc::new(Console::new(console)),
    });
    Arc::new(DevInode {
        fs,
        which: Which::Root,
        ino: 2,
    })
}

impl DevInode {
    fn child(&self, idx: usize) -> DevInode {
        let (name, dev) = ENTRIES[idx];
        let which = match dev {
            Some(d) => Which::Dev(d),
            None if name == b"shm" => Which::Shm,
            None => Which::Link(idx),
        };
        DevInode {
            fs: self.fs.clone(),
            which,
            ino: idx as u64 + 3,
        }
    }

    fn is_dir(&self) -> bool {
        matches!(self.which, Which::Root | Which::Shm)
    }
}

impl Inode for DevInode {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn metadata(&self) -> Metadata {
        let (file_type, perm, rdev, size) = match self.which {
            Which::Root | Which::Shm => (FileType::Directory, 0o755, DevId::default(), 0),
            Which::Link(i) => (
                FileType::Symlink,
                0o777,
                DevId::default(),
                link_target(ENTRIES[i].0).map_or(0, |t| t.len() as u64),
            ),
            Which::Dev(d) => {
                let perm = match d {
                    Device::Console => 0o600,
                    _ => 0o666,
                };
                (FileType::CharDevice, perm, d.rdev(), 0)
            }
        };
        let nlink = match self.which {
            Which::Root => 3,
            Which::Shm => 2,
            _ => 1,
        };
        Metadata {
            dev: self.fs.dev,
            ino: self.ino,
            file_type,
            perm,
            nlink,
            uid: self.fs.uid,
            gid: self.fs.gid,
            rdev,
            size,
            blocks: 0,
            blksize: 4096,
            atime: Timespec::default(),
            mtime: Timespec::default(),
            ctime: Timespec::default(),
        }
    }

    fn lookup(&self, name: &[u8]) -> SysResult<Arc<dyn Inode>> {
        match self.which {
            Which::Root | Which::Shm if name == b".." => Ok(Arc::new(DevInode {
                fs: self.fs.clone(),
                which: Which::Root,
                ino: 2,
            })),
            Which::Root => {
                let idx = ENTRIES
                    .iter()
                    .position(|(n, _)| *n == name)
                    .ok_or(error(Errno::ENOENT, "no such device"))?;
                Ok(Arc::new(self.child(idx)))
            }
            Which::Shm => err(Errno::ENOENT, "no such entry"),
            _ => err(Errno::ENOTDIR, "lookup in a non-directory"),
        }
    }

    fn read_dir(&self) -> SysResult<Vec<DirEntry>> {
        match self.which {
            Which::Root => Ok((0..ENTRIES.len())
                .map(|i| {
                    let c = self.child(i);
                    DirEntry {
                        ino: c.ino,
                        file_type: c.metadata().file_type,
                        name: ENTRIES[i].0.to_vec(),
                    }
                })
                .collect()),
            Which::Shm => Ok(Vec::new()),
            _ => err(Errno::ENOTDIR, "readdir of a non-directory"),
        }
    }

    fn readlink(&self) -> SysResult<Vec<u8>> {
        match self.which {
            Which::Link(i) => link_target(ENTRIES[i].0)
                .map(<[u8]>::to_vec)
                .ok_or(error(Errno::EINVAL, "readlink of a non-symlink")),
            _ => err(Errno::EINVAL, "readlink of a non-symlink"),
        }
    }

    fn read_at(&self, _offset: u64, _buf: &mut [u8]) -> SysResult<usize> {
        if self.is_dir() {
            return err(Errno::EISDIR, "read of a directory");
        }
        err(Errno::EINVAL, "device read goes through its open file")
    }

    fn open_special(&self, flags: OpenFlags) -> SysResult<Option<Arc<dyn FileOps>>> {
        let Which::Dev(device) = self.which else {
            return Ok(None);
        };
        Ok(Some(Arc::new(DevFile {
            desc: OpenFileDescription::new(flags),
            device,
            meta: self.metadata(),
            fs: self.fs.clone(),
        })))
    }
}

/// An open /dev device.
struct DevFile {
    desc: OpenFileDescription,
    device: Device,
    meta: Metadata,
    fs: Arc<Shared>,
}

impl FileOps for DevFile {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    fn fstat(&self) -> SysResult<Metadata> {
        Ok(self.meta)
    }

    /// Reads per null(4), zero(4), random(4); the console has no input
    /// source yet and reads end of file.
    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        self.desc.check_readable()?;
        match self.device {
            Device::Null | Device::Console | Device::Tty => Ok(0),
            Device::Zero | Device::Full => {
                buf.fill(0);
                Ok(buf.len())
            }
            Device::Random | Device::Urandom => {
                self.fs.random.fill(buf);
                Ok(buf.len())
            }
        }
    }

    /// Writes per null(4); full(4) gives ENOSPC whatever the length, zero
    /// included (Linux's write_full in drivers/char/mem.c ignores the
    /// count); writes to random(4) are accepted (they would only mix
    /// entropy); console output goes to the sink.
    fn write(&self, buf: &[u8]) -> SysResult<usize> {
        self.desc.check_writable()?;
        match self.device {
            Device::Full => err(Errno::ENOSPC, "write to /dev/full"),
            Device::Console | Device::Tty => {
                self.fs.console.write(buf);
                Ok(buf.len())
            }
            _ => Ok(buf.len()),
        }
    }

    fn pread(&self, buf: &mut [u8], _offset: u64) -> SysResult<usize> {
        match self.device {
            Device::Console | Device::Tty => err(Errno::ESPIPE, "pread on a tty"),
            _ => self.read(buf),
        }
    }

    fn pwrite(&self, buf: &[u8], _offset: u64) -> SysResult<usize> {
        match self.device {
            Device::Console | Device::Tty => err(Errno::ESPIPE, "pwrite on a tty"),
            _ => self.write(buf),
        }
    }

    /// Seeks succeed and return 0 on the memory devices (null(4): "seeking
    /// ... always succeeds"); a tty is not seekable (ESPIPE).
    fn lseek(&self, _offset: i64, _whence: Whence) -> SysResult<u64> {
        match self.device {
            Device::Console | Device::Tty => err(Errno::ESPIPE, "lseek on a tty"),
            _ => Ok(0),
        }
    }

    fn ioctl(
        &self,
        cmd: u32,
        arg: crate::platform::UserAddr,
        mem: &mut dyn crate::fd::UserMemory,
    ) -> SysResult<u64> {
        match self.device {
            Device::Console | Device::Tty => self.fs.console.ioctl(cmd, arg, mem),
            _ => err(Errno::ENOTTY, "ioctl on a memory device"),
        }
    }

    fn poll(&self) -> PollEvents {
        PollEvents::DEFAULT
    }

    fn fsync(&self) -> SysResult<()> {
        match self.device {
            Device::Console | Device::Tty => Ok(()),
            _ => err(Errno::EINVAL, "fsync on a memory device"),
        }
    }
}
