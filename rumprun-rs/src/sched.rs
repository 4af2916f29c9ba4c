//! Threads and the scheduler. One CPU, a FIFO run queue, tickless: the
//! APIC timer is armed only for the earliest sleep deadline and, while
//! more than one thread is runnable, for the end of a 10 ms time slice.
//! Preemption happens only on timer interrupts taken in ring 3 (the kernel
//! runs with interrupts off), so `posix` code is never preempted; it gives
//! up the CPU only in [`block`]. With nothing to run the CPU idles in `hlt`.
//! Neighbours: `arch::switch` (context and FPU state), `mem::kstack`,
//! `arch::apic`, `trap` (timer interrupt), `platform` (the posix face).

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use core::sync::atomic::{AtomicU64, Ordering};

use crate::arch::idt::TrapFrame;
use crate::arch::switch::{context_switch, thread_trampoline, FpuArea};
use crate::arch::{apic, cpu, gdt, idt};
use crate::mem::kstack::KStack;
use crate::sync::BootCell;

/// The TSC deadline the APIC timer is armed for (0: disarmed).
static ARMED: AtomicU64 = AtomicU64::new(0);

/// Length of a time slice when threads compete, in nanoseconds.
const SLICE_NS: u64 = 10_000_000;
const IA32_FS_BASE: u32 = 0xc000_0100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Running,
    Ready,
    Blocked,
    Dead,
}

struct Thread {
    tid: u32,
    _kstack: Option<KStack>, // None for the boot thread (static stack)
    kstack_top: u64,
    saved_rsp: u64,
    fpu: FpuArea,
    fs_base: u64,
    state: State,
    wake_pending: bool,
    deadline_tsc: Option<u64>,
    timed_out: bool,
    /// The user register frame of the system call in progress.
    frame: *mut TrapFrame,
}

struct Sched {
    threads: BTreeMap<u32, Box<Thread>>,
    ready: VecDeque<u32>,
    current: u32,
    next_tid: u32,
    /// A thread that exited; freed by the next thread once off its stack.
    zombie: Option<Box<Thread>>,
    /// When the network stack wants to run next (TSC), from
    /// `Platform::set_net_timer` or the last `net_poll`.
    net_deadline: Option<u64>,
}

static SCHED: BootCell<Option<Sched>> = BootCell::new(None);

fn with<R>(f: impl FnOnce(&mut Sched) -> R) -> R {
    SCHED.with(|s| f(s.as_mut().expect("scheduler used before sched::init")))
}

/// Creates the boot thread (tid 1) running on the static kernel stack.
pub fn init(kstack_top: u64) {
    let fpu = FpuArea::new().expect("no memory for the first FPU area");
    let t = Box::new(Thread {
        tid: 1,
        _kstack: None,
        kstack_top,
        saved_rsp: 0,
        fpu,
        fs_base: 0,
        state: State::Running,
        wake_pending: false,
        deadline_tsc: None,
        timed_out: false,
        frame: core::ptr::null_mut(),
    });
    let mut threads = BTreeMap::new();
    threads.insert(1, t);
    SCHED.with(|s| {
        *s = Some(Sched {
            threads,
            ready: VecDeque::new(),
            current: 1,
            next_tid: 2,
            zombie: None,
            net_deadline: None,
        })
    });
}

/// Returns the running thread's id.
pub fn current_tid() -> u32 {
    with(|s| s.current)
}

/// Records the frame of the system call the current thread is in.
pub fn set_frame(f: *mut TrapFrame) {
    with(|s| {
        if let Some(t) = s.threads.get_mut(&s.current) {
            t.frame = f;
        }
    });
}

/// Starts a thread that returns to user space like the current system call,
/// but with `rax = 0`, `rsp = stack` and, if given, FS base `tls` (clone(2)).
pub fn spawn(stack: u64, tls: Option<u64>) -> Option<u32> {
    let kstack = KStack::new()?;
    let mut fpu = FpuArea::new()?;
    let top = kstack.top();
    let (parent_frame, parent_fs) = with(|s| {
        let t = s
            .threads
            .get_mut(&s.current)
            .expect("current thread exists");
        t.fpu.save();
        fpu.copy_from(&t.fpu);
        (t.frame, cpu::rdmsr(IA32_FS_BASE))
    });
    if parent_frame.is_null() {
        return None;
    }
    // SAFETY: `frame` points at the current thread's live syscall frame on
    // its kernel stack (set by trap::syscall_entry_rust for this call).
    let mut frame = unsafe { *parent_frame };
    frame.rax = 0;
    frame.rsp = stack;
    frame.rflags |= 0x200;
    let frame_at = top - core::mem::size_of::<TrapFrame>() as u64;
    let ret_at = frame_at - 8;
    let regs_at = ret_at - 6 * 8;
    // SAFETY: the new stack is mapped (KStack::new), unused, and these
    // writes stay within its top page: the TrapFrame the trampoline returns
    // with, the trampoline's address for `ret`, six zeroed callee-saved
    // registers for context_switch to pop.
    unsafe {
        (frame_at as *mut TrapFrame).write(frame);
        (ret_at as *mut u64).write(thread_trampoline as *const () as u64);
        for i in 0..6 {
            ((regs_at + i * 8) as *mut u64).write(0);
        }
    }
    Some(with(|s| {
        let tid = s.next_tid;
        s.next_tid += 1;
        s.threads.insert(
            tid,
            Box::new(Thread {
                tid,
                _kstack: Some(kstack),
                kstack_top: top,
                saved_rsp: regs_at,
                fpu,
                fs_base: tls.unwrap_or(parent_fs),
                state: State::Ready,
                wake_pending: false,
                deadline_tsc: None,
                timed_out: false,
                frame: core::ptr::null_mut(),
            }),
        );
        s.ready.push_back(tid);
        tid
    }))
}

/// Makes `tid` runnable if it is blocked, else remembers the wake so its
/// next `block` returns at once (no lost wake-ups).
pub fn wake(tid: u32) {
    with(|s| wake_locked(s, tid, false));
}

fn wake_locked(s: &mut Sched, tid: u32, timeout: bool) {
    let Some(t) = s.threads.get_mut(&tid) else {
        return;
    };
    match t.state {
        State::Blocked => {
            t.state = State::Ready;
            t.timed_out = timeout;
            t.deadline_tsc = None;
            s.ready.push_back(tid);
        }
        State::Running | State::Ready if !timeout => t.wake_pending = true,
        _ => {}
    }
}

/// Blocks the current thread until [`wake`] or until the monotonic clock
/// reaches `deadline_ns`. Returns true if woken, false on timeout.
pub fn block(deadline_ns: Option<u64>) -> bool {
    let proceed = with(|s| {
        let t = s
            .threads
            .get_mut(&s.current)
            .expect("current thread exists");
        if t.wake_pending {
            t.wake_pending = false;
            return false;
        }
        t.state = State::Blocked;
        t.timed_out = false;
        t.deadline_tsc = deadline_ns.map(crate::time::ns_to_tsc);
        true
    });
    if proceed {
        schedule();
    }
    with(|s| {
        !s.threads
            .get(&s.current)
            .expect("current thread exists")
            .timed_out
    })
}

/// Ends the current thread (the last one ends the program: `posix`
/// decides that before calling this).
pub fn exit_current() -> ! {
    with(|s| {
        let cur = s.current;
        if let Some(t) = s.threads.get_mut(&cur) {
            t.state = State::Dead;
        }
    });
    schedule();
    unreachable!("a dead thread was scheduled again");
}

/// Timer interrupt: wakes sleepers whose deadline passed, runs the
/// network stack if its timer passed, and, if the interrupt came from
/// ring 3 and others are waiting, preempts.
pub fn on_timer(from_user: bool) {
    apic::eoi();
    let now = cpu::rdtsc();
    let net_due = with(|s| {
        let expired: alloc::vec::Vec<u32> = s
            .threads
            .values()
            .filter(|t| t.state == State::Blocked && t.deadline_tsc.is_some_and(|d| d <= now))
            .map(|t| t.tid)
            .collect();
        for tid in expired {
            wake_locked(s, tid, true);
        }
        let due = s.net_deadline.is_some_and(|d| d <= now);
        if due {
            s.net_deadline = None;
        }
        due
    });
    if net_due {
        // Outside `with`: net_poll wakes threads through `wake`.
        crate::net::poll();
    }
    end_of_interrupt(from_user);
}

/// Finishes an interrupt (the timer's or a device's, after its handler
/// woke threads): from ring 3 with a thread ready, the interrupted thread
/// goes to the back of the queue so the woken one runs now, as a time
/// slice end would; otherwise the timer is re-armed.
pub fn end_of_interrupt(from_user: bool) {
    let preempt = with(|s| {
        if from_user && !s.ready.is_empty() {
            let cur = s.current;
            let t = s.threads.get_mut(&cur).expect("current thread exists");
            t.state = State::Ready;
            s.ready.push_back(cur);
            true
        } else {
            false
        }
    });
    if preempt {
        schedule();
    } else {
        rearm();
    }
}

/// Sets (or with `None` cancels) the network stack's timer: `net::poll`
/// runs from the timer interrupt once the TSC reaches `at_tsc`. Called in
/// a system call or an interrupt handler; arms the APIC at once if this is
/// now the earliest deadline (a later one is picked up by the next rearm).
pub fn set_net_timer(at_tsc: Option<u64>) {
    with(|s| s.net_deadline = at_tsc);
    if let Some(t) = at_tsc {
        let armed = ARMED.load(Ordering::Relaxed);
        if armed == 0 || t < armed {
            ARMED.store(t, Ordering::Relaxed);
            apic::arm(t);
        }
    }
}

/// Waits in `hlt`, interrupts on, until any interrupt or the TSC reaches
/// `deadline_tsc` (used at boot while the network comes up).
pub fn idle_until(deadline_tsc: u64) {
    rearm();
    let armed = ARMED.load(Ordering::Relaxed);
    if armed == 0 || deadline_tsc < armed {
        ARMED.store(deadline_tsc, Ordering::Relaxed);
        apic::arm(deadline_tsc);
    }
    idt::idle_until_interrupt();
}

/// Arms the timer for the earliest deadline (sleepers, the network stack)
/// and, with competitors, the slice end.
fn rearm() {
    let next = with(|s| {
        let slice = (!s.ready.is_empty()).then(|| cpu::rdtsc() + crate::time::ns_to_tsc(SLICE_NS));
        let sleep = s
            .threads
            .values()
            .filter(|t| t.state == State::Blocked)
            .filter_map(|t| t.deadline_tsc)
            .chain(s.net_deadline)
            .min();
        match (slice, sleep) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    });
    ARMED.store(next.unwrap_or(0), Ordering::Relaxed);
    match next {
        Some(t) => apic::arm(t),
        None => apic::disarm(),
    }
}

/// Switches to the next ready thread, idling in `hlt` until one exists.
fn schedule() {
    let mut warned = false;
    loop {
        let next = with(|s| {
            let cur = s.current;
            let cur_runs = s
                .threads
                .get(&cur)
                .is_some_and(|t| t.state == State::Running);
            if cur_runs {
                return Some(None);
            }
            s.ready.pop_front().map(Some)
        });
        match next {
            Some(None) => {
                rearm();
                return;
            }
            Some(Some(tid)) => {
                switch_to(tid);
                rearm();
                return;
            }
            None => {
                // Nothing runnable: sleep until an interrupt (the timer for
                // the earliest deadline, or a device) makes a thread ready.
                rearm();
                let any_deadline = with(|s| {
                    s.net_deadline.is_some()
                        || s.threads
                            .values()
                            .any(|t| t.state == State::Blocked && t.deadline_tsc.is_some())
                });
                // With a NIC, waiting for its interrupt is the normal idle
                // state of a server, not worth a note.
                if !any_deadline && !warned && !crate::net::attached() {
                    crate::kprintln!("every thread is blocked and no timer is pending: waiting for a device interrupt");
                    warned = true;
                }
                idt::idle_until_interrupt();
            }
        }
    }
}

fn switch_to(tid: u32) {
    let (from_rsp, to_rsp) = with(|s| {
        let prev = s.current;
        if prev == tid {
            s.threads.get_mut(&tid).expect("thread exists").state = State::Running;
            return (core::ptr::null_mut(), 0);
        }
        let prev_dead = s.threads.get(&prev).is_some_and(|t| t.state == State::Dead);
        let from: *mut u64 = if prev_dead {
            // Keep the dead thread (and its stack, which we are still on)
            // until another thread runs; replacing an older zombie frees it,
            // which is safe because we are not on that one's stack.
            s.zombie = s.threads.remove(&prev);
            &mut s
                .zombie
                .as_mut()
                .expect("dead thread was in the table")
                .saved_rsp
        } else {
            let p = s.threads.get_mut(&prev).expect("previous thread exists");
            p.fpu.save();
            p.fs_base = cpu::rdmsr(IA32_FS_BASE);
            &mut p.saved_rsp
        };
        let n = s.threads.get_mut(&tid).expect("next thread exists");
        n.state = State::Running;
        n.fpu.restore();
        // SAFETY: FS_BASE only affects ring-3 %fs; the value is the thread's own.
        unsafe { cpu::wrmsr(IA32_FS_BASE, n.fs_base) };
        gdt::set_rsp0(n.kstack_top);
        idt::set_syscall_stack(n.kstack_top);
        let to = n.saved_rsp;
        s.current = tid;
        (from, to)
    });
    if from_rsp.is_null() {
        return;
    }
    // SAFETY: `from_rsp` points into a boxed Thread that stays allocated (in
    // the table, or as the zombie) until another thread has run; `to_rsp` is
    // the saved stack of a thread switched out here or prepared by `spawn`.
    unsafe { context_switch(from_rsp, to_rsp) };
    // Back on this thread: the zombie (if any) is someone else's; free it.
    with(|s| s.zombie = None);
}
