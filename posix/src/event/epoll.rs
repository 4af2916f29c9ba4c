//! epoll instances (epoll(7)). An interest list keyed like Linux's
//! (fd number, open file) and a ready list fed by watchers on the
//! objects' wait queues (`ep_poll_callback` in fs/eventpoll.c), so a wait
//! looks only at items that were notified, plus level-triggered items
//! still ready and timers (which report `ready_at` instead of notifying).
//! Items hold the file weakly: closing its last fd removes the item, as
//! on Linux. EPOLLET reports an item once per notification, EPOLLONESHOT
//! disables it until EPOLL_CTL_MOD. Generic over `FileOps`: sockets plug
//! in by giving their objects a wait queue.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::ops::Bound::{Excluded, Unbounded};
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use spin::Mutex;

use super::{anon_metadata, ev, next_ino};
use crate::fd::{FileOps, OpenFileDescription, PollEvents};
use crate::vfs::error::{err, Errno, SysResult};
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{FileType, Metadata};
use crate::wait::{earliest, WaitHub, WaitQueue, Watcher};

/// `EPOLL_CTL_ADD`.
pub const CTL_ADD: i32 = 1;
/// `EPOLL_CTL_DEL`.
pub const CTL_DEL: i32 = 2;
/// `EPOLL_CTL_MOD`.
pub const CTL_MOD: i32 = 3;
/// Edge-triggered.
pub const EPOLLET: u32 = 1 << 31;
/// Disable after one report.
pub const EPOLLONESHOT: u32 = 1 << 30;
/// Keep the system awake (accepted, meaningless here).
pub const EPOLLWAKEUP: u32 = 1 << 29;
/// Wake one of several epolls (accepted; every waiter is woken).
pub const EPOLLEXCLUSIVE: u32 = 1 << 28;
/// The bits EPOLLEXCLUSIVE may be combined with (`EPOLLEXCLUSIVE_OK_BITS`).
const EXCLUSIVE_OK: u32 = ev::IN
    | ev::OUT
    | ev::RDNORM
    | ev::WRNORM
    | ev::ERR
    | ev::HUP
    | EPOLLWAKEUP
    | EPOLLET
    | EPOLLEXCLUSIVE;
const FLAG_BITS: u32 = EPOLLET | EPOLLONESHOT | EPOLLWAKEUP | EPOLLEXCLUSIVE;

/// Tells whether epoll accepts `file`: Linux refuses files without a poll
/// method (`file_can_poll`), i.e. regular files and directories; objects
/// with a wait queue or a timer, and devices, poll.
pub fn can_poll(file: &Arc<dyn FileOps>) -> bool {
    if file.wait_queue().is_some() || file.ready_at().is_some() {
        return true;
    }
    let t = file.fstat().map_or(FileType::Regular, |m| m.file_type);
    !matches!(t, FileType::Regular | FileType::Directory)
}

/// Identifies an item: the fd it was added with and its file's address.
type Key = (u32, usize);

fn file_addr(f: &Arc<dyn FileOps>) -> usize {
    Arc::as_ptr(f).cast::<()>() as usize
}

struct ItemWatch {
    key: Key,
    interest: AtomicU32,
    /// A notification arrived since the last edge-triggered report.
    pending: AtomicBool,
    core: Weak<EpollCore>,
}

impl Watcher for ItemWatch {
    fn notify(&self, events: u32, depth: u8) {
        let want = self.interest.load(Ordering::Relaxed) | ev::HUP | ev::ERR;
        if events != 0 && events & want == 0 {
            return;
        }
        self.pending.store(true, Ordering::Relaxed);
        if let Some(core) = self.core.upgrade() {
            core.ready.lock().insert(self.key);
            core.queue.notify_depth(ev::IN | ev::RDNORM, depth);
        }
    }
}

struct Item {
    file: Weak<dyn FileOps>,
    events: u32,
    data: u64,
    watch: Arc<ItemWatch>,
    disabled: bool,
}

struct EpollCore {
    items: Mutex<BTreeMap<Key, Item>>,
    ready: Mutex<BTreeSet<Key>>,
    queue: WaitQueue,
    /// Set while this instance polls its items (breaks epoll cycles).
    busy: AtomicBool,
    /// Where the next wait starts on the ready list: after the last item
    /// reported, so level-triggered items take turns when `maxevents` is
    /// smaller than the ready list (Linux re-queues them at the tail).
    resume_after: Mutex<Option<Key>>,
}

/// One reported event: the mask and the user's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Ready events (EPOLLIN, ...).
    pub events: u32,
    /// `epoll_data` as given to epoll_ctl.
    pub data: u64,
}

/// An epoll instance, as an open file.
pub struct Epoll {
    core: Arc<EpollCore>,
    desc: OpenFileDescription,
    ino: u64,
}

impl core::fmt::Debug for Epoll {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Epoll")
            .field("items", &self.core.items.lock().len())
            .finish()
    }
}

impl Epoll {
    /// Creates an empty instance.
    pub fn new(hub: &Arc<WaitHub>) -> Arc<Epoll> {
        Arc::new(Epoll {
            core: Arc::new(EpollCore {
                items: Mutex::new(BTreeMap::new()),
                ready: Mutex::new(BTreeSet::new()),
                queue: WaitQueue::new(hub),
                busy: AtomicBool::new(false),
                resume_after: Mutex::new(None),
            }),
            desc: OpenFileDescription::new(OpenFlags::try_from(o::RDWR).expect("O_RDWR is valid")),
            ino: next_ino(),
        })
    }

    /// Returns how many items the interest list holds (closed files
    /// included until the next wait notices).
    pub fn len(&self) -> usize {
        self.core.items.lock().len()
    }

    /// Tells whether the interest list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds, changes or removes the interest in `file` open at `fd`
    /// (epoll_ctl(2)); `event` is (events, data), ignored for DEL.
    ///
    /// # Errors
    /// EINVAL for an unknown op or flags EPOLLEXCLUSIVE refuses, EEXIST /
    /// ENOENT for ADD of a present / MOD or DEL of an absent item, EPERM
    /// for files without poll support (regular files, directories).
    pub fn ctl(
        &self,
        op: i32,
        fd: u32,
        file: &Arc<dyn FileOps>,
        event: (u32, u64),
    ) -> SysResult<()> {
        if !matches!(op, CTL_ADD | CTL_DEL | CTL_MOD) {
            return err(Errno::EINVAL, "unknown epoll_ctl op");
        }
        if !can_poll(file) {
            return err(Errno::EPERM, "file does not support epoll");
        }
        let key = (fd, file_addr(file));
        let (mut events, data) = event;
        if op != CTL_DEL && events & EPOLLEXCLUSIVE != 0 {
            if op == CTL_MOD {
                return err(Errno::EINVAL, "EPOLLEXCLUSIVE with EPOLL_CTL_MOD");
            }
            if events & !EXCLUSIVE_OK != 0
                || file
                    .wait_queue()
                    .is_some_and(|q| core::ptr::eq(q, &self.core.queue))
            {
                return err(Errno::EINVAL, "EPOLLEXCLUSIVE with other flags");
            }
        }
        events |= ev::HUP | ev::ERR;
        let mut items = self.core.items.lock();
        // An item whose file was closed is gone (Linux removes it on the
        // file's last close).
        if items.get(&key).is_some_and(|i| i.file.strong_count() == 0) {
            items.remove(&key);
        }
        match op {
            CTL_ADD => {
                if items.contains_key(&key) {
                    return err(Errno::EEXIST, "fd already in the epoll set");
                }
                let watch = Arc::new(ItemWatch {
                    key,
                    interest: AtomicU32::new(events),
                    pending: AtomicBool::new(true),
                    core: Arc::downgrade(&self.core),
                });
                if let Some(q) = file.wait_queue() {
                    let w: Arc<dyn Watcher> = watch.clone();
                    q.add_watcher(Arc::downgrade(&w));
                }
                items.insert(
                    key,
                    Item {
                        file: Arc::downgrade(file),
                        events,
                        data,
                        watch,
                        disabled: false,
                    },
                );
            }
            CTL_MOD => {
                let Some(item) = items.get_mut(&key) else {
                    return err(Errno::ENOENT, "fd not in the epoll set");
                };
                if item.events & EPOLLEXCLUSIVE != 0 {
                    return err(Errno::EINVAL, "EPOLL_CTL_MOD of an EPOLLEXCLUSIVE item");
                }
                item.events = events;
                item.data = data;
                item.disabled = false;
                item.watch.interest.store(events, Ordering::Relaxed);
                item.watch.pending.store(true, Ordering::Relaxed);
            }
            _ => {
                if items.remove(&key).is_none() {
                    return err(Errno::ENOENT, "fd not in the epoll set");
                }
                self.core.ready.lock().remove(&key);
                return Ok(());
            }
        }
        drop(items);
        self.core.ready.lock().insert(key);
        // Threads in epoll_wait look again.
        self.core.queue.notify(ev::IN | ev::RDNORM);
        Ok(())
    }

    /// Collects up to `max` ready events (epoll_wait(2) without blocking),
    /// applying the edge-triggered and one-shot rules.
    pub fn collect(&self, max: usize) -> Vec<Event> {
        let mut out = Vec::new();
        self.scan(max, true, &mut out);
        out
    }

    /// Returns the earliest `ready_at` of the items being watched.
    pub fn next_deadline(&self) -> Option<u64> {
        let keys: Vec<Key> = self.core.ready.lock().iter().copied().collect();
        let items = self.core.items.lock();
        keys.iter()
            .filter_map(|k| items.get(k))
            .filter(|i| !i.disabled)
            .filter_map(|i| i.file.upgrade())
            .fold(None, |d, f| earliest(d, f.ready_at()))
    }

    /// Walks the ready list; with `consume`, reports into `out` (up to
    /// `max`), else stops at the first ready item. Returns whether any
    /// item was ready.
    fn scan(&self, max: usize, consume: bool, out: &mut Vec<Event>) -> bool {
        if self.core.busy.swap(true, Ordering::Acquire) {
            return false; // an epoll cycle: this instance is already polling
        }
        let keys: Vec<Key> = {
            let ready = self.core.ready.lock();
            match *self.core.resume_after.lock() {
                Some(k) if consume => ready
                    .range((Excluded(k), Unbounded))
                    .chain(ready.range(..=k))
                    .copied()
                    .collect(),
                _ => ready.iter().copied().collect(),
            }
        };
        let mut found = false;
        let mut items = self.core.items.lock();
        let mut drop_keys = Vec::new();
        for key in keys {
            if consume && out.len() >= max {
                break;
            }
            let Some(item) = items.get_mut(&key) else {
                drop_keys.push(key);
                continue;
            };
            let Some(file) = item.file.upgrade() else {
                items.remove(&key);
                drop_keys.push(key);
                continue;
            };
            if item.disabled {
                drop_keys.push(key);
                continue;
            }
            let et = item.events & EPOLLET != 0;
            let want = item.events & !FLAG_BITS;
            let mask = u32::from(file.poll().0) & want;
            let timed = file.ready_at().is_some();
            let edge_ok = !et || item.watch.pending.load(Ordering::Relaxed);
            if mask == 0 || !edge_ok {
                // Not ready (or already reported for this edge): wait for a
                // notification, except timers and queue-less objects.
                if !timed && (et || file.wait_queue().is_some()) {
                    drop_keys.push(key);
                }
                continue;
            }
            found = true;
            if !consume {
                break;
            }
            if et {
                item.watch.pending.store(false, Ordering::Relaxed);
            }
            out.push(Event {
                events: mask,
                data: item.data,
            });
            *self.core.resume_after.lock() = Some(key);
            if item.events & EPOLLONESHOT != 0 {
                item.disabled = true;
                drop_keys.push(key);
            } else if et && !timed {
                drop_keys.push(key);
            }
        }
        drop(items);
        if !drop_keys.is_empty() {
            let mut ready = self.core.ready.lock();
            for k in drop_keys {
                ready.remove(&k);
            }
        }
        self.core.busy.store(false, Ordering::Release);
        found
    }
}

impl FileOps for Epoll {
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

    /// IN when some item is ready (an epoll fd can itself be polled).
    fn poll(&self) -> PollEvents {
        let mut none = Vec::new();
        if self.scan(1, false, &mut none) {
            PollEvents(u16::try_from(ev::IN | ev::RDNORM).unwrap_or(0))
        } else {
            PollEvents(0)
        }
    }

    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.core.queue)
    }

    fn ready_at(&self) -> Option<u64> {
        self.next_deadline()
    }
}
