//! The local APIC timer (Intel SDM Vol. 3A §11.5.4): one-shot interrupts
//! on [`TIMER_VECTOR`], in TSC-deadline mode when CPUID.01H:ECX[24] says
//! the CPU has it, else in one-shot count-down mode calibrated against the
//! TSC. The kernel is tickless: the scheduler arms the timer for the next
//! deadline or time-slice end only. xAPIC registers are memory-mapped
//! (x2APIC is not emulated by Debian's QEMU 7.2 under TCG).

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::cpu::{self, cpuid, rdtsc};
use super::paging;

/// Vector of the timer interrupt.
pub const TIMER_VECTOR: u8 = 32;
/// Vector of the network card's interrupt (MSI-X or an I/O APIC line).
pub const NET_VECTOR: u8 = 33;
/// Vector of the APIC's spurious interrupt.
pub const SPURIOUS_VECTOR: u8 = 255;

const IA32_APIC_BASE: u32 = 0x1b;
const IA32_TSC_DEADLINE: u32 = 0x6e0;
const REG_ID: u64 = 0x20;
const REG_EOI: u64 = 0xb0;
const REG_SVR: u64 = 0xf0;
const REG_LVT_TIMER: u64 = 0x320;
const REG_INIT_COUNT: u64 = 0x380;
const REG_CUR_COUNT: u64 = 0x390;
const REG_DIVIDE: u64 = 0x3e0;

static BASE: AtomicU64 = AtomicU64::new(0);
static DEADLINE_MODE: AtomicBool = AtomicBool::new(false);
/// APIC timer ticks (divide-by-16) per 2^20 TSC ticks, for count-down mode.
static RATIO: AtomicU64 = AtomicU64::new(0);

fn reg(off: u64) -> *mut u32 {
    (BASE.load(Ordering::Relaxed) + off) as *mut u32
}

fn write(off: u64, v: u32) {
    // SAFETY: BASE maps the 4 KiB xAPIC page uncached (init), and `off` is
    // one of the architectural register offsets above.
    unsafe { reg(off).write_volatile(v) };
}

fn read(off: u64) -> u32 {
    // SAFETY: as for `write`.
    unsafe { reg(off).read_volatile() }
}

/// Maps and enables the local APIC; returns false if there is none.
pub fn init() -> bool {
    let (_, _, ecx1, edx1) = cpuid(1, 0);
    if edx1 & (1 << 9) == 0 {
        return false;
    }
    let pa = cpu::rdmsr(IA32_APIC_BASE) & 0x000f_ffff_ffff_f000;
    let Some(va) = paging::map_mmio(pa, 4096) else {
        return false;
    };
    BASE.store(va, Ordering::Relaxed);
    write(REG_SVR, 0x100 | u32::from(SPURIOUS_VECTOR)); // software enable
    write(REG_DIVIDE, 0b0011); // divide by 16
    if ecx1 & (1 << 24) != 0 {
        DEADLINE_MODE.store(true, Ordering::Relaxed);
        write(REG_LVT_TIMER, u32::from(TIMER_VECTOR) | (0b10 << 17));
    } else {
        // Calibrate: count down from the maximum for ~1 ms of TSC time,
        // five times, and keep the median. Under TCG on a busy host the
        // vCPU can be descheduled between starting the count and reading
        // the TSC (or between the last reads), which skews one run by any
        // factor; timers then fired several times too late.
        write(REG_LVT_TIMER, u32::from(TIMER_VECTOR) | (1 << 16)); // masked
        let wait = crate::time::tsc_hz() / 1000;
        let mut ratios = [0u64; 5];
        for r in &mut ratios {
            write(REG_INIT_COUNT, u32::MAX);
            let t0 = rdtsc();
            while rdtsc() - t0 < wait {}
            let ticks = u64::from(u32::MAX - read(REG_CUR_COUNT));
            let elapsed = rdtsc() - t0;
            *r = (ticks << 20) / elapsed.max(1);
        }
        write(REG_INIT_COUNT, 0);
        ratios.sort_unstable();
        RATIO.store(ratios[2], Ordering::Relaxed);
        write(REG_LVT_TIMER, u32::from(TIMER_VECTOR));
    }
    true
}

/// Arms the one-shot timer to fire at TSC value `tsc` (or at once if past).
pub fn arm(tsc: u64) {
    if BASE.load(Ordering::Relaxed) == 0 {
        return;
    }
    if DEADLINE_MODE.load(Ordering::Relaxed) {
        // SAFETY: TSC-deadline mode is selected in the LVT (init); writing
        // the deadline MSR only schedules an interrupt.
        unsafe { cpu::wrmsr(IA32_TSC_DEADLINE, tsc.max(1)) };
    } else {
        let delta = tsc.saturating_sub(rdtsc());
        let count = ((u128::from(delta) * u128::from(RATIO.load(Ordering::Relaxed))) >> 20)
            .clamp(1, u128::from(u32::MAX));
        write(REG_INIT_COUNT, count as u32);
    }
}

/// Disarms the timer.
pub fn disarm() {
    if BASE.load(Ordering::Relaxed) == 0 {
        return;
    }
    if DEADLINE_MODE.load(Ordering::Relaxed) {
        // SAFETY: a zero deadline disarms the timer (SDM §11.5.4.1).
        unsafe { cpu::wrmsr(IA32_TSC_DEADLINE, 0) };
    } else {
        write(REG_INIT_COUNT, 0);
    }
}

/// Returns this CPU's local APIC ID (register 0x20, bits 31:24), the
/// destination for device interrupts.
pub fn id() -> u8 {
    if BASE.load(Ordering::Relaxed) == 0 {
        return 0;
    }
    (read(REG_ID) >> 24) as u8
}

/// Signals end of interrupt.
pub fn eoi() {
    if BASE.load(Ordering::Relaxed) != 0 {
        write(REG_EOI, 0);
    }
}
