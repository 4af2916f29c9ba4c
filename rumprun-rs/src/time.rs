//! Clocks: the TSC, calibrated once at boot against the 8254 PIT (channel 0
//! counter latched through port 0x43, 1.193182 MHz; Intel 8254 datasheet),
//! gives monotonic time; the CMOS RTC (MC146818 registers 0x00-0x09, status
//! B for BCD/24h) gives the wall clock at boot. Without a PIT the TSC rate
//! comes from CPUID leaf 0x16, else a stated guess.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::arch::cpu::{cpuid, inb, outb, rdtsc};

static TSC_HZ: AtomicU64 = AtomicU64::new(1_000_000_000);
static TSC_BOOT: AtomicU64 = AtomicU64::new(0);
static EPOCH_AT_BOOT_NS: AtomicU64 = AtomicU64::new(0);

const PIT_HZ: u64 = 1_193_182;

fn pit_read() -> u16 {
    outb(0x43, 0x00); // latch channel 0
    let lo = inb(0x40);
    let hi = inb(0x40);
    u16::from_le_bytes([lo, hi])
}

fn calibrate() -> Option<u64> {
    // Channel 0, lobyte/hibyte, mode 2 (rate generator), binary, reload 0 = 65536.
    outb(0x43, 0x34);
    outb(0x40, 0);
    outb(0x40, 0);
    let first = pit_read();
    let t0 = rdtsc();
    let mut last = first;
    let mut elapsed: u64 = 0;
    let target = PIT_HZ / 200; // 5 ms: +-1 PIT tick is 0.02%
    let mut spins: u64 = 0;
    while elapsed < target {
        let now = pit_read();
        elapsed += u64::from(last.wrapping_sub(now));
        last = now;
        spins += 1;
        if spins > 50_000_000 || (spins > 100_000 && elapsed == 0) {
            return None; // the counter does not move: no PIT
        }
    }
    let t1 = rdtsc();
    Some((t1 - t0) * PIT_HZ / elapsed)
}

fn cmos(reg: u8) -> u8 {
    outb(0x70, reg);
    inb(0x71)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    // Howard Hinnant's days_from_civil (public-domain algorithm description).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn rtc_epoch_seconds() -> Option<u64> {
    for _ in 0..1_000_000 {
        if cmos(0x0a) & 0x80 == 0 {
            break;
        }
    }
    let b = cmos(0x0b);
    if b == 0xff {
        return None;
    }
    let bcd = b & 0x04 == 0;
    let conv = |v: u8| if bcd { (v & 0x0f) + (v >> 4) * 10 } else { v };
    let sec = conv(cmos(0x00));
    let min = conv(cmos(0x02));
    let hr_raw = cmos(0x04);
    let mut hr = conv(hr_raw & 0x7f);
    if b & 0x02 == 0 && hr_raw & 0x80 != 0 {
        hr = (hr % 12) + 12; // 12-hour mode, PM
    }
    let day = conv(cmos(0x07));
    let mon = conv(cmos(0x08));
    let year = conv(cmos(0x09));
    let century = conv(cmos(0x32));
    let century = if (19..=30).contains(&century) {
        century
    } else {
        20
    };
    if !(1..=12).contains(&mon) || !(1..=31).contains(&day) || sec > 60 || min > 59 || hr > 23 {
        return None;
    }
    let y = i64::from(century) * 100 + i64::from(year);
    let days = days_from_civil(y, u32::from(mon), u32::from(day));
    let s = days * 86_400 + i64::from(hr) * 3600 + i64::from(min) * 60 + i64::from(sec);
    u64::try_from(s).ok()
}

/// Calibrates the TSC and reads the RTC; `tsc0` is the TSC at kernel entry.
pub fn init(tsc0: u64) {
    TSC_BOOT.store(tsc0, Ordering::Relaxed);
    let hz = calibrate().or_else(|| {
        let (eax, _, _, _) = cpuid(0x16, 0);
        (eax != 0).then(|| u64::from(eax) * 1_000_000)
    });
    match hz {
        Some(hz) if hz > 1_000_000 => TSC_HZ.store(hz, Ordering::Relaxed),
        _ => crate::kprintln!("no PIT and no CPUID 0x16: assuming a 1 GHz TSC, clocks may drift"),
    }
    match rtc_epoch_seconds() {
        Some(s) => EPOCH_AT_BOOT_NS.store(s * 1_000_000_000 - monotonic_ns(), Ordering::Relaxed),
        None => crate::kprintln!("no CMOS RTC: the wall clock starts at the Unix epoch"),
    }
}

/// Converts TSC ticks to nanoseconds.
pub fn ticks_to_ns(ticks: u64) -> u64 {
    (u128::from(ticks) * 1_000_000_000 / u128::from(TSC_HZ.load(Ordering::Relaxed))) as u64
}

/// Nanoseconds since kernel entry.
pub fn monotonic_ns() -> u64 {
    ticks_to_ns(rdtsc().saturating_sub(TSC_BOOT.load(Ordering::Relaxed)))
}

/// Nanoseconds since the Unix epoch.
pub fn realtime_ns() -> u64 {
    EPOCH_AT_BOOT_NS.load(Ordering::Relaxed) + monotonic_ns()
}

/// The calibrated TSC frequency.
pub fn tsc_hz() -> u64 {
    TSC_HZ.load(Ordering::Relaxed)
}

/// Converts nanoseconds of monotonic time (since entry) to a TSC value.
pub fn ns_to_tsc(ns: u64) -> u64 {
    TSC_BOOT.load(Ordering::Relaxed)
        + (u128::from(ns) * u128::from(TSC_HZ.load(Ordering::Relaxed)) / 1_000_000_000) as u64
}
