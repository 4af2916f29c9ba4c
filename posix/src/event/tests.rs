//! Unit tests of the event objects alone (no process, no fd table): pipe
//! ring semantics, EOF/EPIPE, eventfd counter and semaphore, timerfd
//! expirations against the hub's clock, epoll level/edge/one-shot rules.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::epoll::{
    Epoll, Event, CTL_ADD, CTL_DEL, CTL_MOD, EPOLLET, EPOLLEXCLUSIVE, EPOLLONESHOT,
};
use super::ev;
use super::eventfd::{EventFd, MAX_COUNT};
use super::pipe::{pipe_pair, DEFAULT_CAPACITY, PIPE_BUF};
use super::timerfd::{TimerFd, TimerSpec};
use crate::fd::FileOps;
use crate::vfs::error::{errno_of, Errno};
use crate::vfs::flags::o;
use crate::vfs::types::FileType;
use crate::wait::WaitHub;

fn mask(f: &dyn FileOps) -> u32 {
    u32::from(f.poll().0)
}

#[test]
fn pipe_carries_bytes_in_order_and_gives_eof() {
    let hub = WaitHub::new();
    let (r, w) = pipe_pair(&hub, 0);
    assert_eq!(w.write(b"abc").unwrap(), 3);
    assert_eq!(w.write(b"def").unwrap(), 3);
    let mut buf = [0u8; 4];
    assert_eq!(r.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf, b"abcd");
    assert_eq!(r.read(&mut buf).unwrap(), 2);
    assert_eq!(&buf[..2], b"ef");
    assert_eq!(errno_of(r.read(&mut buf)), Errno::EAGAIN);
    assert_eq!(r.read(&mut []).unwrap(), 0);
    assert_eq!(errno_of(r.write(b"x")), Errno::EBADF);
    assert_eq!(errno_of(w.read(&mut buf)), Errno::EBADF);
    drop(w);
    assert_eq!(r.read(&mut buf).unwrap(), 0);
    assert_eq!(mask(&*r), ev::HUP);
    let m = r.fstat().unwrap();
    assert_eq!(m.file_type, FileType::Fifo);
    assert_eq!(m.mode(), 0o010_600);
}

#[test]
fn pipe_write_without_readers_is_epipe_and_err() {
    let hub = WaitHub::new();
    let (r, w) = pipe_pair(&hub, 0);
    assert_eq!(mask(&*w), ev::OUT | ev::WRNORM);
    drop(r);
    assert_eq!(errno_of(w.write(b"x")), Errno::EPIPE);
    assert_eq!(mask(&*w) & ev::ERR, ev::ERR);
}

#[test]
fn pipe_fills_to_64k_with_atomic_small_writes() {
    let hub = WaitHub::new();
    let (r, w) = pipe_pair(&hub, o::NONBLOCK | o::DIRECT);
    assert!(w.description().is_nonblocking());
    assert_ne!(r.status_flags() & o::DIRECT, 0);
    let chunk = [7u8; 1000];
    let mut total = 0;
    loop {
        match w.write(&chunk) {
            Ok(n) => {
                assert_eq!(n, 1000, "small writes are all or nothing");
                total += n;
            }
            Err(e) => {
                assert_eq!(e.errno, Errno::EAGAIN);
                break;
            }
        }
    }
    assert_eq!(total, 65_000);
    // 536 bytes free: not writable for poll (less than a page), and a big
    // write moves what fits.
    assert_eq!(mask(&*w) & ev::OUT, 0);
    let big = alloc::vec![1u8; 2 * PIPE_BUF];
    assert_eq!(w.write(&big).unwrap(), DEFAULT_CAPACITY - 65_000);
    assert_eq!(errno_of(w.write(&big)), Errno::EAGAIN);
    assert_eq!(r.pipe().len(), DEFAULT_CAPACITY);
    let mut sink = alloc::vec![0u8; 8192];
    assert_eq!(r.read(&mut sink).unwrap(), 8192);
    assert_eq!(mask(&*w) & ev::OUT, ev::OUT);
}

#[test]
fn pipe_notifies_waiters_on_data_space_and_close() {
    let hub = WaitHub::new();
    let (r, w) = pipe_pair(&hub, 0);
    let q = r.wait_queue().unwrap();
    q.add_thread(2);
    w.write(b"x").unwrap();
    assert_eq!(hub.take(), [2]);
    q.add_thread(3);
    drop(w);
    assert_eq!(hub.take(), [3]);
    assert!(r.ready_at().is_none());
}

#[test]
fn pipe_capacity_changes_like_f_setpipe_sz() {
    let hub = WaitHub::new();
    let (r, w) = pipe_pair(&hub, 0);
    let p = r.pipe();
    assert_eq!(p.capacity(), DEFAULT_CAPACITY);
    assert_eq!(p.set_capacity(5000).unwrap(), 8192);
    assert_eq!(p.set_capacity(1).unwrap(), 4096);
    assert_eq!(errno_of(p.set_capacity(2 << 20)), Errno::EPERM);
    w.write(&[0u8; 4096]).unwrap();
    assert_eq!(errno_of(w.write(b"y")), Errno::EAGAIN);
    assert!(w.is_writer() && !r.is_writer());
}

#[test]
fn eventfd_counts_and_semaphore_decrements() {
    let hub = WaitHub::new();
    let e = EventFd::new(&hub, 3, false, false);
    let mut b = [0u8; 8];
    assert_eq!(e.read(&mut b).unwrap(), 8);
    assert_eq!(u64::from_le_bytes(b), 3);
    assert_eq!(errno_of(e.read(&mut b)), Errno::EAGAIN);
    assert_eq!(mask(&*e), ev::OUT | ev::WRNORM);
    assert_eq!(errno_of(e.read(&mut [0u8; 7])), Errno::EINVAL);
    assert_eq!(errno_of(e.write(&[0u8; 4])), Errno::EINVAL);
    assert_eq!(errno_of(e.write(&u64::MAX.to_le_bytes())), Errno::EINVAL);
    e.write(&(MAX_COUNT).to_le_bytes()).unwrap();
    assert_eq!(errno_of(e.write(&1u64.to_le_bytes())), Errno::EAGAIN);
    assert_eq!(mask(&*e), ev::IN | ev::RDNORM);

    let s = EventFd::new(&hub, 0, true, true);
    assert!(s.description().is_nonblocking());
    s.write(&2u64.to_le_bytes()).unwrap();
    for _ in 0..2 {
        s.read(&mut b).unwrap();
        assert_eq!(u64::from_le_bytes(b), 1);
    }
    assert_eq!(errno_of(s.read(&mut b)), Errno::EAGAIN);
    assert_eq!(s.count(), 0);
}

#[test]
fn timerfd_counts_expirations_of_periodic_and_one_shot_timers() {
    let hub = WaitHub::new();
    hub.set_now(1_000);
    let t = TimerFd::new(&hub, 1, false);
    let mut b = [0u8; 8];
    assert_eq!(errno_of(t.read(&mut b)), Errno::EAGAIN);
    assert_eq!(t.ready_at(), None);
    let old = t.settime(
        TimerSpec {
            interval_ns: 100,
            value_ns: 500,
        },
        None,
    );
    assert_eq!(old, TimerSpec::default());
    assert_eq!(t.ready_at(), Some(1_500));
    hub.set_now(1_499);
    assert_eq!(mask(&*t), 0);
    assert_eq!(
        t.gettime(),
        TimerSpec {
            interval_ns: 100,
            value_ns: 1
        }
    );
    hub.set_now(1_750);
    assert_eq!(mask(&*t), ev::IN | ev::RDNORM);
    t.read(&mut b).unwrap();
    assert_eq!(u64::from_le_bytes(b), 3); // 1500, 1600, 1700
    assert_eq!(t.ready_at(), Some(1_800));
    // Absolute on a clock reading 10_000: due at clock time 10_200.
    t.settime(
        TimerSpec {
            interval_ns: 0,
            value_ns: 10_200,
        },
        Some(10_000),
    );
    assert_eq!(t.ready_at(), Some(1_950));
    hub.set_now(5_000);
    t.read(&mut b).unwrap();
    assert_eq!(u64::from_le_bytes(b), 1);
    assert_eq!(t.ready_at(), None);
    assert_eq!(t.gettime(), TimerSpec::default());
    assert_eq!(errno_of(t.read(&mut [0u8; 4])), Errno::EINVAL);
}

fn epoll_with(hub: &Arc<WaitHub>) -> Arc<Epoll> {
    Epoll::new(hub)
}

fn ev_of(v: &[Event]) -> Vec<(u32, u64)> {
    v.iter().map(|e| (e.events, e.data)).collect()
}

#[test]
fn epoll_level_triggered_reports_while_ready() {
    let hub = WaitHub::new();
    let ep = epoll_with(&hub);
    let (r, w) = pipe_pair(&hub, 0);
    let rf: Arc<dyn FileOps> = r.clone();
    ep.ctl(CTL_ADD, 3, &rf, (ev::IN, 7)).unwrap();
    assert_eq!(
        errno_of(ep.ctl(CTL_ADD, 3, &rf, (ev::IN, 7))),
        Errno::EEXIST
    );
    assert!(ep.collect(8).is_empty());
    w.write(b"ab").unwrap();
    assert_eq!(ev_of(&ep.collect(8)), [(ev::IN, 7)]);
    assert_eq!(ev_of(&ep.collect(8)), [(ev::IN, 7)]);
    assert_eq!(mask(&*ep), ev::IN | ev::RDNORM);
    r.read(&mut [0u8; 2]).unwrap();
    assert!(ep.collect(8).is_empty());
    assert_eq!(mask(&*ep), 0);
    drop(w);
    assert_eq!(ev_of(&ep.collect(8)), [(ev::HUP, 7)]);
    ep.ctl(CTL_DEL, 3, &rf, (0, 0)).unwrap();
    assert_eq!(errno_of(ep.ctl(CTL_DEL, 3, &rf, (0, 0))), Errno::ENOENT);
    assert_eq!(
        errno_of(ep.ctl(CTL_MOD, 3, &rf, (ev::IN, 0))),
        Errno::ENOENT
    );
    assert_eq!(errno_of(ep.ctl(9, 3, &rf, (ev::IN, 0))), Errno::EINVAL);
    assert!(ep.collect(8).is_empty());
}

#[test]
fn epoll_edge_triggered_reports_once_per_write() {
    let hub = WaitHub::new();
    let ep = epoll_with(&hub);
    let (r, w) = pipe_pair(&hub, 0);
    let rf: Arc<dyn FileOps> = r.clone();
    ep.ctl(CTL_ADD, 4, &rf, (ev::IN | EPOLLET, 1)).unwrap();
    assert!(ep.collect(8).is_empty());
    w.write(b"a").unwrap();
    assert_eq!(ev_of(&ep.collect(8)), [(ev::IN, 1)]);
    assert!(ep.collect(8).is_empty(), "no new edge without a new write");
    w.write(b"b").unwrap();
    assert_eq!(ev_of(&ep.collect(8)), [(ev::IN, 1)]);
    // Reading notifies writers (EPOLLOUT), not this EPOLLIN item.
    r.read(&mut [0u8; 1]).unwrap();
    assert!(ep.collect(8).is_empty());
    // MOD re-arms: still readable, so reported again.
    ep.ctl(CTL_MOD, 4, &rf, (ev::IN | EPOLLET, 2)).unwrap();
    assert_eq!(ev_of(&ep.collect(8)), [(ev::IN, 2)]);
}

#[test]
fn epoll_oneshot_disables_until_mod() {
    let hub = WaitHub::new();
    let ep = epoll_with(&hub);
    let e: Arc<dyn FileOps> = EventFd::new(&hub, 1, false, false);
    ep.ctl(CTL_ADD, 5, &e, (ev::IN | EPOLLONESHOT, 9)).unwrap();
    assert_eq!(ev_of(&ep.collect(8)), [(ev::IN, 9)]);
    assert!(ep.collect(8).is_empty());
    e.write(&1u64.to_le_bytes()).unwrap();
    assert!(ep.collect(8).is_empty());
    ep.ctl(CTL_MOD, 5, &e, (ev::IN | EPOLLONESHOT, 10)).unwrap();
    assert_eq!(ev_of(&ep.collect(8)), [(ev::IN, 10)]);
}

#[test]
fn epoll_notifies_waiters_and_drops_closed_files() {
    let hub = WaitHub::new();
    let ep = epoll_with(&hub);
    let (r, w) = pipe_pair(&hub, 0);
    let rf: Arc<dyn FileOps> = r;
    ep.ctl(CTL_ADD, 3, &rf, (ev::IN, 0)).unwrap();
    ep.wait_queue().unwrap().add_thread(4);
    let _ = hub.take();
    ep.wait_queue().unwrap().add_thread(4);
    w.write(b"z").unwrap();
    assert_eq!(hub.take(), [4]);
    assert_eq!(ep.len(), 1);
    drop(rf);
    assert!(ep.collect(8).is_empty());
    assert!(ep.is_empty());
}

#[test]
fn epoll_maxevents_limits_and_timers_are_watched() {
    let hub = WaitHub::new();
    hub.set_now(0);
    let ep = epoll_with(&hub);
    let a: Arc<dyn FileOps> = EventFd::new(&hub, 1, false, false);
    let b: Arc<dyn FileOps> = EventFd::new(&hub, 1, false, false);
    ep.ctl(CTL_ADD, 3, &a, (ev::IN, 3)).unwrap();
    ep.ctl(CTL_ADD, 4, &b, (ev::IN | ev::OUT, 4)).unwrap();
    assert_eq!(ev_of(&ep.collect(1)), [(ev::IN, 3)]);
    assert_eq!(ep.collect(8).len(), 2);
    let all = ep.collect(8);
    let b_ev = all.iter().find(|e| e.data == 4).map(|e| e.events);
    assert_eq!(b_ev, Some(ev::IN | ev::OUT));

    let t = TimerFd::new(&hub, 1, true);
    let tf: Arc<dyn FileOps> = t.clone();
    let ep2 = epoll_with(&hub);
    ep2.ctl(CTL_ADD, 6, &tf, (ev::IN | EPOLLET, 6)).unwrap();
    assert!(ep2.collect(8).is_empty());
    t.settime(
        TimerSpec {
            interval_ns: 10,
            value_ns: 10,
        },
        None,
    );
    assert_eq!(ep2.next_deadline(), Some(10));
    hub.set_now(10);
    assert_eq!(ev_of(&ep2.collect(8)), [(ev::IN, 6)]);
    assert!(ep2.collect(8).is_empty(), "edge-triggered: once per expiry");
    hub.set_now(20);
    assert_eq!(ev_of(&ep2.collect(8)), [(ev::IN, 6)]);
    // An epoll inside an epoll reports readability.
    let outer = epoll_with(&hub);
    let inner: Arc<dyn FileOps> = ep.clone();
    outer.ctl(CTL_ADD, 7, &inner, (ev::IN, 77)).unwrap();
    assert_eq!(ev_of(&outer.collect(8)), [(ev::IN, 77)]);
}

#[test]
fn epoll_exclusive_rules() {
    let hub = WaitHub::new();
    let ep = epoll_with(&hub);
    let (r, _w) = pipe_pair(&hub, 0);
    let rf: Arc<dyn FileOps> = r;
    assert_eq!(
        errno_of(ep.ctl(CTL_ADD, 3, &rf, (ev::IN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0))),
        Errno::EINVAL
    );
    ep.ctl(CTL_ADD, 3, &rf, (ev::IN | EPOLLEXCLUSIVE, 0))
        .unwrap();
    assert_eq!(
        errno_of(ep.ctl(CTL_MOD, 3, &rf, (ev::IN, 0))),
        Errno::EINVAL
    );
}

#[test]
fn epoll_level_triggered_items_take_turns_under_maxevents() {
    let hub = WaitHub::new();
    let ep = epoll_with(&hub);
    let files: Vec<Arc<dyn FileOps>> = (0..3)
        .map(|_| -> Arc<dyn FileOps> { EventFd::new(&hub, 1, false, false) })
        .collect();
    for (i, f) in files.iter().enumerate() {
        let fd = u32::try_from(i).unwrap() + 3;
        ep.ctl(CTL_ADD, fd, f, (ev::IN, u64::from(fd))).unwrap();
    }
    let seen: Vec<u64> = (0..4).map(|_| ep.collect(1)[0].data).collect();
    assert_eq!(seen, [3, 4, 5, 3]);
    assert_eq!(ep.collect(8).len(), 3);
}
