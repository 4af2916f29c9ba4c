//! Threads, futexes and sleeps on the mock platform: clone bookkeeping,
//! CLEARTID at thread exit, futex wait/wake/requeue/wake_op semantics and
//! errnos, and deadlines carried across re-runs.

use super::util::{anon, loaded, outcome, poke, sys};
use crate::mock::MockPlatform;
use crate::process::{Process, SyscallOutcome};

const CLONE: u64 = 56;
const EXIT: u64 = 60;
const FUTEX: u64 = 202;
const NANOSLEEP: u64 = 35;
const CLOCK_NANOSLEEP: u64 = 230;
const GETTID: u64 = 186;
const SCHED_YIELD: u64 = 24;

const EAGAIN: i64 = -11;
const EINVAL: i64 = -22;
const ENOSYS: i64 = -38;
const ETIMEDOUT: i64 = -110;

/// musl's pthread_create flags (src/thread/pthread_create.c).
const PTHREAD_FLAGS: u64 =
    0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000 | 0x400000;

fn timespec(proc: &Process, p: &MockPlatform, at: u64, ns: u64) {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&(ns / 1_000_000_000).to_le_bytes());
    b[8..].copy_from_slice(&(ns % 1_000_000_000).to_le_bytes());
    poke(proc, p, at, &b);
}

fn word(p: &MockPlatform, at: u64) -> u32 {
    let b = p.peek(at, 4).expect("word mapped");
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

#[test]
fn clone_starts_a_thread_and_writes_both_tids() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let (ptid, ctid, tls) = (m, m + 8, m + 64);
    let tid = sys(
        &proc,
        &p,
        CLONE,
        &[PTHREAD_FLAGS, m + 4000, ptid, ctid, tls],
    );
    assert_eq!(tid, 2);
    assert_eq!(p.spawned.borrow()[0], (2, m + 4000, Some(tls)));
    assert_eq!(word(&p, ptid), 2, "CLONE_PARENT_SETTID");
    assert_eq!(word(&p, ctid), 0, "CHILD_CLEARTID does not write at start");
}

#[test]
fn fork_style_clones_give_enosys_with_one_note() {
    let (proc, p, _) = loaded(false);
    // SIGCHLD only: what musl's fork() passes.
    assert_eq!(sys(&proc, &p, CLONE, &[17, 0, 0, 0, 0]), ENOSYS);
    assert_eq!(sys(&proc, &p, CLONE, &[17, 0, 0, 0, 0]), ENOSYS);
    let console = p.console_text();
    assert_eq!(console.matches("fork").count(), 1, "{console}");
    // CLONE_VM without CLONE_THREAD (vfork-like, posix_spawn) is not a thread.
    assert_eq!(
        sys(&proc, &p, CLONE, &[0x100 | 0x4000 | 17, 0x1000, 0, 0, 0]),
        ENOSYS
    );
    assert_eq!(sys(&proc, &p, CLONE, &[0x100, 0x1000, 0, 0, 0]), EINVAL);
}

#[test]
fn thread_exit_clears_and_wakes_child_tid_and_last_exit_ends_program() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let ctid = m + 8;
    let tid = sys(
        &proc,
        &p,
        CLONE,
        &[PTHREAD_FLAGS | 0x0100_0000, m + 4000, m, ctid, m + 64],
    );
    assert_eq!(word(&p, ctid), 2, "CLONE_CHILD_SETTID");
    // The joiner (thread 1) waits on ctid.
    p.block_results.borrow_mut().push_back(true);
    // Thread 2 exits first, from the joiner's point of view, in this order:
    p.tid.set(2);
    assert_eq!(sys(&proc, &p, GETTID, &[]), 2);
    assert_eq!(outcome(&proc, &p, EXIT, &[0]), SyscallOutcome::ExitThread);
    assert_eq!(word(&p, ctid), 0);
    p.tid.set(1);
    assert_eq!(tid, 2);
    // Only thread 1 remains: exit ends the program.
    assert_eq!(outcome(&proc, &p, EXIT, &[3]), SyscallOutcome::Exit(3));
}

#[test]
fn futex_wait_blocks_and_wake_dequeues() {
    let (proc, p, _) = loaded(false);
    let f = anon(&proc, &p, 4096);
    poke(&proc, &p, f, &7u32.to_le_bytes());
    // Value differs: EAGAIN without blocking.
    assert_eq!(sys(&proc, &p, FUTEX, &[f, 0x80, 6, 0, 0, 0]), EAGAIN);
    assert!(p.blocks.borrow().is_empty());
    // Thread 2 waits with a relative 1 ms timeout and times out.
    p.tid.set(2);
    let ts = f + 64;
    timespec(&proc, &p, ts, 1_000_000);
    let start = p.mono.get();
    assert_eq!(sys(&proc, &p, FUTEX, &[f, 0x80, 7, ts, 0, 0]), ETIMEDOUT);
    assert_eq!(p.blocks.borrow()[0], Some(start + 1_000_000));
    // Nothing is left queued: a wake finds no one.
    p.tid.set(1);
    assert_eq!(sys(&proc, &p, FUTEX, &[f, 0x81, 1, 0, 0, 0]), 0);
}

#[test]
fn futex_wake_wakes_queued_waiters_in_order() {
    let (proc, p, _) = loaded(false);
    let f = anon(&proc, &p, 4096);
    // Two threads are queued (as futex_wait leaves them before blocking).
    let mut st = proc.state_for_tests();
    st.futex.enqueue(f, 2, u32::MAX);
    st.futex.enqueue(f, 3, u32::MAX);
    drop(st);
    p.tid.set(1);
    assert_eq!(sys(&proc, &p, FUTEX, &[f, 1, 1, 0, 0, 0]), 1);
    assert_eq!(*p.wakes.borrow(), vec![2]);
    // A count of 0 still wakes one, as Linux does.
    assert_eq!(sys(&proc, &p, FUTEX, &[f, 1, 0, 0, 0, 0]), 1);
    assert_eq!(*p.wakes.borrow(), vec![2, 3]);
}

#[test]
fn futex_rejects_bad_arguments() {
    let (proc, p, _) = loaded(false);
    let f = anon(&proc, &p, 4096);
    assert_eq!(
        sys(&proc, &p, FUTEX, &[f + 1, 0, 0, 0, 0, 0]),
        EINVAL,
        "unaligned"
    );
    assert_eq!(
        sys(&proc, &p, FUTEX, &[f, 9, 0, 0, 0, 0]),
        EINVAL,
        "empty bitset"
    );
    assert_eq!(
        sys(&proc, &p, FUTEX, &[f, 6, 0, 0, 0, 0]),
        ENOSYS,
        "PI futex"
    );
    assert_eq!(
        sys(&proc, &p, FUTEX, &[0, 0, 0, 0, 0, 0]),
        -14,
        "EFAULT on NULL"
    );
    let ts = f + 64;
    let mut bad = [0u8; 16];
    bad[8..].copy_from_slice(&1_000_000_000u64.to_le_bytes());
    poke(&proc, &p, ts, &bad);
    assert_eq!(
        sys(&proc, &p, FUTEX, &[f, 0, 0, ts, 0, 0]),
        EINVAL,
        "tv_nsec too big"
    );
}

#[test]
fn futex_cmp_requeue_and_wake_op() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let (a, b) = (m, m + 4);
    poke(&proc, &p, a, &5u32.to_le_bytes());
    {
        let mut st = proc.state_for_tests();
        for t in 2..=5 {
            st.futex.enqueue(a, t, u32::MAX);
        }
    }
    assert_eq!(
        sys(&proc, &p, FUTEX, &[a, 4, 1, 2, b, 4]),
        EAGAIN,
        "val3 mismatch"
    );
    assert_eq!(
        sys(&proc, &p, FUTEX, &[a, 4, 1, 2, b, 5]),
        3,
        "1 woken + 2 moved"
    );
    assert_eq!(proc.state_for_tests().futex.waiters(b), 2);
    // WAKE_OP: *b = *b + 1; wake 1 on a; if old > 0 wake 1 on b.
    poke(&proc, &p, b, &1u32.to_le_bytes());
    let op = (1u64 << 28) | (4 << 24) | (1 << 12);
    assert_eq!(sys(&proc, &p, FUTEX, &[a, 5, 1, 1, b, op]), 2);
    assert_eq!(word(&p, b), 2);
}

#[test]
fn nanosleep_keeps_its_deadline_across_spurious_wakeups() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    timespec(&proc, &p, m, 2_500_000);
    let start = p.mono.get();
    // First block: a spurious wake-up; the sleep must block again with the
    // same deadline, not restart.
    p.block_results.borrow_mut().push_back(true);
    assert_eq!(sys(&proc, &p, NANOSLEEP, &[m, 0]), 0);
    let blocks = p.blocks.borrow().clone();
    assert_eq!(
        blocks,
        vec![Some(start + 2_500_000), Some(start + 2_500_000)]
    );
    assert!(p.mono.get() >= start + 2_500_000);
}

#[test]
fn clock_nanosleep_absolute_in_the_past_returns_at_once() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    timespec(&proc, &p, m, 1);
    assert_eq!(sys(&proc, &p, CLOCK_NANOSLEEP, &[1, 1, m, 0]), 0);
    assert!(p.blocks.borrow().is_empty());
    assert_eq!(
        sys(&proc, &p, CLOCK_NANOSLEEP, &[2, 0, m, 0]),
        EINVAL,
        "CPU-time clock"
    );
    assert_eq!(
        sys(&proc, &p, CLOCK_NANOSLEEP, &[1, 2, m, 0]),
        EINVAL,
        "unknown flag"
    );
}

#[test]
fn sched_yield_blocks_only_with_other_threads() {
    let (proc, p, _) = loaded(false);
    assert_eq!(sys(&proc, &p, SCHED_YIELD, &[]), 0);
    assert!(p.blocks.borrow().is_empty());
    let m = anon(&proc, &p, 4096);
    sys(
        &proc,
        &p,
        CLONE,
        &[PTHREAD_FLAGS, m + 4000, m, m + 8, m + 64],
    );
    assert_eq!(sys(&proc, &p, SCHED_YIELD, &[]), 0);
    assert_eq!(p.blocks.borrow().len(), 1);
}
