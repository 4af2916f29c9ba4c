//! Waiting on objects: [`WaitQueue`] (the threads and watchers an object
//! wakes when its readiness may have changed) and [`WaitHub`] (the
//! process-wide list of threads to wake once the current system call ends,
//! plus that call's clock). Objects never see the platform: a notification
//! records thread ids in the hub, and `Process::syscall` hands them to
//! `Platform::wake` after the handler (and any file drops) ran. Watchers
//! are how epoll keeps a ready list instead of scanning (like
//! `ep_poll_callback`, fs/eventpoll.c). Neighbours: `fd::FileOps::wait_queue`
//! and `ready_at` (what an object exposes), `sys::poll` (the waiting calls),
//! `Cx::block_carrying` (the block itself).

use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use spin::Mutex;

use crate::args::UserSlice;
use crate::errno::{Errno, SysError, SysResult};
use crate::fd::FileOps;
use crate::platform::{Platform, Tid};
use crate::process::Cx;

/// How deep watcher notifications recurse (epoll in epoll in ...);
/// Linux refuses nesting beyond `EP_MAX_NESTS` = 4 (fs/eventpoll.c).
pub const MAX_NOTIFY_DEPTH: u8 = 5;

/// The process-wide side of waiting: threads to wake when the current
/// system call ends, and the monotonic time the call started at (objects
/// whose readiness depends on time, timerfd, read it here).
#[derive(Debug, Default)]
pub struct WaitHub {
    pending: Mutex<Vec<Tid>>,
    now_ns: AtomicU64,
}

impl WaitHub {
    /// Creates an empty hub.
    pub fn new() -> Arc<WaitHub> {
        Arc::new(WaitHub::default())
    }

    /// Returns the monotonic time recorded for the current system call.
    pub fn now_ns(&self) -> u64 {
        self.now_ns.load(Ordering::Relaxed)
    }

    /// Records the monotonic time at the start of a system call (and after
    /// every block, since the handler runs again).
    pub fn set_now(&self, ns: u64) {
        self.now_ns.store(ns, Ordering::Relaxed);
    }

    fn defer_wake(&self, tid: Tid) {
        let mut p = self.pending.lock();
        if !p.contains(&tid) {
            p.push(tid);
        }
    }

    /// Takes the threads to wake (for tests and [`WaitHub::flush`]).
    pub fn take(&self) -> Vec<Tid> {
        core::mem::take(&mut *self.pending.lock())
    }

    /// Wakes every thread notified since the last flush.
    pub fn flush(&self, p: &dyn Platform) {
        for tid in self.take() {
            p.wake(tid);
        }
    }
}

/// Something told about an object's readiness changes besides threads: an
/// epoll item (it puts itself on its epoll's ready list).
pub trait Watcher: Send + Sync {
    /// Reports that events `events` (poll bits; 0 = "look again") may have
    /// happened; `depth` counts nested notifications.
    fn notify(&self, events: u32, depth: u8);
}

#[derive(Default)]
struct Waiters {
    threads: Vec<Tid>,
    watchers: Vec<Weak<dyn Watcher>>,
}

/// The waiters of one object. A thread registers before it blocks and is
/// removed when notified, so it registers again on each re-run; watchers
/// stay until their owner drops them.
pub struct WaitQueue {
    hub: Arc<WaitHub>,
    waiters: Mutex<Waiters>,
}

impl core::fmt::Debug for WaitQueue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let w = self.waiters.lock();
        f.debug_struct("WaitQueue")
            .field("threads", &w.threads)
            .field("watchers", &w.watchers.len())
            .finish()
    }
}

impl WaitQueue {
    /// Creates an empty queue whose notifications go to `hub`.
    pub fn new(hub: &Arc<WaitHub>) -> WaitQueue {
        WaitQueue {
            hub: hub.clone(),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// Returns the hub (for the clock).
    pub fn hub(&self) -> &Arc<WaitHub> {
        &self.hub
    }

    /// Registers thread `tid` (idempotent).
    pub fn add_thread(&self, tid: Tid) {
        let mut w = self.waiters.lock();
        if !w.threads.contains(&tid) {
            w.threads.push(tid);
        }
    }

    /// Unregisters thread `tid` (a wait that ended for another reason).
    pub fn remove_thread(&self, tid: Tid) {
        self.waiters.lock().threads.retain(|&t| t != tid);
    }

    /// Returns the registered threads (tests).
    pub fn threads(&self) -> Vec<Tid> {
        self.waiters.lock().threads.clone()
    }

    /// Adds a watcher; it stays until the `Arc` behind it is dropped.
    pub fn add_watcher(&self, w: Weak<dyn Watcher>) {
        let mut ws = self.waiters.lock();
        ws.watchers.retain(|x| x.strong_count() > 0);
        ws.watchers.push(w);
    }

    /// Tells every waiter that `events` may have happened: threads are
    /// woken (and unregistered) when the system call ends, watchers are
    /// told now.
    pub fn notify(&self, events: u32) {
        self.notify_depth(events, 0);
    }

    /// Like [`WaitQueue::notify`], from inside a watcher at `depth`.
    pub fn notify_depth(&self, events: u32, depth: u8) {
        let (threads, watchers) = {
            let mut w = self.waiters.lock();
            w.watchers.retain(|x| x.strong_count() > 0);
            let live: Vec<Arc<dyn Watcher>> = w.watchers.iter().filter_map(Weak::upgrade).collect();
            (core::mem::take(&mut w.threads), live)
        };
        for t in threads {
            self.hub.defer_wake(t);
        }
        if depth < MAX_NOTIFY_DEPTH {
            for w in watchers {
                w.notify(events, depth + 1);
            }
        }
    }
}

/// Returns the earlier of two optional deadlines (`None` = never).
pub fn earliest(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Registers the calling thread on each file's queue and asks to block
/// until one notifies, one's `ready_at` passes, or `deadline`; `carry` is
/// handed back to the re-run in `cx.resume` (e.g. the user's deadline or
/// the bytes already moved). Returns the error the handler returns now.
pub(crate) fn block_on(
    cx: &mut Cx<'_>,
    files: &[&Arc<dyn FileOps>],
    deadline: Option<u64>,
    carry: u64,
) -> SysError {
    let tid = cx.p.current_tid();
    let mut d = deadline;
    for f in files {
        if let Some(q) = f.wait_queue() {
            q.add_thread(tid);
        }
        d = earliest(d, f.ready_at());
    }
    cx.block_carrying(d, carry)
}

/// Unregisters the calling thread from each file's queue (a wait ended).
pub(crate) fn unblock_from(cx: &Cx<'_>, files: &[&Arc<dyn FileOps>]) {
    let tid = cx.p.current_tid();
    for f in files {
        if let Some(q) = f.wait_queue() {
            q.remove_thread(tid);
        }
    }
}

/// Tells whether a would-block result on `f` means waiting: the
/// description is blocking and the object has a queue to wait on.
pub(crate) fn blocks(f: &Arc<dyn FileOps>) -> bool {
    !f.description().is_nonblocking() && f.wait_queue().is_some()
}

/// Finishes a read-like call on `f`: EAGAIN on a blocking description
/// becomes a wait on the object (the handler runs again when notified).
pub(crate) fn read_or_wait(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    r: SysResult<usize>,
) -> SysResult<usize> {
    match r {
        Err(e) if e.errno == Errno::EAGAIN && blocks(f) => Err(block_on(cx, &[f], None, 0)),
        r => {
            unblock_from(cx, &[f]);
            r
        }
    }
}

/// Runs a write-like call on `f` for `buf` to completion as Linux does on
/// a blocking pipe: what fits is written, then the thread waits for room
/// and goes on, the bytes already written carried across re-runs. EPIPE
/// raises SIGPIPE at the calling thread (fs/pipe.c `pipe_write`); an
/// error after some bytes returns the count.
pub(crate) fn write_or_wait(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    buf: UserSlice,
    op: impl FnOnce(&mut Cx<'_>, &Arc<dyn FileOps>, UserSlice) -> SysResult<usize>,
) -> SysResult<usize> {
    let done = cx
        .resume
        .map_or(0, |r| usize::try_from(r.carry).unwrap_or(0));
    let rest = UserSlice {
        addr: buf
            .addr
            .checked_add(crate::args::ret_usize(done))
            .unwrap_or(buf.addr),
        len: buf.len.saturating_sub(done),
    };
    let r = op(cx, f, rest);
    let total = match r {
        Ok(n) => done + n,
        Err(e) if e.errno == Errno::EAGAIN && blocks(f) => {
            return Err(block_on(cx, &[f], None, crate::args::ret_usize(done)));
        }
        Err(e) => {
            if e.errno == Errno::EPIPE {
                raise_sigpipe(cx);
            }
            if done == 0 {
                unblock_from(cx, &[f]);
                return Err(e);
            }
            done
        }
    };
    if total < buf.len.min(crate::sys::MAX_RW_COUNT) && r.is_ok() && blocks(f) {
        return Err(block_on(cx, &[f], None, crate::args::ret_usize(total)));
    }
    unblock_from(cx, &[f]);
    Ok(total)
}

/// Sends SIGPIPE to the calling thread (`send_sig(SIGPIPE, current, 0)`):
/// the default action ends the program with status 141; ignored, the
/// write just fails with EPIPE.
pub(crate) fn raise_sigpipe(cx: &mut Cx<'_>) {
    const SIGPIPE: u32 = 13;
    let info = crate::signal::SigInfo {
        code: crate::signal::frame::code::SI_USER,
        pid: 1,
        uid: cx.st.id.uid,
        addr: 0,
    };
    let tid = cx.p.current_tid();
    crate::signal::send(cx, SIGPIPE, Some(tid), info);
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::AtomicU32;

    struct Count(AtomicU32);
    impl Watcher for Count {
        fn notify(&self, events: u32, _depth: u8) {
            self.0.fetch_add(events, Ordering::Relaxed);
        }
    }

    #[test]
    fn notify_moves_threads_to_the_hub_once() {
        let hub = WaitHub::new();
        let q = WaitQueue::new(&hub);
        q.add_thread(3);
        q.add_thread(3);
        q.add_thread(5);
        assert_eq!(q.threads(), [3, 5]);
        q.notify(1);
        assert!(q.threads().is_empty());
        q.add_thread(3);
        q.notify(1);
        assert_eq!(hub.take(), [3, 5]);
        assert!(hub.take().is_empty());
        let p = crate::mock::MockPlatform::default();
        q.add_thread(9);
        q.notify(4);
        hub.flush(&p);
        assert_eq!(*p.wakes.borrow(), [9]);
    }

    #[test]
    fn watchers_live_as_long_as_their_arc() {
        let hub = WaitHub::new();
        let q = WaitQueue::new(&hub);
        let c = Arc::new(Count(AtomicU32::new(0)));
        let w: Arc<dyn Watcher> = c.clone();
        q.add_watcher(Arc::downgrade(&w));
        q.notify(4);
        q.notify(1);
        assert_eq!(c.0.load(Ordering::Relaxed), 5);
        drop(w);
        drop(c);
        q.notify(1);
        q.remove_thread(1);
        assert_eq!(earliest(Some(3), None), Some(3));
        assert_eq!(earliest(Some(3), Some(2)), Some(2));
        assert_eq!(earliest(None, None), None);
    }
}
