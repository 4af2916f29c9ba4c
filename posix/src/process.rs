//! The one process: its state behind a lock and the entry points the kernel
//! calls — [`Process::load`] at boot, [`Process::syscall`] from the
//! `syscall` entry, [`Process::page_fault`] from the #PF handler. Key types:
//! [`Process`], [`EntryState`], [`SyscallOutcome`], [`FaultOutcome`].
//! Neighbours: `loader`/`stack` (load), `table` (dispatch), `mm` (faults).

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use rumprun_config::image::ImageConfig;
use spin::Mutex;

use crate::errno::SysResult;
use crate::loader::{self, LoadError};
use crate::mm::{Mm, USER_END};
use crate::platform::{Platform, UserAddr};
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
    /// Return to the program with this raw `rax` (negative errno encoded).
    Return(u64),
    /// The program called exit/exit_group: the VM exits with this status.
    Exit(u8),
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
    /// set_tid_address(2) pointer (cleared and futex-woken at thread exit).
    pub clear_child_tid: u64,
    /// set_robust_list(2) head.
    pub robust_list: u64,
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
}

/// The context a handler runs in: the platform and the locked state.
pub(crate) struct Cx<'a> {
    pub p: &'a dyn Platform,
    pub st: &'a mut State,
    /// Set by exit/exit_group.
    pub exit: Option<u8>,
}

impl Cx<'_> {
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
                clear_child_tid: 0,
                robust_list: 0,
                domainname: String::from("(none)"),
                prctl: Prctl::new(&config.program_name),
                nice: 0,
                personality: 0,
                memory_bytes: u64::from(config.memory_mib) << 20,
            }),
        }
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

    /// Runs syscall `nr` with the six argument registers.
    pub fn syscall<P: Platform>(&self, p: &P, nr: u64, args: [u64; 6]) -> SyscallOutcome {
        let mut st = self.state.lock();
        let mut cx = Cx {
            p,
            st: &mut st,
            exit: None,
        };
        table::dispatch(&mut cx, nr, args)
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
        match st.mm.fault_in(p, addr, access.write, access.exec) {
            Ok(()) => FaultOutcome::Resolved,
            Err(reason) => FaultOutcome::Segv { addr, reason },
        }
    }

    /// Describes the mapping containing `addr` for fault reports (e.g.
    /// "unmapped", "[heap] rw- 0x...-0x...", "program text r-x ...").
    pub fn describe_addr(&self, addr: u64) -> String {
        // try_lock: the kernel may call this from a fault report while a
        // syscall holds the lock on another path; never deadlock there.
        let Some(st) = self.state.try_lock() else {
            return String::from("unknown (address space busy)");
        };
        st.mm.describe(addr)
    }
}
