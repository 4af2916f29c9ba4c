//! Pipes (pipe(7)): a byte ring shared by a read end and a write end, each
//! an open file ([`PipeEnd`]). Follows fs/pipe.c: 64 KiB default capacity,
//! writes of at most `PIPE_BUF` bytes are atomic (all or EAGAIN), larger
//! ones move what fits; reading an empty pipe with no writers is end of
//! file, writing with no readers is EPIPE (the write handler raises
//! SIGPIPE, as `pipe_write` does). Ends drop their count when the last fd
//! of the description closes, which notifies the other side (EOF/HUP).

use alloc::collections::VecDeque;
use alloc::sync::Arc;

use spin::Mutex;

use super::{anon_metadata, ev, next_ino};
use crate::fd::{FileOps, OpenFileDescription, PollEvents, UserMemory};
use crate::platform::UserAddr;
use crate::vfs::error::{err, Errno, SysResult};
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{FileType, Metadata};
use crate::wait::{WaitHub, WaitQueue};

/// Bytes a write moves atomically (limits.h `PIPE_BUF`, pipe(7)).
pub const PIPE_BUF: usize = 4096;
/// Default capacity (pipe(7): "16 pages", 65,536 bytes).
pub const DEFAULT_CAPACITY: usize = 65_536;
/// Largest capacity F_SETPIPE_SZ grants without privilege
/// (/proc/sys/fs/pipe-max-size default, 1 MiB).
pub const MAX_CAPACITY: usize = 1 << 20;
/// FIONREAD (asm-generic/ioctls.h): bytes ready to read.
pub const FIONREAD: u32 = 0x541b;

#[derive(Debug)]
struct Ring {
    bytes: VecDeque<u8>,
    capacity: usize,
    readers: usize,
    writers: usize,
}

impl Ring {
    fn free(&self) -> usize {
        self.capacity.saturating_sub(self.bytes.len())
    }
}

/// The pipe both ends share.
#[derive(Debug)]
pub struct Pipe {
    ring: Mutex<Ring>,
    queue: WaitQueue,
    ino: u64,
}

impl Pipe {
    /// Returns the bytes waiting to be read.
    pub fn len(&self) -> usize {
        self.ring.lock().bytes.len()
    }

    /// Tells whether no bytes are waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the capacity (F_GETPIPE_SZ).
    pub fn capacity(&self) -> usize {
        self.ring.lock().capacity
    }

    /// Changes the capacity (F_SETPIPE_SZ): rounded up to a power-of-two
    /// number of pages, at least one page; returns the new capacity.
    ///
    /// # Errors
    /// EINVAL above 2^31 (fcntl(2) rejects sizes it cannot round), EPERM
    /// above [`MAX_CAPACITY`], EBUSY if the bytes held do not fit.
    pub fn set_capacity(&self, want: u64) -> SysResult<usize> {
        if want > 1 << 31 {
            return err(Errno::EINVAL, "pipe size above 2^31");
        }
        let want = usize::try_from(want).unwrap_or(usize::MAX).max(PIPE_BUF);
        let size = want.next_power_of_two();
        if size > MAX_CAPACITY {
            return err(Errno::EPERM, "pipe size above pipe-max-size");
        }
        {
            let mut r = self.ring.lock();
            if r.bytes.len() > size {
                return err(Errno::EBUSY, "pipe holds more than the new size");
            }
            r.capacity = size;
        }
        self.queue.notify(ev::OUT | ev::WRNORM);
        Ok(size)
    }
}

/// One end of a pipe, as an open file.
#[derive(Debug)]
pub struct PipeEnd {
    pipe: Arc<Pipe>,
    desc: OpenFileDescription,
    writer: bool,
}

/// Creates a pipe and returns its (read end, write end); `flags` may hold
/// O_NONBLOCK and O_DIRECT (kept in both descriptions, pipe2(2)).
pub fn pipe_pair(hub: &Arc<WaitHub>, flags: u32) -> (Arc<PipeEnd>, Arc<PipeEnd>) {
    let pipe = Arc::new(Pipe {
        ring: Mutex::new(Ring {
            bytes: VecDeque::new(),
            capacity: DEFAULT_CAPACITY,
            readers: 1,
            writers: 1,
        }),
        queue: WaitQueue::new(hub),
        ino: next_ino(),
    });
    let keep = flags & (o::NONBLOCK | o::DIRECT);
    let desc =
        |mode: u32| {
            OpenFileDescription::new(OpenFlags::try_from(mode | keep).unwrap_or_else(|_| {
                OpenFlags::try_from(mode).expect("plain access modes are valid")
            }))
        };
    let r = Arc::new(PipeEnd {
        pipe: pipe.clone(),
        desc: desc(o::RDONLY),
        writer: false,
    });
    let w = Arc::new(PipeEnd {
        pipe,
        desc: desc(o::WRONLY),
        writer: true,
    });
    (r, w)
}

impl PipeEnd {
    /// Returns the shared pipe (fcntl's pipe-size commands).
    pub fn pipe(&self) -> &Arc<Pipe> {
        &self.pipe
    }

    /// Tells whether this is the write end.
    pub fn is_writer(&self) -> bool {
        self.writer
    }
}

impl Drop for PipeEnd {
    /// The last fd of this end closed: the other side sees EOF or EPIPE.
    fn drop(&mut self) {
        {
            let mut r = self.pipe.ring.lock();
            if self.writer {
                r.writers = r.writers.saturating_sub(1);
            } else {
                r.readers = r.readers.saturating_sub(1);
            }
        }
        let events = if self.writer {
            ev::IN | ev::HUP
        } else {
            ev::OUT | ev::ERR
        };
        self.pipe.queue.notify(events);
    }
}

impl FileOps for PipeEnd {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }

    /// pipe(7) inodes are FIFOs, mode 0600, st_blksize one page.
    fn fstat(&self) -> SysResult<Metadata> {
        Ok(anon_metadata(FileType::Fifo, 0o600, self.pipe.ino, 4096))
    }

    /// Reads what is there (at most `buf.len()`); 0 at end of file;
    /// EAGAIN when empty with writers left.
    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        self.desc.check_readable()?;
        if buf.is_empty() {
            return Ok(0);
        }
        let n = {
            let mut r = self.pipe.ring.lock();
            if r.bytes.is_empty() {
                if r.writers == 0 {
                    return Ok(0);
                }
                return err(Errno::EAGAIN, "pipe empty");
            }
            let n = buf.len().min(r.bytes.len());
            for (d, s) in buf.iter_mut().zip(r.bytes.drain(..n)) {
                *d = s;
            }
            n
        };
        self.pipe.queue.notify(ev::OUT | ev::WRNORM);
        Ok(n)
    }

    /// Writes all of `buf` if it fits; at most PIPE_BUF bytes are atomic
    /// (EAGAIN rather than a partial write), more moves what fits.
    fn write(&self, buf: &[u8]) -> SysResult<usize> {
        self.desc.check_writable()?;
        let n = {
            let mut r = self.pipe.ring.lock();
            // pipe_write returns 0 for an empty write before it looks at
            // the readers.
            if buf.is_empty() {
                return Ok(0);
            }
            if r.readers == 0 {
                return err(Errno::EPIPE, "pipe has no readers");
            }
            let free = r.free();
            if free == 0 || (buf.len() <= PIPE_BUF && free < buf.len()) {
                return err(Errno::EAGAIN, "pipe full");
            }
            let n = buf.len().min(free);
            r.bytes.extend(&buf[..n]);
            n
        };
        self.pipe.queue.notify(ev::IN | ev::RDNORM);
        Ok(n)
    }

    /// FIONREAD gives the bytes ready to read (pipe(7)).
    fn ioctl(&self, cmd: u32, arg: UserAddr, mem: &mut dyn UserMemory) -> SysResult<u64> {
        match cmd {
            FIONREAD => {
                let n = i32::try_from(self.pipe.len()).unwrap_or(i32::MAX);
                mem.copy_out(arg, &n.to_le_bytes())?;
                Ok(0)
            }
            _ => err(Errno::ENOTTY, "ioctl on a pipe"),
        }
    }

    /// The read end: IN when bytes wait, HUP with no writers; the write
    /// end: OUT when a page is free, ERR with no readers (`pipe_poll`).
    fn poll(&self) -> PollEvents {
        let r = self.pipe.ring.lock();
        let mut m = 0u32;
        if self.writer {
            if r.free() >= PIPE_BUF.min(r.capacity) {
                m |= ev::OUT | ev::WRNORM;
            }
            if r.readers == 0 {
                m |= ev::ERR;
            }
        } else {
            if !r.bytes.is_empty() {
                m |= ev::IN | ev::RDNORM;
            }
            if r.writers == 0 {
                m |= ev::HUP;
            }
        }
        PollEvents(u16::try_from(m).unwrap_or(0))
    }

    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.pipe.queue)
    }
}
