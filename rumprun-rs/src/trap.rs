//! What happens after the entry stubs in `arch::x86_64::idt`: system calls
//! go to `posix`; user faults are resolved by `posix` (demand paging) or end
//! the program with a report and 128+signal, as a shell would print it;
//! kernel faults print a register dump and a symbolised backtrace and stop
//! the VM with `STATUS_KERNEL_PANIC`.

use alloc::vec::Vec;

use posix::process::{Access, FaultOutcome, SyscallOutcome};
use rumprun_config::exit::{status_for_signal, STATUS_KERNEL_PANIC};
use rumprun_config::symbols::{self, Symbol};
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
const SIGSEGV: u8 = 11;

/// Entry from the exception stubs.
pub extern "C" fn trap_entry(f: &mut TrapFrame) {
    if f.vector == u64::from(apic::TIMER_VECTOR) {
        crate::sched::on_timer(f.user_mode());
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
    let sig = match vector {
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
            }
        }
        0 | 16 | 19 => SIGFPE,
        6 => SIGILL,
        1 | 3 => SIGTRAP,
        17 => SIGBUS,
        _ => SIGSEGV,
    };
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
    let args = [f.rdi, f.rsi, f.rdx, f.r10, f.r8, f.r9];
    crate::sched::set_frame(f);
    match process().syscall(&Kernel, f.rax, args) {
        SyscallOutcome::Return(v) => f.rax = v,
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

fn print_symbol(syms: &[Symbol], addr: u64) {
    match symbols::lookup(syms, addr) {
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
    let syms: Vec<Symbol> = SYMBOLS
        .get()
        .and_then(|b| symbols::decode(b))
        .unwrap_or_default();
    kprintln!("backtrace:");
    print_symbol(&syms, rip);
    for _ in 0..32 {
        if !rbp.is_multiple_of(8) || !stacks.iter().any(|&(lo, hi)| rbp >= lo && rbp + 16 <= hi) {
            break;
        }
        // SAFETY: rbp and rbp+8 lie inside a mapped kernel stack (checked).
        let (next, ret) = unsafe { ((rbp as *const u64).read(), ((rbp + 8) as *const u64).read()) };
        if ret == 0 {
            break;
        }
        print_symbol(&syms, ret.saturating_sub(1));
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
