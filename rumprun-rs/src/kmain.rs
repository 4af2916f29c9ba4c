//! The boot sequence, in order, from `kernel_start64` (called by boot.rs on
//! the kernel stack) to the first instruction of the program.

use core::arch::asm;

use posix::process::Process;
use rumprun_config::cmdline;
use rumprun_config::exit::STATUS_KERNEL_PANIC;
use rumprun_config::image::{parse_payload, PayloadDesc, DESC_LEN, DESC_MAGIC};
use spin::Once;

use crate::arch::idt::{self, TrapFrame};
use crate::arch::{apic, cpu, gdt, paging, switch};
use crate::exit::exit_vm;
use crate::mem::{frames, heap, phys};
use crate::{bootinfo, console, sched, time, trap};

/// The slot `rumprun bake` patches with the payload's location
/// (`rumprun_config::image::PayloadDesc`).
#[used]
#[unsafe(link_section = ".rumprun_payload")]
static PAYLOAD_DESC: [u8; DESC_LEN] = {
    let mut b = [0u8; DESC_LEN];
    let mut i = 0;
    while i < 8 {
        b[i] = DESC_MAGIC[i];
        i += 1;
    }
    b
};

static PROCESS: Once<Process> = Once::new();

/// Returns the program's process state.
pub fn process() -> &'static Process {
    PROCESS.get().expect("process used before it was loaded")
}

/// Reports a fatal boot problem and stops the VM.
pub fn boot_error(msg: &str) -> ! {
    kprintln!("boot failed: {}", msg);
    exit_vm(STATUS_KERNEL_PANIC);
}

unsafe extern "C" {
    static __kstack_top: u8;
    static __ist_top: u8;
    static __kernel_end: u8;
}

/// Enables the FPU/SSE/AVX state the program expects and the protections
/// the CPU offers (SDM Vol. 3A §2.5, §13.1).
fn cpu_features() {
    let (_, _, ecx1, _) = cpu::cpuid(1, 0);
    let (_, ebx7, ecx7, _) = cpu::cpuid(7, 0);
    // CR0: MP and NE on, EM and TS off: x87/SSE run natively.
    let cr0 = (cpu::cr0() | (1 << 1) | (1 << 5)) & !((1 << 2) | (1 << 3));
    // SAFETY: keeps PG/PE/WP, only changes the FPU control bits.
    unsafe { cpu::set_cr0(cr0) };
    let mut cr4 = cpu::cr4() | (1 << 7) | (1 << 9) | (1 << 10); // PGE, OSFXSR, OSXMMEXCPT
    if ebx7 & (1 << 7) != 0 {
        cr4 |= 1 << 20; // SMEP
    }
    if ebx7 & (1 << 20) != 0 {
        cr4 |= 1 << 21; // SMAP: the kernel never touches user addresses
    }
    if ecx7 & (1 << 2) != 0 {
        cr4 |= 1 << 11; // UMIP
    }
    let xsave = ecx1 & (1 << 26) != 0;
    if xsave {
        cr4 |= 1 << 18; // OSXSAVE
    }
    // SAFETY: every bit set is reported by CPUID; PAE stays set.
    unsafe { cpu::set_cr4(cr4) };
    if xsave {
        let avx = if ecx1 & (1 << 28) != 0 { 4 } else { 0 };
        let xcr0: u64 = 1 | 2 | avx;
        // SAFETY: OSXSAVE is on; x87|SSE(|AVX) is a valid XCR0 on any CPU
        // reporting XSAVE (and AVX when set).
        unsafe {
            asm!("xsetbv", in("ecx") 0, in("eax") xcr0 as u32, in("edx") (xcr0 >> 32) as u32, options(nostack))
        };
    }
    let mxcsr: u32 = 0x1f80;
    // SAFETY: FNINIT and LDMXCSR with the power-on default only reset the
    // user-visible FPU state, which the kernel (soft-float) never uses.
    unsafe { asm!("fninit", "ldmxcsr [{}]", in(reg) &mxcsr, options(nostack)) };
    // Mask both 8259 PICs: the kernel polls, and a firmware-programmed timer
    // on vector 8 would look like a double fault.
    cpu::outb(0x21, 0xff);
    cpu::outb(0xa1, 0xff);
}

fn payload_desc() -> Option<PayloadDesc> {
    // SAFETY: the static is valid for reads; volatile because `rumprun bake`
    // changes its bytes in the image after compilation.
    let bytes = unsafe { core::ptr::read_volatile(&PAYLOAD_DESC) };
    PayloadDesc::from_bytes(&bytes).filter(|d| d.phys_addr != 0 && d.len != 0)
}

/// The Rust entry point (see boot.rs): protocol, boot info address, and the
/// TSC at the first instruction.
pub extern "C" fn kernel_start64(proto: u32, info: u32, tsc0: u64) -> ! {
    let mut phases = Phases::new(tsc0);
    console::init();
    let bi = bootinfo::parse(proto, u64::from(info));
    // SAFETY: linker-script symbols; only their addresses are used.
    let (kstack, ist, kend) = unsafe {
        (
            &__kstack_top as *const u8 as u64,
            &__ist_top as *const u8 as u64,
            &__kernel_end as *const u8 as u64,
        )
    };
    gdt::init(kstack, ist);
    idt::init();
    cpu_features();
    phases.mark("cpu");

    let Some(desc) = payload_desc() else {
        boot_error("this kernel has no program: bake it into an image with `rumprun bake`");
    };
    let ram = &bi.ram[..bi.nram];
    let ram_end = ram.iter().map(|r| r.1).max().unwrap_or(0);
    let reserved = [
        (0, 0x10_0000),
        (0x10_0000, kend - paging::KERNEL_VMA),
        (desc.phys_addr, desc.phys_addr + desc.len),
    ];
    let free = frames::init(ram, &reserved);
    paging::init(ram_end);
    phases.mark("paging");
    // The heap holds tmpfs data and socket buffers (64 KiB each way per
    // TCP socket) and grows on demand (mem/heap.rs), so it starts small:
    // 4 MiB, enough for boot, the root filesystem and a few sockets, or
    // RAM/32 up to 32 MiB on big VMs so a busy server grows rarely. It
    // grows while a floor of RAM stays free for the program's own pages
    // (its image, stack, brk and mmap come from the same frames): an
    // eighth of RAM, at least 4 MiB. A 64 MiB VM thus starts with 4 MiB
    // and may grow to ~50 MiB; past the floor, socket creation fails with
    // ENOBUFS and /tmp writes with ENOSPC rather than stopping the kernel.
    let heap_bytes = (free / 32).clamp(4 << 20, 32 << 20);
    let heap_floor = (free / 8).max(4 << 20);
    if !heap::init(heap_bytes, heap_floor) {
        boot_error("not enough RAM for the kernel heap; give the VM more memory (-m)");
    }
    phases.mark("heap");
    time::init(tsc0);
    phases.mark("clocks");
    idt::init_syscall(kstack);
    switch::init();
    sched::init(kstack);
    if !apic::init() {
        kprintln!("no local APIC: sleeping and time slicing are unavailable");
    }
    phases.mark("apic");

    let payload = phys::slice(desc.phys_addr, desc.len);
    let payload = match parse_payload(payload) {
        Ok(p) => p,
        Err(e) => {
            kprintln!("boot failed: image payload: {}", e);
            exit_vm(STATUS_KERNEL_PANIC);
        }
    };
    if let Some(t) = payload.symbols {
        trap::SYMBOLS.call_once(|| t);
    }
    let mut config = payload.manifest.config.clone();
    let overrides = match cmdline::parse(bi.cmdline()) {
        Ok(o) => o,
        Err(e) => {
            kprintln!("boot failed: kernel command line: {}", e);
            exit_vm(STATUS_KERNEL_PANIC);
        }
    };
    config.apply(&overrides);
    let process = PROCESS.call_once(|| Process::new(&config, overrides.trace));
    if let Some(rootfs) = payload.rootfs {
        if let Err(e) = process.set_rootfs(rootfs) {
            kprintln!("boot failed: image rootfs: {}", e);
            exit_vm(STATUS_KERNEL_PANIC);
        }
    }
    phases.mark("config");
    let entry = match process.load(&crate::platform::Kernel, payload.program) {
        Ok(e) => e,
        Err(e) => {
            kprintln!("cannot start {}: {}", config.program_name, e);
            exit_vm(127);
        }
    };
    phases.mark("load");
    bring_up_network(bi.cmdline(), overrides.debug);
    phases.mark("net");
    let ns = time::ticks_to_ns(cpu::rdtsc() - tsc0);
    if overrides.debug {
        phases.print();
        kprintln!(
            "boot to main: {}.{:03} ms (TSC {} MHz), {} MiB free",
            ns / 1_000_000,
            (ns / 1_000) % 1_000,
            time::tsc_hz() / 1_000_000,
            frames::free_bytes() >> 20
        );
        let h = heap::stats();
        kprintln!(
            "heap: {} MiB at boot, {} MiB now after {} growths; grows while {} MiB of RAM stay free",
            h.initial >> 20,
            h.bytes >> 20,
            h.growths,
            h.floor >> 20
        );
    }
    if overrides.crash_test {
        crash_test(kstack);
    }
    let frame = TrapFrame {
        rip: entry.rip,
        rsp: entry.rsp,
        cs: u64::from(gdt::USER_CS),
        ss: u64::from(gdt::USER_DS),
        rflags: 0x202,
        ..TrapFrame::default()
    };
    idt::enter_user(&frame)
}

/// How long the program's start waits for the network (a DHCP lease).
const NET_WAIT_NS: u64 = 5_000_000_000;

/// Attaches the NIC, if there is one, and waits with interrupts on until
/// the stack says it is configured or [`NET_WAIT_NS`] passes, so that a
/// client's first connect can work. Silent unless `debug` or on timeout.
fn bring_up_network(cmdline: &str, debug: bool) {
    let Some(nic) = crate::net::attach(cmdline) else {
        return;
    };
    if debug {
        let m = nic.mac;
        let offload = match (nic.offload.tx_checksum, nic.offload.rx_checksum) {
            (true, true) => "tx rx",
            (true, false) => "tx",
            (false, true) => "rx",
            (false, false) => "none",
        };
        kprintln!(
            "net: virtio-net on {}, MAC {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, {}, checksum offload: {}",
            nic.transport,
            m[0],
            m[1],
            m[2],
            m[3],
            m[4],
            m[5],
            nic.irq,
            offload
        );
    }
    let deadline = time::ns_to_tsc(time::monotonic_ns() + NET_WAIT_NS);
    crate::net::poll();
    while !process().net_ready() {
        if cpu::rdtsc() >= deadline {
            kprintln!("net: the network is not configured after 5 s (no DHCP lease?); starting the program anyway");
            break;
        }
        sched::idle_until(deadline);
    }
}

/// Reads the guard page below the kernel stack: a ring-0 page fault whose
/// report (registers, symbolised backtrace, status 125) the smoke test checks.
#[inline(never)]
fn crash_test(kstack_top: u64) {
    kprintln!("crash test: reading the kernel stack's guard page");
    let guard = kstack_top - 65536 - 4096;
    // SAFETY: not safe on purpose: the address is the unmapped guard page,
    // so this read faults and the trap path stops the VM; it never returns.
    let v = unsafe { core::ptr::read_volatile(guard as *const u64) };
    kprintln!("crash test: the guard page was readable ({v:#x}): paging is wrong");
}

/// TSC checkpoints of the boot sequence, printed with `rumprun run --debug`.
struct Phases {
    last: u64,
    marks: [(&'static str, u64); 8],
    n: usize,
}

impl Phases {
    fn new(tsc0: u64) -> Self {
        Phases {
            last: tsc0,
            marks: [("", 0); 8],
            n: 0,
        }
    }

    fn mark(&mut self, name: &'static str) {
        let now = cpu::rdtsc();
        if self.n < self.marks.len() {
            self.marks[self.n] = (name, now - self.last);
            self.n += 1;
        }
        self.last = now;
    }

    fn print(&self) {
        for (name, ticks) in &self.marks[..self.n] {
            let us = time::ticks_to_ns(*ticks) / 1000;
            kprintln!("  boot phase {name}: {us} us");
        }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    // A panic while reporting a panic (the backtrace's symbol lookup may
    // allocate, and an exhausted heap panics again) must not loop: report
    // the second one in a line and stop the VM.
    static PANICKING: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
    if PANICKING.swap(true, core::sync::atomic::Ordering::SeqCst) {
        kprintln!("KERNEL PANIC while reporting a panic: {}", info);
        exit_vm(STATUS_KERNEL_PANIC)
    }
    kprintln!("KERNEL PANIC: {}", info);
    let rbp: u64;
    // SAFETY: reads the frame pointer register only.
    unsafe { asm!("mov {}, rbp", out(reg) rbp, options(nomem, nostack, preserves_flags)) };
    trap::backtrace(0, rbp);
    exit_vm(STATUS_KERNEL_PANIC)
}
