//! What happens after the entry stubs in `arch::x86_64::idt`: system calls
//! go to `posix`; user faults are resolved by `posix` (demand paging), run
//! the program's signal handler (`Process::user_fault`), or end the program
//! with a report and 128+signal, as a shell would print it; a return to
//! ring 3 after a syscall or a user-mode interrupt delivers pending signals
//! (a changed register set leaves through IRETQ, never SYSRET);
//! kernel faults print a register dump and a symbolised backtrace and stop
//! the VM with `STATUS_KERNEL_PANIC`.

use posix::process::{Access, FaultOutcome, SyscallOutcome};
use posix::UserRegs;
use rumprun_config::exit::{status_for_signal, STATUS_KERNEL_PANIC};
use rumprun_config::symbols;
use spin::Once;

use crate::arch::idt::TrapFrame;
use crate::arch::paging::USER_END;
use crate::arch::{apic, cpu};
use crate::exit::exit_vm;
use crate::platform::Kernel;
use crate::process;

/// The kernel's symbol table as baked into the image (decoded only when a
/// backtrace is printed, so boot does not pay for it).
pub static SYMBOLS: Once<&'static [u8]> = Once::new();

const NAMES: [&str; 32] = [
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection",
    "page fault",
    "reserved",
    "x87 floating point",
    "alignment check",
    "machine check",
    "SIMD floating point",
    "virtualisation",
    "control protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection",
    "VMM communication",
    "security",
    "reserved",
];

// Linux signal numbers (asm-generic/signal.h).
const SIGILL: u8 = 4;
const SIGTRAP: u8 = 5;
const SIGBUS: u8 = 7;
const SIGFPE: u8 = 8;
const SIGKILL: u8 = 9;
const SIGSEGV: u8 = 11;

// si_code values (asm-generic/siginfo.h).
const SEGV_MAPERR: i32 = 1;
const BUS_ADRALN: i32 = 1;
const BUS_ADRERR: i32 = 2;
const FPE_INTDIV: i32 = 1;
const FPE_FLTINV: i32 = 7;
const ILL_ILLOPN: i32 = 2;
const TRAP_TRACE: i32 = 2;
const SI_KERNEL: i32 = 0x80;

/// Returns the program's registers as the frame saved them.
fn regs_of(f: &TrapFrame) -> UserRegs {
    UserRegs {
        r8: f.r8,
        r9: f.r9,
        r10: f.r10,
        r11: f.r11,
        r12: f.r12,
        r13: f.r13,
        r14: f.r14,
        r15: f.r15,
        rdi: f.rdi,
        rsi: f.rsi,
        rbp: f.rbp,
        rbx: f.rbx,
        rdx: f.rdx,
        rax: f.rax,
        rcx: f.rcx,
        rsp: f.rsp,
        rip: f.rip,
        rflags: f.rflags,
        trapno: 0,
        err: 0,
        cr2: 0,
    }
}

/// Makes the frame return to ring 3 with `r` (through IRETQ: the trap
/// return path). CS/SS stay the user selectors; a RIP outside user space
/// (IRETQ would #GP in ring 0) ends the program with SIGSEGV.
fn load_regs(f: &mut TrapFrame, r: &UserRegs) {
    if r.rip >= USER_END {
        kprintln!(
            "program fault: SIGSEGV: return to non-user address {:#x}",
            r.rip
        );
        exit_vm(status_for_signal(SIGSEGV));
    }
    f.r8 = r.r8;
    f.r9 = r.r9;
    f.r10 = r.r10;
    f.r11 = r.r11;
    f.r12 = r.r12;
    f.r13 = r.r13;
    f.r14 = r.r14;
    f.r15 = r.r15;
    f.rdi = r.rdi;
    f.rsi = r.rsi;
    f.rbp = r.rbp;
    f.rbx = r.rbx;
    f.rdx = r.rdx;
    f.rax = r.rax;
    f.rcx = r.rcx;
    f.rsp = r.rsp;
    f.rip = r.rip;
    // As in syscall_entry_rust: only the arithmetic, direction and trap
    // flags are the program's; IF stays set.
    f.rflags = (r.rflags & 0x0cd5) | 0x202;
}

/// Runs the program's handler for a user exception if it has one;
/// returns false for the default action.
fn deliver_fault(f: &mut TrapFrame, sig: u8, code: i32, addr: u64, cr2: u64) -> bool {
    let mut regs = regs_of(f);
    regs.trapno = f.vector;
    regs.err = f.error;
    regs.cr2 = cr2;
    if process().user_fault(&Kernel, &mut regs, u32::from(sig), code, addr) {
        load_regs(f, &regs);
        true
    } else {
        false
    }
}

/// Delivers pending signals on a return to ring 3 from an interrupt.
fn signals_on_return(f: &mut TrapFrame) {
    let mut regs = regs_of(f);
    match process().deliver_signals(&Kernel, &mut regs) {
        SyscallOutcome::ReturnRegs => load_regs(f, &regs),
        SyscallOutcome::Exit(status) => exit_vm(status),
        _ => {}
    }
}

/// Entry from the exception stubs.
pub extern "C" fn trap_entry(f: &mut TrapFrame) {
    if f.vector == u64::from(apic::TIMER_VECTOR) {
        crate::sched::on_timer(f.user_mode());
        if f.user_mode() {
            // Another thread may have sent this one a signal meanwhile.
            signals_on_return(f);
        }
    } else if f.vector == u64::from(apic::NET_VECTOR) {
        crate::net::on_interrupt(f.user_mode());
        if f.user_mode() {
            // As after the timer: a thread the stack woke may have sent
            // this one a signal meanwhile.
            signals_on_return(f);
        }
    } else if f.vector == u64::from(apic::SPURIOUS_VECTOR) {
        // Spurious APIC interrupts need no EOI (SDM Vol. 3A §11.9).
    } else if f.user_mode() {
        user_trap(f);
    } else {
        kernel_fault(f);
    }
}

fn user_trap(f: &mut TrapFrame) {
    let vector = f.vector as usize;
    let name = NAMES.get(vector).copied().unwrap_or("interrupt");
    let (sig, code, addr) = match vector {
        14 => {
            let addr = cpu::cr2();
            // Page-fault error code bits (SDM Vol. 3A §4.7): 1 write, 4 user, 16 fetch.
            let access = Access {
                write: f.error & 2 != 0,
                exec: f.error & 16 != 0,
            };
            match process().page_fault(&Kernel, addr, access) {
                FaultOutcome::Resolved => return,
                FaultOutcome::Segv { addr, reason } => {
                    if deliver_fault(f, SIGSEGV, SEGV_MAPERR, addr, addr) {
                        return;
                    }
                    kprintln!(
                        "program fault: SIGSEGV: {} {:#x} ({}; {}) at rip {:#x}",
                        if access.exec {
                            "fetch from"
                        } else if access.write {
                            "write to"
                        } else {
                            "read from"
                        },
                        addr,
                        process().describe_addr(addr),
                        reason,
                        f.rip
                    );
                    exit_vm(status_for_signal(SIGSEGV));
                }
                FaultOutcome::Bus { addr, reason } => {
                    if deliver_fault(f, SIGBUS, BUS_ADRERR, addr, addr) {
                        return;
                    }
                    kprintln!(
                        "program fault: SIGBUS: access to {:#x} ({}; {}) at rip {:#x}",
                        addr,
                        process().describe_addr(addr),
                        reason,
                        f.rip
                    );
                    exit_vm(status_for_signal(SIGBUS));
                }
                FaultOutcome::OutOfMemory { addr } => {
                    kprintln!(
                        "program killed: out of memory paging in {:#x} at rip {:#x}",
                        addr,
                        f.rip
                    );
                    exit_vm(status_for_signal(SIGKILL));
                }
            }
        }
        0 => (SIGFPE, FPE_INTDIV, f.rip),
        16 | 19 => (SIGFPE, FPE_FLTINV, f.rip),
        6 => (SIGILL, ILL_ILLOPN, f.rip),
        1 => (SIGTRAP, TRAP_TRACE, f.rip),
        3 => (SIGTRAP, SI_KERNEL, 0),
        17 => (SIGBUS, BUS_ADRALN, 0),
        _ => (SIGSEGV, SI_KERNEL, 0),
    };
    if deliver_fault(f, sig, code, addr, 0) {
        return;
    }
    kprintln!(
        "program fault: {} (vector {}, error {:#x}) at rip {:#x}, rsp {:#x}",
        name,
        vector,
        f.error,
        f.rip,
        f.rsp
    );
    exit_vm(status_for_signal(sig));
}

/// Entry from the SYSCALL stub; returns true to leave through IRETQ.
pub extern "C" fn syscall_entry_rust(f: &mut TrapFrame) -> bool {
    crate::sched::set_frame(f);
    let mut regs = regs_of(f);
    match process().syscall(&Kernel, &mut regs) {
        SyscallOutcome::Return(v) => f.rax = v,
        SyscallOutcome::ReturnRegs => {
            // A handler frame or rt_sigreturn: every register changed, and
            // SYSRET would clobber rcx/r11.
            load_regs(f, &regs);
            return true;
        }
        SyscallOutcome::Exit(status) => exit_vm(status),
        SyscallOutcome::ExitThread => crate::sched::exit_current(),
    }
    // SYSRET to a non-canonical RIP would fault in ring 0 (SDM Vol. 2B
    // SYSRET, "Operation"); such a return address is the program's bug.
    if f.rip >= USER_END {
        kprintln!(
            "program fault: SIGSEGV: return to non-user address {:#x}",
            f.rip
        );
        exit_vm(status_for_signal(SIGSEGV));
    }
    // Only the arithmetic and direction/trap flags are the program's to keep;
    // IOPL, NT, VM and AC stay clear and IF set (ring 3 takes the timer).
    f.rflags = (f.rflags & 0x0cd5) | 0x202;
    false
}

fn print_symbol(table: &[u8], addr: u64) {
    match symbols::find(table, addr) {
        Some((s, off)) => kprintln!("  {:#018x} {}+{:#x}", addr, s.name, off),
        None => kprintln!("  {:#018x} ?", addr),
    }
}

/// Prints a frame-pointer backtrace starting at `rip`/`rbp`, following
/// only frames inside the kernel stacks.
pub fn backtrace(rip: u64, mut rbp: u64) {
    unsafe extern "C" {
        static __kstack_bottom: u8;
        static __kstack_top: u8;
        static __ist_bottom: u8;
        static __ist_top: u8;
    }
    // SAFETY: linker-script symbols; only their addresses are taken.
    let stacks = unsafe {
        [
            (
                &__kstack_bottom as *const u8 as u64,
                &__kstack_top as *const u8 as u64,
            ),
            (
                &__ist_bottom as *const u8 as u64,
                &__ist_top as *const u8 as u64,
            ),
        ]
    };
    // Looked up in place: this runs for panics of an exhausted heap too.
    let syms: &[u8] = SYMBOLS.get().map_or(&[], |b| b);
    kprintln!("backtrace:");
    print_symbol(syms, rip);
    for _ in 0..32 {
        if !rbp.is_multiple_of(8) || !stacks.iter().any(|&(lo, hi)| rbp >= lo && rbp + 16 <= hi) {
            break;
        }
        // SAFETY: rbp and rbp+8 lie inside a mapped kernel stack (checked).
        let (next, ret) = unsafe { ((rbp as *const u64).read(), ((rbp + 8) as *const u64).read()) };
        if ret == 0 {
            break;
        }
        print_symbol(syms, ret.saturating_sub(1));
        rbp = next;
    }
}

fn kernel_fault(f: &TrapFrame) -> ! {
    let name = NAMES.get(f.vector as usize).copied().unwrap_or("interrupt");
    kprintln!(
        "KERNEL FAULT: {} (vector {}, error {:#x})",
        name,
        f.vector,
        f.error
    );
    kprintln!(
        "rip {:#018x} cs {:#x} rflags {:#x} rsp {:#018x} ss {:#x}",
        f.rip,
        f.cs,
        f.rflags,
        f.rsp,
        f.ss
    );
    kprintln!(
        "rax {:#018x} rbx {:#018x} rcx {:#018x} rdx {:#018x}",
        f.rax,
        f.rbx,
        f.rcx,
        f.rdx
    );
    kprintln!(
        "rsi {:#018x} rdi {:#018x} rbp {:#018x} r8  {:#018x}",
        f.rsi,
        f.rdi,
        f.rbp,
        f.r8
    );
    kprintln!(
        "r9  {:#018x} r10 {:#018x} r11 {:#018x} r12 {:#018x}",
        f.r9,
        f.r10,
        f.r11,
        f.r12
    );
    kprintln!(
        "r13 {:#018x} r14 {:#018x} r15 {:#018x}",
        f.r13,
        f.r14,
        f.r15
    );
    kprintln!(
        "cr2 {:#018x} cr3 {:#018x} cr4 {:#x}",
        cpu::cr2(),
        cpu::cr3(),
        cpu::cr4()
    );
    backtrace(f.rip, f.rbp);
    exit_vm(STATUS_KERNEL_PANIC);
}
