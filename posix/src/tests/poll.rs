//! Pipes, eventfd, timerfd, poll/select and epoll through the syscall
//! table on the mock platform: fds installed with their flags, blocking
//! turned into waits on the objects' queues, deadlines carried across
//! re-runs, SIGPIPE on EPIPE.

use super::util::{anon, loaded, outcome, poke, sys};
use crate::mock::MockPlatform;
use crate::process::{Cx, Process};

const READ: u64 = 0;
const WRITE: u64 = 1;
const CLOSE: u64 = 3;
const POLL: u64 = 7;
const IOCTL: u64 = 16;
const PIPE: u64 = 22;
const SELECT: u64 = 23;
const RT_SIGACTION: u64 = 13;
const EPOLL_WAIT: u64 = 232;
const EPOLL_CTL: u64 = 233;
const PPOLL: u64 = 271;
const TIMERFD_CREATE: u64 = 283;
const TIMERFD_SETTIME: u64 = 286;
const TIMERFD_GETTIME: u64 = 287;
const EVENTFD2: u64 = 290;
const EPOLL_CREATE1: u64 = 291;
const PIPE2: u64 = 293;

const EBADF: i64 = -9;
const EAGAIN: i64 = -11;
const EFAULT: i64 = -14;
const EEXIST: i64 = -17;
const EINVAL: i64 = -22;
const EPIPE: i64 = -32;

const O_NONBLOCK: u64 = 0o4000;
const O_CLOEXEC: u64 = 0o2000000;

fn pipe(proc: &Process, p: &MockPlatform, m: u64, flags: u64) -> (u64, u64) {
    assert_eq!(sys(proc, p, PIPE2, &[m, flags]), 0);
    let b = p.peek(m, 8).unwrap();
    (
        u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        u64::from(u32::from_le_bytes([b[4], b[5], b[6], b[7]])),
    )
}

/// Runs one handler pass (no blocking loop) and returns (rax, whether it
/// asked to block, the block's deadline); rax means nothing when blocked.
fn once(proc: &Process, p: &MockPlatform, nr: u64, args: &[u64]) -> (i64, bool, Option<u64>) {
    let mut a = [0u64; 6];
    a[..args.len()].copy_from_slice(args);
    let mut st = proc.state_for_tests();
    let mut cx = Cx {
        p,
        st: &mut st,
        exit: None,
        exit_thread: false,
        block: None,
        resume: None,
        user_sp: 0,
    };
    let out = crate::table::dispatch(&mut cx, nr, a);
    let rax = match out {
        crate::process::SyscallOutcome::Return(v) => v as i64,
        o => panic!("unexpected {o:?}"),
    };
    (
        rax,
        cx.block.is_some(),
        cx.block.and_then(|b| b.deadline_ns),
    )
}

#[test]
fn pipe_moves_bytes_and_gives_eof_then_epipe() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 8192);
    assert_eq!(sys(&proc, &p, PIPE, &[m]), 0);
    let (r, w) = (3, 4);
    poke(&proc, &p, m + 100, b"hello");
    assert_eq!(sys(&proc, &p, WRITE, &[w, m + 100, 5]), 5);
    // FIONREAD says 5.
    assert_eq!(sys(&proc, &p, IOCTL, &[r, 0x541b, m + 200]), 0);
    assert_eq!(p.peek(m + 200, 4).unwrap(), 5i32.to_le_bytes());
    assert_eq!(sys(&proc, &p, READ, &[r, m + 300, 100]), 5);
    assert_eq!(p.peek(m + 300, 5).unwrap(), b"hello");
    assert_eq!(sys(&proc, &p, CLOSE, &[w]), 0);
    assert_eq!(sys(&proc, &p, READ, &[r, m + 300, 100]), 0);
    assert_eq!(sys(&proc, &p, CLOSE, &[r]), 0);

    // SIGPIPE ignored: the write fails with EPIPE.
    let act = m + 1024;
    poke(&proc, &p, act, &1u64.to_le_bytes());
    assert_eq!(sys(&proc, &p, RT_SIGACTION, &[13, act, 0, 8]), 0);
    let (r, w) = pipe(&proc, &p, m, 0);
    assert_eq!(sys(&proc, &p, CLOSE, &[r]), 0);
    assert_eq!(sys(&proc, &p, WRITE, &[w, m + 100, 1]), EPIPE);
    assert_eq!(sys(&proc, &p, PIPE2, &[m, 1]), EINVAL);
    assert_eq!(sys(&proc, &p, PIPE2, &[0, 0]), EFAULT);
}

#[test]
fn pipe_default_sigpipe_terminates_with_141() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let (r, w) = pipe(&proc, &p, m, 0);
    assert_eq!(sys(&proc, &p, CLOSE, &[r]), 0);
    let out = outcome(&proc, &p, WRITE, &[w, m, 1]);
    // The signal is taken on the way back to ring 3; either the call
    // reports the exit or leaves SIGPIPE pending for the thread.
    match out {
        crate::process::SyscallOutcome::Exit(s) => assert_eq!(s, 141),
        crate::process::SyscallOutcome::Return(v) => assert_eq!(v as i64, EPIPE),
        o => panic!("unexpected {o:?}"),
    }
}

#[test]
fn nonblocking_pipe_says_eagain_and_blocking_one_waits() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 1 << 17);
    let (r, w) = pipe(&proc, &p, m, O_NONBLOCK | O_CLOEXEC);
    assert_eq!(sys(&proc, &p, READ, &[r, m, 10]), EAGAIN);
    let fdr = crate::fd::Fd::new(u32::try_from(r).unwrap());
    assert!(proc.state_for_tests().fds.flags(fdr).unwrap().cloexec);
    let mut total = 0;
    loop {
        let n = sys(&proc, &p, WRITE, &[w, m, 4096]);
        if n < 0 {
            assert_eq!(n, EAGAIN);
            break;
        }
        total += n;
    }
    assert_eq!(total, 65_536);

    let (r2, w2) = pipe(&proc, &p, m, 0);
    let (rax, blocked, deadline) = once(&proc, &p, READ, &[r2, m, 10]);
    assert!(
        blocked && deadline.is_none(),
        "{rax} {blocked} {deadline:?}"
    );
    // A write notifies the reader's queue; the dispatcher wakes thread 1.
    assert_eq!(sys(&proc, &p, WRITE, &[w2, m, 3]), 3);
    assert_eq!(*p.wakes.borrow(), [1]);
    // A blocking write larger than the room writes what fits, then waits.
    let (_, blocked, _) = once(&proc, &p, WRITE, &[w2, m, 70_000]);
    assert!(blocked);
    assert_eq!(sys(&proc, &p, CLOSE, &[r2]), 0);
    assert_eq!(sys(&proc, &p, WRITE, &[w, m, 1]), EAGAIN);
}

#[test]
fn eventfd_counts_through_read_and_write() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let efd = sys(&proc, &p, EVENTFD2, &[2, 1 | O_NONBLOCK]) as u64;
    assert!(efd >= 3);
    assert_eq!(sys(&proc, &p, READ, &[efd, m, 8]), 8);
    assert_eq!(p.peek_u64(m), Some(1));
    assert_eq!(sys(&proc, &p, READ, &[efd, m, 8]), 8);
    assert_eq!(sys(&proc, &p, READ, &[efd, m, 8]), EAGAIN);
    poke(&proc, &p, m, &5u64.to_le_bytes());
    assert_eq!(sys(&proc, &p, WRITE, &[efd, m, 8]), 8);
    assert_eq!(sys(&proc, &p, READ, &[efd, m, 4]), EINVAL);
    assert_eq!(sys(&proc, &p, EVENTFD2, &[0, 0x10]), EINVAL);
}

#[test]
fn timerfd_blocking_read_waits_for_the_expiry() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let tfd = sys(&proc, &p, TIMERFD_CREATE, &[1, 0]) as u64;
    // it_interval 0, it_value 2 ms.
    let mut spec = [0u8; 32];
    spec[24..32].copy_from_slice(&2_000_000u64.to_le_bytes());
    poke(&proc, &p, m, &spec);
    let start = p.mono.get();
    assert_eq!(sys(&proc, &p, TIMERFD_SETTIME, &[tfd, 0, m, 0]), 0);
    assert_eq!(sys(&proc, &p, TIMERFD_GETTIME, &[tfd, m + 64]), 0);
    assert_eq!(p.peek_u64(m + 64 + 24), Some(2_000_000));
    assert_eq!(sys(&proc, &p, READ, &[tfd, m + 128, 8]), 8);
    assert_eq!(p.peek_u64(m + 128), Some(1));
    assert_eq!(*p.blocks.borrow(), [Some(start + 2_000_000)]);
    assert_eq!(sys(&proc, &p, TIMERFD_CREATE, &[3, 0]), EINVAL);
    assert_eq!(sys(&proc, &p, TIMERFD_SETTIME, &[0, 0, m, 0]), EINVAL);
}

fn pollfd(proc: &Process, p: &MockPlatform, at: u64, fd: i32, events: u16) {
    let mut b = [0u8; 8];
    b[..4].copy_from_slice(&fd.to_le_bytes());
    b[4..6].copy_from_slice(&events.to_le_bytes());
    poke(proc, p, at, &b);
}

fn revents(p: &MockPlatform, at: u64) -> u16 {
    let b = p.peek(at + 6, 2).unwrap();
    u16::from_le_bytes([b[0], b[1]])
}

#[test]
fn poll_reports_readiness_and_times_out_on_the_carried_deadline() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let (r, w) = pipe(&proc, &p, m, 0);
    pollfd(&proc, &p, m + 64, r as i32, 1);
    pollfd(&proc, &p, m + 72, w as i32, 4);
    pollfd(&proc, &p, m + 80, 999, 1);
    pollfd(&proc, &p, m + 88, -1, 1);
    assert_eq!(sys(&proc, &p, POLL, &[m + 64, 4, 0]), 2);
    assert_eq!(revents(&p, m + 64), 0);
    assert_eq!(revents(&p, m + 72), 4);
    assert_eq!(revents(&p, m + 80), 0x20);
    assert_eq!(revents(&p, m + 88), 0);
    // 50 ms on the empty read end: one block to the deadline, then 0.
    let start = p.mono.get();
    assert_eq!(sys(&proc, &p, POLL, &[m + 64, 1, 50]), 0);
    assert_eq!(*p.blocks.borrow(), [Some(start + 50_000_000)]);
    // A spurious wake-up keeps the same deadline.
    p.blocks.borrow_mut().clear();
    p.block_results.borrow_mut().push_back(true);
    let start = p.mono.get();
    assert_eq!(sys(&proc, &p, POLL, &[m + 64, 1, 10]), 0);
    assert_eq!(*p.blocks.borrow(), [Some(start + 10_000_000); 2]);
    assert_eq!(sys(&proc, &p, WRITE, &[w, m, 1]), 1);
    assert_eq!(sys(&proc, &p, PPOLL, &[m + 64, 1, 0, 0, 0]), 1);
    assert_eq!(revents(&p, m + 64), 1);
    assert_eq!(sys(&proc, &p, PPOLL, &[m + 64, 1, 0, m, 4]), EINVAL);
    assert_eq!(sys(&proc, &p, CLOSE, &[w]), 0);
    assert_eq!(sys(&proc, &p, POLL, &[m + 64, 1, 0]), 1);
    assert_eq!(revents(&p, m + 64), 0x11);
}

#[test]
fn select_reports_sets_and_rejects_closed_fds() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let (r, w) = pipe(&proc, &p, m, 0);
    let (rs, ws, tv) = (m + 64, m + 128, m + 192);
    poke(&proc, &p, rs, &(1u64 << r).to_le_bytes());
    poke(&proc, &p, ws, &(1u64 << w).to_le_bytes());
    poke(&proc, &p, tv, &[0u8; 16]);
    assert_eq!(sys(&proc, &p, SELECT, &[w + 1, rs, ws, 0, tv]), 1);
    assert_eq!(p.peek_u64(rs), Some(0));
    assert_eq!(p.peek_u64(ws), Some(1 << w));
    poke(&proc, &p, rs, &(1u64 << 40).to_le_bytes());
    assert_eq!(sys(&proc, &p, SELECT, &[41, rs, 0, 0, tv]), EBADF);
    assert_eq!(sys(&proc, &p, SELECT, &[u64::MAX, rs, 0, 0, tv]), EINVAL);
}

#[test]
fn epoll_through_the_table() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let (r, w) = pipe(&proc, &p, m, 0);
    let ep = sys(&proc, &p, EPOLL_CREATE1, &[O_CLOEXEC]) as u64;
    assert_eq!(sys(&proc, &p, EPOLL_CREATE1, &[1]), EINVAL);
    let mut e = [0u8; 12];
    e[..4].copy_from_slice(&1u32.to_le_bytes());
    e[4..].copy_from_slice(&0x1234u64.to_le_bytes());
    poke(&proc, &p, m + 64, &e);
    assert_eq!(sys(&proc, &p, EPOLL_CTL, &[ep, 1, r, m + 64]), 0);
    assert_eq!(sys(&proc, &p, EPOLL_CTL, &[ep, 1, r, m + 64]), EEXIST);
    assert_eq!(sys(&proc, &p, EPOLL_CTL, &[ep, 1, ep, m + 64]), EINVAL);
    assert_eq!(sys(&proc, &p, EPOLL_CTL, &[r, 1, w, m + 64]), EINVAL);
    assert_eq!(sys(&proc, &p, EPOLL_WAIT, &[ep, m + 128, 0, 0]), EINVAL);
    let start = p.mono.get();
    assert_eq!(sys(&proc, &p, EPOLL_WAIT, &[ep, m + 128, 4, 10]), 0);
    assert_eq!(p.blocks.borrow().last(), Some(&Some(start + 10_000_000)));
    assert_eq!(sys(&proc, &p, WRITE, &[w, m, 1]), 1);
    assert_eq!(
        sys(&proc, &p, EPOLL_WAIT, &[ep, m + 128, 4, -1i64 as u64]),
        1
    );
    assert_eq!(p.peek(m + 128, 4).unwrap(), 1u32.to_le_bytes());
    assert_eq!(p.peek_u64(m + 132), Some(0x1234));
    assert_eq!(sys(&proc, &p, CLOSE, &[w]), 0);
    assert_eq!(sys(&proc, &p, EPOLL_WAIT, &[ep, m + 128, 4, 0]), 1);
    assert_eq!(p.peek(m + 128, 4).unwrap(), 0x11u32.to_le_bytes());
    assert_eq!(sys(&proc, &p, EPOLL_CTL, &[ep, 2, r, 0]), 0);
    assert_eq!(sys(&proc, &p, EPOLL_WAIT, &[ep, m + 128, 4, 0]), 0);
}

#[test]
fn pipe_size_commands_change_the_capacity() {
    use crate::sys::pipe::{pipe_size_fcntl, F_GETPIPE_SZ, F_SETPIPE_SZ};
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let (r, _w) = pipe(&proc, &p, m, 0);
    let st = proc.state_for_tests();
    let f = st
        .fds
        .get(crate::fd::Fd::new(u32::try_from(r).unwrap()))
        .unwrap();
    assert_eq!(pipe_size_fcntl(&f, F_GETPIPE_SZ, 0).unwrap(), 65_536);
    assert_eq!(pipe_size_fcntl(&f, F_SETPIPE_SZ, 100_000).unwrap(), 131_072);
    let console = st.fds.get(crate::fd::Fd::new(0)).unwrap();
    assert!(pipe_size_fcntl(&console, F_GETPIPE_SZ, 0).is_err());
}
