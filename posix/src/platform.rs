//! The contract between the system-call layer and the machine (STYLE.md,
//! "The contract first"). `posix` never names the kernel or a driver; the
//! kernel implements [`Platform`] and the tests implement it with a mock.

/// A user-space virtual address, as the program passed it. Never
/// dereferenced here: only the platform's copy routines touch user memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UserAddr(pub u64);

impl UserAddr {
    /// Returns `self + off`, or `None` on overflow.
    pub fn checked_add(self, off: u64) -> Option<UserAddr> {
        self.0.checked_add(off).map(UserAddr)
    }

    /// Returns whether this is the NULL pointer.
    pub fn is_null(self) -> bool {
        self.0 == 0
    }
}

impl core::fmt::LowerHex for UserAddr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::LowerHex::fmt(&self.0, f)
    }
}

/// Page protection of a user mapping (W^X is enforced by `posix::mm`, and
/// checked again by the platform).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prot {
    /// Readable.
    pub read: bool,
    /// Writable.
    pub write: bool,
    /// Executable.
    pub exec: bool,
}

impl Prot {
    /// No access (PROT_NONE).
    pub const NONE: Prot = Prot {
        read: false,
        write: false,
        exec: false,
    };
    /// Read only.
    pub const R: Prot = Prot {
        read: true,
        write: false,
        exec: false,
    };
    /// Read and write.
    pub const RW: Prot = Prot {
        read: true,
        write: true,
        exec: false,
    };
    /// Read and execute.
    pub const RX: Prot = Prot {
        read: true,
        write: false,
        exec: true,
    };

    /// Returns the `ls -l`/`/proc/self/maps` spelling, e.g. `"r-x"`.
    pub fn rwx(self) -> &'static str {
        match (self.read, self.write, self.exec) {
            (false, false, false) => "---",
            (true, false, false) => "r--",
            (false, true, false) => "-w-",
            (true, true, false) => "rw-",
            (false, false, true) => "--x",
            (true, false, true) => "r-x",
            (false, true, true) => "-wx",
            (true, true, true) => "rwx",
        }
    }
}

/// A user access that hit an unmapped or forbidden page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// The first faulting address.
    pub addr: UserAddr,
}

/// The platform could not provide physical memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory;

/// A thread id, as gettid(2) reports it; the first thread is 1 (= the pid).
pub type Tid = u32;

/// One page of physical memory that a file's page cache and any number of
/// `MAP_SHARED` mappings hold at once (mmap(2): "Updates to the mapping are
/// visible to other processes mapping the same region, and ... carried
/// through to the underlying file"). The platform frees the frame when the
/// last `Arc` is dropped *and* the last mapping of it is unmapped, so no
/// mistake in `posix` can leave the program a frame that was reused.
/// Bytes are copied in and out; the program may be writing the page at the
/// same moment, as with any shared memory.
pub trait SharedPage: Send + Sync {
    /// Copies `buf.len()` bytes at `offset` out of the page (`offset +
    /// buf.len()` is at most 4096).
    fn read(&self, offset: usize, buf: &mut [u8]);
    /// Copies `buf` into the page at `offset` (`offset + buf.len()` is at
    /// most 4096).
    fn write(&self, offset: usize, buf: &[u8]);
    /// Returns the page as `Any`, for the platform to recognise its own.
    fn as_any(&self) -> &dyn core::any::Any;
}

/// The machine, as the syscall layer sees it.
pub trait Platform {
    /// Writes bytes to the console (the serial port).
    fn console_write(&self, bytes: &[u8]);
    /// Copies from user memory. Fails without side effects if any byte of
    /// the range is not mapped readable *right now*; the caller resolves
    /// demand faults with `posix::mm` and retries.
    fn copy_from_user(&self, src: UserAddr, dst: &mut [u8]) -> Result<(), Fault>;
    /// Copies to user memory; same contract as [`Platform::copy_from_user`]
    /// but the pages must be mapped writable.
    fn copy_to_user(&self, dst: UserAddr, src: &[u8]) -> Result<(), Fault>;
    /// Maps `len` bytes (page multiple) at page-aligned `addr` with fresh
    /// zeroed frames and protection `prot`, replacing nothing (the range is
    /// unmapped on entry, `posix::mm` guarantees it).
    fn map_zeroed(&self, addr: UserAddr, len: u64, prot: Prot) -> Result<(), OutOfMemory>;
    /// Allocates a zeroed [`SharedPage`] (a page of a file's page cache
    /// that `MAP_SHARED` mappings will map).
    fn alloc_shared_page(&self) -> Result<alloc::sync::Arc<dyn SharedPage>, OutOfMemory>;
    /// Maps `page` at page-aligned `addr` (unmapped on entry) with `prot`;
    /// the mapping holds the frame until [`Platform::unmap`]. A page this
    /// platform did not allocate is refused with `OutOfMemory`.
    fn map_shared_page(
        &self,
        addr: UserAddr,
        page: &alloc::sync::Arc<dyn SharedPage>,
        prot: Prot,
    ) -> Result<(), OutOfMemory>;
    /// Unmaps any present pages in the range and frees their frames (a
    /// shared page's frame once nothing else holds it).
    fn unmap(&self, addr: UserAddr, len: u64);
    /// Changes the protection of the present pages in the range. A
    /// protection with all three flags false (PROT_NONE) must leave the
    /// pages present but inaccessible to the program.
    fn protect(&self, addr: UserAddr, len: u64, prot: Prot);
    /// Nanoseconds since boot, monotonic.
    fn monotonic_ns(&self) -> u64;
    /// Nanoseconds since the Unix epoch (wall clock).
    fn realtime_ns(&self) -> u64;
    /// Fills `buf` with bytes from the hardware random source (RDSEED/RDRAND).
    fn random(&self, buf: &mut [u8]);
    /// Sets the calling thread's FS base (TLS pointer, ARCH_SET_FS).
    fn set_fs_base(&self, base: u64);
    /// Returns the calling thread's FS base.
    fn fs_base(&self) -> u64;
    /// Returns the CPU feature word the program sees as `AT_HWCAP`: on
    /// x86_64 Linux this is CPUID leaf 1 EDX (`ELF_HWCAP` in
    /// arch/x86/include/asm/elf.h). The default 0 means "no claims"; the
    /// kernel should override it.
    fn hwcap(&self) -> u64 {
        0
    }

    /// Returns the bytes of RAM still free for the program, for
    /// /proc/meminfo; `None` (the default) lets `posix` estimate it.
    fn free_memory(&self) -> Option<u64> {
        None
    }

    /// Returns the calling thread's id.
    fn current_tid(&self) -> Tid;
    /// Starts a thread that returns from the system call in progress like
    /// the caller, but with `rax = 0`, `rsp = stack` and FS base `tls` (the
    /// caller's when `None`): clone(2) with CLONE_VM|CLONE_THREAD. It first
    /// runs when the caller blocks or is preempted in user mode.
    fn spawn_thread(&self, stack: u64, tls: Option<u64>) -> Result<Tid, OutOfMemory>;
    /// Blocks the calling thread until [`Platform::wake`] names it or the
    /// monotonic clock reaches `deadline_ns`; returns true if woken, false
    /// on timeout. A wake that arrives while the thread is still running
    /// makes its next `block` return at once, so no wake-up is lost; callers
    /// therefore also see spurious wake-ups and must re-check their condition.
    /// The caller must hold no lock that another thread needs.
    fn block(&self, deadline_ns: Option<u64>) -> bool;
    /// Wakes thread `tid` (see [`Platform::block`]).
    fn wake(&self, tid: Tid);

    /// Saves the calling thread's x87/SSE state as a 512-byte FXSAVE image
    /// (SDM Vol. 1 §10.5.1, Table 10-2) for a signal frame's `fpstate`.
    fn fpu_save(&self, out: &mut [u8; 512]);
    /// Loads the calling thread's x87/SSE state from an FXSAVE image (at
    /// rt_sigreturn). `posix` clears MXCSR's reserved bits first; the
    /// platform must still refuse any image that would fault FXRSTOR.
    fn fpu_restore(&self, image: &[u8; 512]);

    /// Asks the platform to call `Process::net_poll` at monotonic time
    /// `at_ns` (the network stack's next timer: a retransmission, a
    /// delayed ACK, DHCP renewal), replacing any earlier request; `None`
    /// cancels it. Called by the socket layer after it ran the stack.
    fn set_net_timer(&self, at_ns: Option<u64>) {
        let _ = at_ns;
    }
}
