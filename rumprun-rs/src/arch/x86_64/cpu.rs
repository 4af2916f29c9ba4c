//! Thin wrappers over privileged x86_64 instructions: port I/O, MSRs,
//! control registers, CPUID, RDTSC, RDRAND/RDSEED. Each wrapper owns one
//! instruction; callers decide when it is safe to change machine state
//! (Intel SDM Vol. 2 for every instruction, Vol. 3A §2.5 for CR bits).

use core::arch::asm;

/// Reads a byte from an I/O port.
pub fn inb(port: u16) -> u8 {
    let v: u8;
    // SAFETY: port reads have no memory effects; the kernel owns all
    // devices, and reading an absent port returns 0xff.
    unsafe {
        asm!("in al, dx", out("al") v, in("dx") port, options(nomem, nostack, preserves_flags))
    };
    v
}

/// Writes a byte to an I/O port.
pub fn outb(port: u16, v: u8) {
    // SAFETY: the only ports written are the UART, the PIT, the CMOS,
    // QEMU's debug devices and PCI configuration (CONFIG_ADDRESS/DATA,
    // used only by `net` to enable and find its NIC), none of which can
    // corrupt kernel memory by itself.
    unsafe {
        asm!("out dx, al", in("dx") port, in("al") v, options(nomem, nostack, preserves_flags))
    };
}

/// Writes a 32-bit value to an I/O port.
pub fn outl(port: u16, v: u32) {
    // SAFETY: as for `outb`.
    unsafe {
        asm!("out dx, eax", in("dx") port, in("eax") v, options(nomem, nostack, preserves_flags))
    };
}

/// Reads a 32-bit value from an I/O port (PCI configuration data).
pub fn inl(port: u16) -> u32 {
    let v: u32;
    // SAFETY: port reads have no memory effects (as for `inb`); the only
    // 32-bit port read is PCI CONFIG_DATA.
    unsafe {
        asm!("in eax, dx", out("eax") v, in("dx") port, options(nomem, nostack, preserves_flags))
    };
    v
}

/// Reads a model-specific register.
pub fn rdmsr(msr: u32) -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: only architectural MSRs that exist on every x86_64 CPU (or
    // that the caller checked with CPUID) are read.
    unsafe {
        asm!("rdmsr", in("ecx") msr, out("eax") lo, out("edx") hi, options(nomem, nostack, preserves_flags))
    };
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Writes a model-specific register.
///
/// # Safety
/// The caller guarantees the write keeps the machine in a state the kernel
/// expects (e.g. EFER keeps LME/NXE, LSTAR points at the syscall entry).
pub unsafe fn wrmsr(msr: u32, v: u64) {
    // SAFETY: delegated to the caller (see the function's contract).
    unsafe {
        asm!("wrmsr", in("ecx") msr, in("eax") v as u32, in("edx") (v >> 32) as u32, options(nostack, preserves_flags))
    };
}

/// Reads CR0.
pub fn cr0() -> u64 {
    let v;
    // SAFETY: reading a control register has no side effects.
    unsafe { asm!("mov {}, cr0", out(reg) v, options(nomem, nostack, preserves_flags)) };
    v
}

/// Writes CR0.
///
/// # Safety
/// Caller keeps PG, PE and WP set.
pub unsafe fn set_cr0(v: u64) {
    // SAFETY: delegated to the caller.
    unsafe { asm!("mov cr0, {}", in(reg) v, options(nostack, preserves_flags)) };
}

/// Reads CR2 (the faulting address of the last page fault).
pub fn cr2() -> u64 {
    let v;
    // SAFETY: reading a control register has no side effects.
    unsafe { asm!("mov {}, cr2", out(reg) v, options(nomem, nostack, preserves_flags)) };
    v
}

/// Reads CR3.
pub fn cr3() -> u64 {
    let v;
    // SAFETY: reading a control register has no side effects.
    unsafe { asm!("mov {}, cr3", out(reg) v, options(nomem, nostack, preserves_flags)) };
    v
}

/// Reads CR4.
pub fn cr4() -> u64 {
    let v;
    // SAFETY: reading a control register has no side effects.
    unsafe { asm!("mov {}, cr4", out(reg) v, options(nomem, nostack, preserves_flags)) };
    v
}

/// Writes CR4.
///
/// # Safety
/// Caller keeps PAE set and only sets features CPUID reports.
pub unsafe fn set_cr4(v: u64) {
    // SAFETY: delegated to the caller.
    unsafe { asm!("mov cr4, {}", in(reg) v, options(nostack, preserves_flags)) };
}

/// Runs CPUID for a leaf and subleaf; returns (eax, ebx, ecx, edx).
pub fn cpuid(leaf: u32, sub: u32) -> (u32, u32, u32, u32) {
    let r = core::arch::x86_64::__cpuid_count(leaf, sub);
    (r.eax, r.ebx, r.ecx, r.edx)
}

/// Reads the time-stamp counter.
pub fn rdtsc() -> u64 {
    // SAFETY: RDTSC is unprivileged and side-effect free (CR4.TSD is clear).
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Returns a 64-bit hardware random number from RDSEED, else RDRAND, or
/// `None` if the CPU has neither or both keep failing.
pub fn hw_random() -> Option<u64> {
    let (_, ebx7, _, _) = cpuid(7, 0);
    let (_, _, ecx1, _) = cpuid(1, 0);
    let has_rdseed = ebx7 & (1 << 18) != 0;
    let has_rdrand = ecx1 & (1 << 30) != 0;
    for _ in 0..64 {
        let (v, ok): (u64, u8);
        if has_rdseed {
            // SAFETY: CPUID.07H:EBX.RDSEED[18] says the instruction exists.
            unsafe {
                asm!("rdseed {}", "setc {}", out(reg) v, out(reg_byte) ok, options(nomem, nostack))
            };
        } else if has_rdrand {
            // SAFETY: CPUID.01H:ECX.RDRAND[30] says the instruction exists.
            unsafe {
                asm!("rdrand {}", "setc {}", out(reg) v, out(reg_byte) ok, options(nomem, nostack))
            };
        } else {
            return None;
        }
        if ok != 0 {
            return Some(v);
        }
    }
    None
}

/// Halts until the next interrupt.
pub fn hlt() {
    // SAFETY: HLT only waits; interrupts state is the caller's choice.
    unsafe { asm!("hlt", options(nomem, nostack, preserves_flags)) };
}
