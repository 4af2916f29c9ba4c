//! eventfd (eventfd(2)): a 64-bit counter. A write adds its 8-byte value
//! (EAGAIN if the sum would pass 0xffff_ffff_ffff_fffe); a read returns the
//! counter and zeroes it, or with EFD_SEMAPHORE returns 1 and decrements;
//! EAGAIN when the counter is 0 (fs/eventfd.c).

use alloc::sync::Arc;

use spin::Mutex;

use super::{anon_metadata, ev, next_ino};
use crate::fd::{FileOps, OpenFileDescription, PollEvents, UserMemory};
use crate::platform::UserAddr;
use crate::vfs::error::{err, Errno, SysResult};
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{FileType, Metadata};
use crate::wait::{WaitHub, WaitQueue};

/// The largest value the counter holds (eventfd(2)).
pub const MAX_COUNT: u64 = u64::MAX - 1;

/// An eventfd object.
#[derive(Debug)]
pub struct EventFd {
    count: Mutex<u64>,
    semaphore: bool,
    desc: OpenFileDescription,
    queue: WaitQueue,
    ino: u64,
}

impl EventFd {
    /// Creates an eventfd with counter `initval`; `nonblock` sets
    /// O_NONBLOCK, `semaphore` is EFD_SEMAPHORE.
    pub fn new(hub: &Arc<WaitHub>, initval: u32, nonblock: bool, semaphore: bool) -> Arc<EventFd> {
        let mode = o::RDWR | if nonblock { o::NONBLOCK } else { 0 };
        Arc::new(EventFd {
            count: Mutex::new(u64::from(initval)),
            semaphore,
            desc: OpenFileDescription::new(
                OpenFlags::try_from(mode).expect("O_RDWR|O_NONBLOCK is valid"),
            ),
            queue: WaitQueue::new(hub),
            ino: next_ino(),
        })
    }

    /// Returns the counter.
    pub fn count(&self) -> u64 {
        *self.count.lock()
    }
}

impl FileOps for EventFd {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }

    /// Linux reports an anon_inode, mode 0600 without type bits; `FileType`
    /// has no such value, so the type here is Regular.
    fn fstat(&self) -> SysResult<Metadata> {
        Ok(anon_metadata(FileType::Regular, 0o600, self.ino, 4096))
    }

    /// Returns the 8-byte counter value (or 1 in semaphore mode).
    ///
    /// # Errors
    /// EINVAL for a buffer under 8 bytes, EAGAIN when the counter is 0.
    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        if buf.len() < 8 {
            return err(Errno::EINVAL, "eventfd read buffer under 8 bytes");
        }
        let v = {
            let mut c = self.count.lock();
            if *c == 0 {
                return err(Errno::EAGAIN, "eventfd counter is 0");
            }
            let v = if self.semaphore { 1 } else { *c };
            *c -= v;
            v
        };
        buf[..8].copy_from_slice(&v.to_le_bytes());
        self.queue.notify(ev::OUT | ev::WRNORM);
        Ok(8)
    }

    /// Adds the 8-byte value to the counter.
    ///
    /// # Errors
    /// EINVAL for a buffer under 8 bytes or the value 2^64-1, EAGAIN if
    /// the counter would pass [`MAX_COUNT`].
    fn write(&self, buf: &[u8]) -> SysResult<usize> {
        let Some(b) = buf.get(..8) else {
            return err(Errno::EINVAL, "eventfd write buffer under 8 bytes");
        };
        let mut w = [0u8; 8];
        w.copy_from_slice(b);
        let v = u64::from_le_bytes(w);
        if v == u64::MAX {
            return err(Errno::EINVAL, "eventfd write of 0xffffffffffffffff");
        }
        {
            let mut c = self.count.lock();
            if MAX_COUNT - *c < v {
                return err(Errno::EAGAIN, "eventfd counter would overflow");
            }
            *c += v;
        }
        if v > 0 {
            self.queue.notify(ev::IN | ev::RDNORM);
        }
        Ok(8)
    }

    /// FIONREAD is not an eventfd ioctl; none are.
    fn ioctl(&self, _cmd: u32, _arg: UserAddr, _mem: &mut dyn UserMemory) -> SysResult<u64> {
        err(Errno::ENOTTY, "ioctl on an eventfd")
    }

    /// IN when the counter is above 0, OUT while a write of 1 would fit.
    fn poll(&self) -> PollEvents {
        let c = *self.count.lock();
        let mut m = 0u32;
        if c > 0 {
            m |= ev::IN | ev::RDNORM;
        }
        if c < MAX_COUNT {
            m |= ev::OUT | ev::WRNORM;
        }
        PollEvents(u16::try_from(m).unwrap_or(0))
    }

    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.queue)
    }
}
