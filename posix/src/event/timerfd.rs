//! timerfd (timerfd_create(2)): a timer whose expirations are read as an
//! 8-byte count. Deadlines are kept on the monotonic clock; CLOCK_REALTIME
//! absolute times are converted when set (the VM's wall clock never
//! steps, so TFD_TIMER_CANCEL_ON_SET never fires). The time of the
//! current system call comes from the `WaitHub`; nothing notifies an
//! expiry, so the object reports [`FileOps::ready_at`] and waiters bound
//! their block by it.

use alloc::sync::Arc;

use spin::Mutex;

use super::{anon_metadata, ev, next_ino};
use crate::fd::{FileOps, OpenFileDescription, PollEvents};
use crate::vfs::error::{err, Errno, SysResult};
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{FileType, Metadata};
use crate::wait::{WaitHub, WaitQueue};

/// An `itimerspec` in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimerSpec {
    /// Period after the first expiry (0: one-shot).
    pub interval_ns: u64,
    /// Time to the first expiry (0: disarmed).
    pub value_ns: u64,
}

#[derive(Debug, Default)]
struct Timer {
    /// Monotonic time of the next expiry, if armed.
    next: Option<u64>,
    interval: u64,
    /// Expirations not yet read.
    ticks: u64,
}

impl Timer {
    /// Counts expirations up to `now`; returns whether any were new.
    fn update(&mut self, now: u64) -> bool {
        let Some(n) = self.next else { return false };
        if n > now {
            return false;
        }
        match (now - n).checked_div(self.interval) {
            Some(q) => {
                let k = q + 1;
                self.ticks = self.ticks.saturating_add(k);
                self.next = Some(n.saturating_add(k.saturating_mul(self.interval)));
            }
            None => {
                self.ticks = self.ticks.saturating_add(1);
                self.next = None;
            }
        }
        true
    }

    fn current(&self, now: u64) -> TimerSpec {
        TimerSpec {
            interval_ns: self.interval,
            value_ns: self.next.map_or(0, |n| n.saturating_sub(now).max(1)),
        }
    }
}

/// A timerfd object.
#[derive(Debug)]
pub struct TimerFd {
    timer: Mutex<Timer>,
    clock: i32,
    desc: OpenFileDescription,
    queue: WaitQueue,
    ino: u64,
}

impl TimerFd {
    /// Creates a disarmed timer on `clock` (already validated).
    pub fn new(hub: &Arc<WaitHub>, clock: i32, nonblock: bool) -> Arc<TimerFd> {
        let mode = o::RDWR | if nonblock { o::NONBLOCK } else { 0 };
        Arc::new(TimerFd {
            timer: Mutex::new(Timer::default()),
            clock,
            desc: OpenFileDescription::new(
                OpenFlags::try_from(mode).expect("O_RDWR|O_NONBLOCK is valid"),
            ),
            queue: WaitQueue::new(hub),
            ino: next_ino(),
        })
    }

    /// Returns the clock id the timer was created on.
    pub fn clock(&self) -> i32 {
        self.clock
    }

    fn now(&self) -> u64 {
        self.queue.hub().now_ns()
    }

    /// Counts expirations up to now, notifying waiters of new ones.
    fn refresh(&self) {
        let now = self.now();
        let fired = self.timer.lock().update(now);
        if fired {
            self.queue.notify(ev::IN | ev::RDNORM);
        }
    }

    /// Arms (or with a zero value disarms) the timer and returns the old
    /// setting (timerfd_settime(2)). `abs_offset` is `Some(now on the
    /// timer's clock)` for TFD_TIMER_ABSTIME: the value is then a time on
    /// that clock, converted to the monotonic clock now.
    pub fn settime(&self, new: TimerSpec, abs_offset: Option<u64>) -> TimerSpec {
        let now = self.now();
        let old = {
            let mut t = self.timer.lock();
            t.update(now);
            let old = t.current(now);
            t.ticks = 0;
            t.interval = new.interval_ns;
            t.next = if new.value_ns == 0 {
                None
            } else {
                let rel = match abs_offset {
                    Some(clock_now) => new.value_ns.saturating_sub(clock_now),
                    None => new.value_ns,
                };
                Some(now.saturating_add(rel))
            };
            old
        };
        // Waiters recompute their deadlines (and epoll re-checks the item).
        self.queue.notify(0);
        old
    }

    /// Returns the current setting: the interval and the time left to the
    /// next expiry, 0 when disarmed (timerfd_gettime(2)).
    pub fn gettime(&self) -> TimerSpec {
        let now = self.now();
        let mut t = self.timer.lock();
        t.update(now);
        t.current(now)
    }
}

impl FileOps for TimerFd {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }

    /// An anon_inode (see `EventFd::fstat`).
    fn fstat(&self) -> SysResult<Metadata> {
        Ok(anon_metadata(FileType::Regular, 0o600, self.ino, 4096))
    }

    /// Returns the expirations since the last read as 8 bytes.
    ///
    /// # Errors
    /// EINVAL for a buffer under 8 bytes, EAGAIN before the next expiry.
    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        if buf.len() < 8 {
            return err(Errno::EINVAL, "timerfd read buffer under 8 bytes");
        }
        let now = self.now();
        let ticks = {
            let mut t = self.timer.lock();
            t.update(now);
            core::mem::take(&mut t.ticks)
        };
        if ticks == 0 {
            return err(Errno::EAGAIN, "timer has not expired");
        }
        buf[..8].copy_from_slice(&ticks.to_le_bytes());
        Ok(8)
    }

    /// IN once the timer has expired since the last read.
    fn poll(&self) -> PollEvents {
        self.refresh();
        if self.timer.lock().ticks > 0 {
            PollEvents(u16::try_from(ev::IN | ev::RDNORM).unwrap_or(0))
        } else {
            PollEvents(0)
        }
    }

    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.queue)
    }

    fn ready_at(&self) -> Option<u64> {
        self.timer.lock().next
    }
}
