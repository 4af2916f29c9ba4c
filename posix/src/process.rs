//! The one process: its state behind a lock and the entry points the kernel
//! calls — [`Process::load`] at boot, [`Process::syscall`] from the
//! `syscall` entry, [`Process::page_fault`] from the #PF handler. Key types:
//! [`Process`], [`EntryState`], [`SyscallOutcome`], [`FaultOutcome`].
//! Neighbours: `loader`/`stack` (load), `table` (dispatch), `mm` (faults).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;

use rumprun_config::image::ImageConfig;
use spin::Mutex;

use crate::errno::SysResult;
use crate::fd::FdTable;
use crate::files::Files;
use crate::futex::FutexTable;
use crate::loader::{self, LoadError};
use crate::mm::{Mm, USER_END};
use crate::platform::{Platform, Tid, UserAddr};
use crate::signal::{self, UserRegs};
use crate::sys::prctl::Prctl;
use crate::sys::prlimit::Rlimits;
use crate::sys::rt_sigaction::Signals;
use crate::{table, uaccess};

/// Where to enter ring 3 for the first time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryState {
    /// The program's entry point (`e_entry` plus the load bias).
    pub rip: u64,
    /// The initial stack pointer (16-byte aligned, pointing at argc).
    pub rsp: u64,
}

/// What the kernel does after a syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyscallOutcome {
    /// Return to the program with this raw `rax` (negative errno encoded;
    /// also written to the registers' `rax`); no other register changed.
    Return(u64),
    /// Return to the program with every register of the `UserRegs` given
    /// to [`Process::syscall`] (a signal handler's frame was set up, or
    /// rt_sigreturn restored one): the kernel must leave through IRETQ.
    ReturnRegs,
    /// The program called exit/exit_group: the VM exits with this status.
    Exit(u8),
    /// The calling thread ended (exit(2) with other threads left): the
    /// kernel frees it and runs another thread.
    ExitThread,
}

/// The kind of user access that faulted (from the #PF error code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Access {
    /// The access was a write.
    pub write: bool,
    /// The access was an instruction fetch.
    pub exec: bool,
}

/// What the kernel does after a user page fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultOutcome {
    /// A page was mapped: return to the program and retry the instruction.
    Resolved,
    /// The access is invalid: report SIGSEGV and stop the program.
    Segv {
        /// The faulting address.
        addr: u64,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// A file mapping was touched beyond the end of its file: report
    /// SIGBUS and stop the program (mmap(2), "SIGBUS").
    Bus {
        /// The faulting address.
        addr: u64,
        /// Why.
        reason: &'static str,
    },
    /// No physical frame is left for the page: report it and stop the
    /// program as Linux's OOM killer would (SIGKILL).
    OutOfMemory {
        /// The faulting address.
        addr: u64,
    },
}

/// The process identity (uid/gid triples; set*id are no-ops that get*id
/// reflect, DESIGN.md decision 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    pub uid: u32,
    pub euid: u32,
    pub suid: u32,
    pub gid: u32,
    pub egid: u32,
    pub sgid: u32,
    pub fsuid: u32,
    pub fsgid: u32,
    /// Supplementary groups (setgroups(2)).
    pub groups: Vec<u32>,
}

/// Everything the syscalls of the one process share.
pub(crate) struct State {
    pub mm: Mm,
    pub id: Identity,
    pub hostname: String,
    pub program_name: String,
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub trace: bool,
    /// Syscall numbers already reported as not implemented.
    pub reported: BTreeSet<u64>,
    pub loaded: bool,
    pub signals: Signals,
    pub rlimits: Rlimits,
    /// Per-thread state, by thread id (the first thread is 1).
    pub threads: BTreeMap<Tid, ThreadState>,
    /// Futex wait queues.
    pub futex: FutexTable,
    /// NIS domain name (setdomainname(2); uname's domainname).
    pub domainname: String,
    /// prctl(2) state (thread name, dumpable, ...).
    pub prctl: Prctl,
    /// Nice value (-20..=19) for getpriority/setpriority.
    pub nice: i32,
    /// personality(2) persona.
    pub personality: u32,
    /// Memory size the image was configured with, for sysinfo(2).
    pub memory_bytes: u64,
    /// Threads that objects woke during this syscall, and its clock.
    pub waits: alloc::sync::Arc<crate::wait::WaitHub>,
    /// Open files by fd number (0, 1, 2: the console).
    pub fds: FdTable,
    /// The namespace, cwd (umask inside the VFS) and platform bridge.
    pub files: Files,
    /// The AF_INET/AF_INET6 stack (`net::inet`; sockets hold clones).
    pub net: alloc::sync::Arc<crate::net::inet::Net>,
}

/// What the process keeps per thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ThreadState {
    /// set_tid_address(2) / CLONE_CHILD_CLEARTID pointer: zeroed and
    /// futex-woken when the thread exits (that is how pthread_join waits).
    pub clear_child_tid: u64,
    /// set_robust_list(2) head.
    pub robust_list: u64,
    /// Signal mask, pending signals, alternate stack.
    pub sig: crate::signal::ThreadSignals,
}

/// A handler's request to wait (see `Cx::block_until`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Block {
    /// Monotonic deadline in ns, if the wait is bounded.
    pub deadline_ns: Option<u64>,
    /// A value handed back to the re-run (see [`Cx::block_carrying`]).
    pub carry: u64,
}

/// What a re-run handler learns about the wait it asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resume {
    /// True if woken by `Platform::wake`, false if the deadline passed.
    pub woken: bool,
    /// The deadline the handler asked for (to keep it across re-runs).
    pub deadline_ns: Option<u64>,
    /// What the handler passed to [`Cx::block_carrying`] (0 otherwise).
    pub carry: u64,
}

/// The context a handler runs in: the platform and the locked state.
pub(crate) struct Cx<'a> {
    pub p: &'a dyn Platform,
    pub st: &'a mut State,
    /// Set by exit/exit_group.
    pub exit: Option<u8>,
    /// Set by exit(2) of one thread among several.
    pub exit_thread: bool,
    /// Set by a handler that must wait; the dispatcher then drops the
    /// process lock, blocks, and runs the handler again.
    pub block: Option<Block>,
    /// On a re-run after a wait: how the wait ended.
    pub resume: Option<Resume>,
    /// The program's stack pointer at the call (sigaltstack(2) needs it).
    pub user_sp: u64,
}

impl Cx<'_> {
    /// Asks the dispatcher to block the thread until a wake or the deadline
    /// and then run the handler again with [`Cx::resume`] set. Returns the
    /// error for the handler to return now (never seen by the program).
    /// Handlers must tolerate spurious wake-ups (see `Platform::block`).
    pub fn block_until(&mut self, deadline_ns: Option<u64>) -> crate::errno::SysError {
        self.block_carrying(deadline_ns, 0)
    }

    /// Like `Cx::block_until`, handing `carry` back to the re-run in
    /// [`Resume::carry`] (a user deadline when the block deadline is an
    /// object's, the bytes a blocking write already moved).
    pub fn block_carrying(
        &mut self,
        deadline_ns: Option<u64>,
        carry: u64,
    ) -> crate::errno::SysError {
        self.block = Some(Block { deadline_ns, carry });
        crate::errno::SysError::new(crate::errno::Errno::EINTR, "blocked")
    }

    /// Returns the calling thread's state.
    pub fn thread(&mut self) -> &mut ThreadState {
        let tid = self.p.current_tid();
        self.st.threads.entry(tid).or_default()
    }

    /// Copies from the program (see [`uaccess::copy_in`]).
    pub fn copy_in(&mut self, src: UserAddr, dst: &mut [u8]) -> SysResult<()> {
        uaccess::copy_in(self.p, &mut self.st.mm, src, dst)
    }

    /// Copies to the program (see [`uaccess::copy_out`]).
    pub fn copy_out(&mut self, dst: UserAddr, src: &[u8]) -> SysResult<()> {
        uaccess::copy_out(self.p, &mut self.st.mm, dst, src)
    }

    /// Reads a u64 from the program.
    pub fn read_u64(&mut self, src: UserAddr) -> SysResult<u64> {
        uaccess::read_u64(self.p, &mut self.st.mm, src)
    }

    /// Writes a u64 to the program.
    pub fn write_u64(&mut self, dst: UserAddr, v: u64) -> SysResult<()> {
        uaccess::write_u64(self.p, &mut self.st.mm, dst, v)
    }
}

/// The one process of the unikernel; the kernel keeps it in a static.
pub struct Process {
    state: Mutex<State>,
    /// The network stack, reachable without the state lock (net_poll runs
    /// in interrupt context and takes only the stack's lock).
    net: alloc::sync::Arc<crate::net::inet::Net>,
}

impl Process {
    /// Creates the process from the image configuration; `trace` turns on
    /// the strace-style syscall trace on the console.
    pub fn new(config: &ImageConfig, trace: bool) -> Process {
        let id = Identity {
            uid: config.uid,
            euid: config.uid,
            suid: config.uid,
            gid: config.gid,
            egid: config.gid,
            sgid: config.gid,
            fsuid: config.uid,
            fsgid: config.gid,
            groups: Vec::new(),
        };
        let hostname = if config.hostname.is_empty() {
            String::from("rumprun")
        } else {
            config.hostname.clone()
        };
        let memory_bytes = u64::from(config.memory_mib) << 20;
        let etc = crate::vfs::etc::EtcConfig::new(&hostname, config.uid, config.gid);
        let waits = crate::wait::WaitHub::new();
        let net =
            crate::net::inet::Net::new(&waits, &hostname, config.net.clone(), etc.net.clone());
        net.set_memory(memory_bytes);
        let files = Files::new(etc, memory_bytes);
        let mut fds = FdTable::default();
        files.open_stdio(&mut fds);
        Process {
            state: Mutex::new(State {
                mm: Mm::new(),
                id,
                hostname,
                program_name: config.program_name.clone(),
                args: config.args.clone(),
                env: config.env.clone(),
                trace,
                reported: BTreeSet::new(),
                loaded: false,
                signals: Signals::default(),
                rlimits: Rlimits::default(),
                threads: BTreeMap::from([(1, ThreadState::default())]),
                futex: FutexTable::new(),
                domainname: String::from("(none)"),
                prctl: Prctl::new(&config.program_name),
                nice: 0,
                personality: 0,
                memory_bytes,
                waits,
                fds,
                files,
                net: net.clone(),
            }),
            net,
        }
    }

    /// Mounts the image's read-only root filesystem archive (kept mapped
    /// forever) as `/`, with /dev, /tmp, /dev/shm and the generated /etc;
    /// call it before [`Process::load`]. Without it `/` is an empty
    /// read-only directory with those mounts.
    ///
    /// # Errors
    /// The archive's validation error (a corrupt image).
    pub fn set_rootfs(
        &self,
        archive: &'static [u8],
    ) -> Result<(), rumprun_config::rootfs::RootFsError> {
        let mut st = self.state.lock();
        let st = &mut *st;
        st.files.set_rootfs(archive)?;
        st.files.open_stdio(&mut st.fds);
        Ok(())
    }

    /// Loads the program ELF (bytes from the image), maps it, builds the
    /// stack; returns where to enter ring 3.
    ///
    /// # Errors
    /// [`LoadError`] says what is wrong with the file or the layout.
    pub fn load<P: Platform>(&self, p: &P, elf: &[u8]) -> Result<EntryState, LoadError> {
        let mut st = self.state.lock();
        loader::load(p, &mut st, elf)
    }

    /// Runs the system call in `regs` (number in `rax`, arguments in
    /// `rdi rsi rdx r10 r8 r9`), writes its result to `rax` and delivers
    /// pending signals on the way out (which may rewrite every register:
    /// then the outcome is [`SyscallOutcome::ReturnRegs`]).
    ///
    /// A handler that must wait asks for it through `Cx::block_until`;
    /// the lock is dropped while the thread blocks (so other threads can
    /// run system calls) and the handler runs again afterwards. A signal
    /// to deliver ends the wait: EINTR, or a restart under SA_RESTART.
    pub fn syscall<P: Platform>(&self, p: &P, regs: &mut UserRegs) -> SyscallOutcome {
        let nr = regs.rax;
        let args = regs.syscall_args();
        let mut resume = None;
        loop {
            let mut st = self.state.lock();
            st.waits.set_now(p.monotonic_ns());
            let mut cx = Cx {
                p,
                st: &mut st,
                exit: None,
                exit_thread: false,
                block: None,
                resume,
                user_sp: regs.rsp,
            };
            if nr == signal::SYS_RT_SIGRETURN {
                return signal::rt_sigreturn(&mut cx, regs);
            }
            cx.st.files.bridge.enter(p);
            let mut out = table::dispatch(&mut cx, nr, args);
            cx.st.waits.flush(p);
            cx.st.files.bridge.drain(p);
            // The socket calls ran the stack: re-arm its timer if it moved.
            if let Some(t) = cx.st.net.take_timer_change() {
                p.set_net_timer(t);
            }
            let mut intr = None;
            if cx.block.is_some() && signal::interrupting(&mut cx) {
                out = signal::abandon_wait(&mut cx);
                intr = Some(signal::Interrupted {
                    nr,
                    restartable: signal::restartable(nr, &args),
                });
                cx.block = None;
            }
            let Some(block) = cx.block else {
                return signal::syscall_exit(&mut cx, regs, out, intr);
            };
            drop(st);
            let woken = p.block(block.deadline_ns);
            resume = Some(Resume {
                woken,
                deadline_ns: block.deadline_ns,
                carry: block.carry,
            });
        }
    }

    /// Turns a user exception into signal `sig` (SIGSEGV, SIGBUS, SIGFPE,
    /// SIGILL, SIGTRAP) with `si_code` and `si_addr` = `addr`: if the
    /// program installed a handler and does not block the signal, builds
    /// its frame, points `regs` at it and returns true (return to ring 3
    /// with all of `regs`); false means the default action, which the
    /// kernel reports before it exits with 128 + sig. A `SEGV_MAPERR` code
    /// becomes `SEGV_ACCERR` when `addr` lies in a mapping.
    pub fn user_fault<P: Platform>(
        &self,
        p: &P,
        regs: &mut UserRegs,
        sig: u32,
        si_code: i32,
        addr: u64,
    ) -> bool {
        let mut st = self.state.lock();
        let mut cx = Cx {
            p,
            st: &mut st,
            exit: None,
            exit_thread: false,
            block: None,
            resume: None,
            user_sp: regs.rsp,
        };
        signal::fault(&mut cx, regs, sig, si_code, addr)
    }

    /// Delivers the calling thread's pending signals on a return to ring 3
    /// that is not a system call's (after an interrupt taken in user mode):
    /// [`SyscallOutcome::ReturnRegs`] if `regs` now enter a handler,
    /// `Exit` for a fatal signal, else `Return` (nothing to do).
    pub fn deliver_signals<P: Platform>(&self, p: &P, regs: &mut UserRegs) -> SyscallOutcome {
        let mut st = self.state.lock();
        let mut cx = Cx {
            p,
            st: &mut st,
            exit: None,
            exit_thread: false,
            block: None,
            resume: None,
            user_sp: regs.rsp,
        };
        let changed = signal::deliver(&mut cx, regs, None);
        match cx.exit {
            Some(code) => SyscallOutcome::Exit(code),
            None if changed => SyscallOutcome::ReturnRegs,
            None => SyscallOutcome::Return(regs.rax),
        }
    }

    /// Handles a user-mode page fault at `addr` (the kernel calls this from
    /// its #PF handler): maps a page on demand or says why it is a SIGSEGV.
    pub fn page_fault<P: Platform>(&self, p: &P, addr: u64, access: Access) -> FaultOutcome {
        if addr >= USER_END {
            return FaultOutcome::Segv {
                addr,
                reason: "access to a kernel address",
            };
        }
        let mut st = self.state.lock();
        match st.mm.fault_in_detail(p, addr, access.write, access.exec) {
            Ok(()) => FaultOutcome::Resolved,
            Err(crate::mm::FaultError::Segv(reason)) => FaultOutcome::Segv { addr, reason },
            Err(crate::mm::FaultError::Bus(reason)) => FaultOutcome::Bus { addr, reason },
            Err(crate::mm::FaultError::OutOfMemory) => FaultOutcome::OutOfMemory { addr },
        }
    }

    /// Hands the first NIC to the socket layer (the kernel, at boot, before
    /// the program runs). Without one only loopback exists.
    pub fn attach_nic<P: Platform>(
        &self,
        p: &P,
        dev: alloc::boxed::Box<dyn crate::net::NetDevice>,
    ) {
        let mut seed = [0u8; 8];
        p.random(&mut seed);
        self.net
            .attach(dev, u64::from_le_bytes(seed), p.monotonic_ns());
        self.net.hub().flush(p);
        // DHCP (or ARP/NDP) now has a retransmission timer to run.
        if let Some(t) = self.net.take_timer_change() {
            p.set_net_timer(t);
        }
    }

    /// Runs the network stack (the kernel calls it on a NIC interrupt and
    /// when the time asked through `Platform::set_net_timer` comes): takes
    /// received frames, runs timers, sends what is queued, wakes threads
    /// waiting on sockets whose readiness changed. Returns the monotonic
    /// time at which it wants to run again. Must be called with no syscall
    /// in progress on this CPU (interrupts taken in ring 3 or in idle).
    pub fn net_poll<P: Platform>(&self, p: &P) -> Option<u64> {
        let (next, line) = self.net.poll(p.monotonic_ns());
        if let Some(line) = line {
            p.console_write(line.as_bytes());
        }
        self.net.hub().flush(p);
        next
    }

    /// Tells whether the NIC is configured (a static address, or a DHCP
    /// lease), or there is no NIC: the kernel waits for this, bounded,
    /// before the program starts, so a client's first connect can work.
    pub fn net_ready(&self) -> bool {
        self.net.ready()
    }

    /// Returns the locked state (host tests only).
    #[cfg(test)]
    pub(crate) fn state_for_tests(&self) -> spin::MutexGuard<'_, State> {
        self.state.lock()
    }

    /// Describes the mapping containing `addr` for fault reports (e.g.
    /// "unmapped", "\[heap\] rw- 0x...-0x...", "program text r-x ...").
    pub fn describe_addr(&self, addr: u64) -> String {
        // try_lock: the kernel may call this from a fault report while a
        // syscall holds the lock on another path; never deadlock there.
        let Some(st) = self.state.try_lock() else {
            return String::from("unknown (address space busy)");
        };
        st.mm.describe(addr)
    }
}
