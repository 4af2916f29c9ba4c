//! Futex wait queues (futex(2), linux/futex.h). Owns the table from user
//! address to the threads waiting on it; the syscall glue in `sys::futex`
//! reads the futex word through `uaccess`, enqueues, and blocks through the
//! platform. One process, so every futex is effectively FUTEX_PRIVATE: the
//! key is the user virtual address. Each waiter carries the FUTEX_WAIT_BITSET
//! mask (all ones for plain FUTEX_WAIT).

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;

/// Thread id of a waiter.
pub type Tid = u32;

/// FUTEX_BITSET_MATCH_ANY: the mask plain WAIT/WAKE use.
pub const MATCH_ANY: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Waiter {
    tid: Tid,
    bitset: u32,
}

/// All futex wait queues of the process.
#[derive(Debug, Default)]
pub struct FutexTable {
    queues: BTreeMap<u64, VecDeque<Waiter>>,
}

impl FutexTable {
    /// Creates an empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `tid` on `addr` (FIFO, as Linux wakes in queue order for
    /// equal priorities).
    pub fn enqueue(&mut self, addr: u64, tid: Tid, bitset: u32) {
        self.queues
            .entry(addr)
            .or_default()
            .push_back(Waiter { tid, bitset });
    }

    /// Removes `tid` from whatever queue holds it (after a timeout or a
    /// signal); returns the address it was queued on, or `None` if it had
    /// already been woken (so the waiter reports success, not ETIMEDOUT).
    pub fn remove(&mut self, tid: Tid) -> Option<u64> {
        let addr = self
            .queues
            .iter()
            .find(|(_, q)| q.iter().any(|w| w.tid == tid))
            .map(|(a, _)| *a)?;
        let q = self.queues.get_mut(&addr)?;
        q.retain(|w| w.tid != tid);
        if q.is_empty() {
            self.queues.remove(&addr);
        }
        Some(addr)
    }

    /// Dequeues up to `n` waiters on `addr` whose bitset intersects
    /// `bitset`; returns them in wake order (FUTEX_WAKE, FUTEX_WAKE_BITSET).
    pub fn wake(&mut self, addr: u64, n: usize, bitset: u32) -> Vec<Tid> {
        let mut woken = Vec::new();
        if let Some(q) = self.queues.get_mut(&addr) {
            q.retain(|w| {
                if woken.len() < n && w.bitset & bitset != 0 {
                    woken.push(w.tid);
                    false
                } else {
                    true
                }
            });
            if q.is_empty() {
                self.queues.remove(&addr);
            }
        }
        woken
    }

    /// Wakes up to `nwake` waiters on `from` and moves up to `nrequeue` of
    /// the rest to `to` (FUTEX_REQUEUE / FUTEX_CMP_REQUEUE); returns the
    /// woken threads and how many were moved.
    pub fn requeue(
        &mut self,
        from: u64,
        to: u64,
        nwake: usize,
        nrequeue: usize,
    ) -> (Vec<Tid>, usize) {
        let woken = self.wake(from, nwake, MATCH_ANY);
        if from == to {
            return (woken, 0);
        }
        let mut moved = Vec::new();
        if let Some(q) = self.queues.get_mut(&from) {
            while moved.len() < nrequeue {
                match q.pop_front() {
                    Some(w) => moved.push(w),
                    None => break,
                }
            }
            if q.is_empty() {
                self.queues.remove(&from);
            }
        }
        let n = moved.len();
        if n > 0 {
            self.queues.entry(to).or_default().extend(moved);
        }
        (woken, n)
    }

    /// Returns whether `tid` is waiting on any futex.
    pub fn is_queued(&self, tid: Tid) -> bool {
        self.queues.values().any(|q| q.iter().any(|w| w.tid == tid))
    }

    /// Number of threads waiting on `addr`.
    pub fn waiters(&self, addr: u64) -> usize {
        self.queues.get(&addr).map_or(0, |q| q.len())
    }
}

/// The operation half of a FUTEX_WAKE_OP argument (linux/futex.h
/// FUTEX_OP_SET..FUTEX_OP_XOR, with FUTEX_OP_OPARG_SHIFT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WakeOp {
    op: u32,
    oparg: u32,
    cmp: u32,
    cmparg: u32,
}

impl WakeOp {
    /// Decodes `val3` of FUTEX_WAKE_OP: op(4) cmp(4) oparg(12) cmparg(12).
    /// Returns `None` for an undefined op or comparison (Linux: ENOSYS).
    pub fn decode(val3: u32) -> Option<WakeOp> {
        let op = (val3 >> 28) & 0xf;
        let cmp = (val3 >> 24) & 0xf;
        // oparg and cmparg are sign-extended 12-bit fields.
        let sext = |v: u32| ((v << 20) as i32 >> 20) as u32;
        let mut oparg = sext((val3 >> 12) & 0xfff);
        let cmparg = sext(val3 & 0xfff);
        if op & 8 != 0 {
            // FUTEX_OP_OPARG_SHIFT: use 1 << oparg; Linux masks the shift to 0..31.
            oparg = 1u32.wrapping_shl(oparg & 31);
        }
        let op = op & 7;
        if op > 4 || cmp > 5 {
            return None;
        }
        Some(WakeOp {
            op,
            oparg,
            cmp,
            cmparg,
        })
    }

    /// Returns the new value to store at uaddr2 given its old value.
    pub fn apply(&self, old: u32) -> u32 {
        match self.op {
            0 => self.oparg,                   // SET
            1 => old.wrapping_add(self.oparg), // ADD
            2 => old | self.oparg,             // OR
            3 => old & !self.oparg,            // ANDN
            _ => old ^ self.oparg,             // XOR
        }
    }

    /// Evaluates the comparison on the old value (signed, as Linux does).
    pub fn compare(&self, old: u32) -> bool {
        let (a, b) = (old as i32, self.cmparg as i32);
        match self.cmp {
            0 => a == b,
            1 => a != b,
            2 => a < b,
            3 => a <= b,
            4 => a > b,
            _ => a >= b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wake_is_fifo_and_bounded() {
        let mut t = FutexTable::new();
        for tid in 1..=4 {
            t.enqueue(0x1000, tid, MATCH_ANY);
        }
        assert_eq!(t.wake(0x1000, 2, MATCH_ANY), vec![1, 2]);
        assert_eq!(t.waiters(0x1000), 2);
        assert_eq!(t.wake(0x1000, usize::MAX, MATCH_ANY), vec![3, 4]);
        assert_eq!(t.waiters(0x1000), 0);
        assert!(t.wake(0x2000, 1, MATCH_ANY).is_empty());
    }

    #[test]
    fn bitset_selects_waiters() {
        let mut t = FutexTable::new();
        t.enqueue(0x10, 1, 0b01);
        t.enqueue(0x10, 2, 0b10);
        assert_eq!(t.wake(0x10, 5, 0b10), vec![2]);
        assert_eq!(t.wake(0x10, 5, 0b10), Vec::<Tid>::new());
        assert_eq!(t.wake(0x10, 5, MATCH_ANY), vec![1]);
    }

    #[test]
    fn remove_after_timeout_reports_whether_still_queued() {
        let mut t = FutexTable::new();
        t.enqueue(0x10, 7, MATCH_ANY);
        assert_eq!(t.remove(7), Some(0x10));
        assert_eq!(t.remove(7), None);
        t.enqueue(0x10, 8, MATCH_ANY);
        t.wake(0x10, 1, MATCH_ANY);
        assert_eq!(t.remove(8), None, "a woken waiter must not see ETIMEDOUT");
    }

    #[test]
    fn requeue_wakes_then_moves() {
        let mut t = FutexTable::new();
        for tid in 1..=5 {
            t.enqueue(0xa, tid, MATCH_ANY);
        }
        let (woken, moved) = t.requeue(0xa, 0xb, 1, 2);
        assert_eq!(woken, vec![1]);
        assert_eq!(moved, 2);
        assert_eq!(t.waiters(0xa), 2);
        assert_eq!(t.wake(0xb, 9, MATCH_ANY), vec![2, 3]);
        assert_eq!(t.wake(0xa, 9, MATCH_ANY), vec![4, 5]);
    }

    #[test]
    fn wake_op_decodes_like_linux() {
        // FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GT, 0): glibc's condvar encoding.
        let enc = (1 << 28) | (4 << 24) | (1 << 12);
        let op = WakeOp::decode(enc).unwrap();
        assert_eq!(op.apply(5), 6);
        assert!(op.compare(1));
        assert!(!op.compare(0));
        // OPARG_SHIFT with SET: 1 << 3.
        let op = WakeOp::decode((8 << 28) | (3 << 12)).unwrap();
        assert_eq!(op.apply(0), 8);
        // Negative cmparg compares signed.
        let op = WakeOp::decode((2 << 24) | 0xfff).unwrap(); // SET, CMP_LT, cmparg -1
        assert!(op.compare((-2i32) as u32));
        assert!(WakeOp::decode(6 << 28).is_none());
        assert!(WakeOp::decode(7 << 24).is_none());
    }
}
