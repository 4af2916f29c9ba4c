//! The network card: found on PCI (q35: virtio-net-pci, MSI-X to
//! [`NET_VECTOR`], else INTx through the I/O APIC) or on virtio-mmio
//! (microvm: windows named by `virtio_mmio.device=` on the command line,
//! the line routed through the I/O APIC), driven by our own virtio-net
//! device over virtio-drivers' transports and queues (`nic`), handed to
//! `posix` as a `NetDevice`. Its interrupt and the
//! stack's timer both end in [`poll`], which runs `Process::net_poll` —
//! only in ring 3 or idle, never inside a system call (the kernel runs
//! with interrupts off). Neighbours: `hal` (the unsafe part), `sched` (net
//! timer), `trap` (the vector), `kmain` (attach at boot).

mod hal;
mod nic;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, Ordering};

use drivers::pci::{self, command, Bar, Bdf, ConfigSpace};
use drivers::virtio_mmio;
use drivers::virtio_pci::{self, MSIX_ENTRY_SIZE};
use posix::net::{NetDevice, Offload, RxFrame, TxChecksum};
use spin::{Mutex, Once};
use virtio_drivers::transport::pci::bus::{DeviceFunction, PciRoot};
use virtio_drivers::transport::pci::PciTransport;
use virtio_drivers::transport::SomeTransport;

use crate::arch::apic::{self, NET_VECTOR};
use crate::arch::ioapic::{self, Trigger};
use crate::platform::Kernel;
use hal::{KernelHal, MmioWindow, PortCam};
use nic::VirtioNic;

/// The attached card, shared by the socket layer's handle and the
/// interrupt handler (which only acknowledges it).
static NIC: Once<Arc<Mutex<VirtioNic>>> = Once::new();
static ATTACHED: AtomicBool = AtomicBool::new(false);

/// What `rumprun run --debug` prints about the card.
pub struct Attached {
    /// "pci 00:02.0" or "mmio 0xfeb00e00".
    pub transport: String,
    /// The MAC address.
    pub mac: [u8; 6],
    /// How its interrupt arrives ("MSI-X vector 33", "GSI 24 -> vector 33").
    pub irq: String,
    /// The checksum offload negotiated with the device.
    pub offload: Offload,
}

/// The socket layer's handle on the card.
struct Handle(Arc<Mutex<VirtioNic>>);

impl NetDevice for Handle {
    fn mac(&self) -> [u8; 6] {
        self.0.lock().mac()
    }
    fn mtu(&self) -> usize {
        self.0.lock().mtu()
    }
    fn offload(&self) -> Offload {
        self.0.lock().offload()
    }
    fn receive(&mut self) -> Option<RxFrame> {
        self.0.lock().receive()
    }
    fn can_transmit(&mut self) -> bool {
        self.0.lock().can_transmit()
    }
    fn transmit(&mut self, frame: &[u8], csum: Option<TxChecksum>) -> bool {
        self.0.lock().transmit(frame, csum)
    }
}

/// Returns true once a card is attached.
pub fn attached() -> bool {
    ATTACHED.load(Ordering::Relaxed)
}

/// Finds the first virtio-net card (virtio-mmio windows named on
/// `cmdline` first, then PCI), initialises it, routes its interrupt and
/// hands it to the process. Returns what was found, or `None` (no card:
/// only loopback exists) after printing why if a card was unusable.
pub fn attach(cmdline: &str) -> Option<Attached> {
    let (nic, transport, route) = find_mmio(cmdline)
        .or_else(find_pci)
        .or_else(find_microvm_acpi)?;
    let mac = nic.mac_address();
    let offload = nic.offload();
    let nic = NIC.call_once(|| Arc::new(Mutex::new(nic)));
    let irq = match route {
        Route::Msix => format!("MSI-X vector {NET_VECTOR}"),
        Route::Gsi(gsi) => {
            if ioapic::route(gsi, NET_VECTOR, Trigger::Level, apic::id()) {
                format!("GSI {gsi} -> vector {NET_VECTOR}")
            } else {
                kprintln!("net: no I/O APIC input for GSI {gsi}: the card's interrupts are lost");
                format!("GSI {gsi} (not routed)")
            }
        }
    };
    ATTACHED.store(true, Ordering::Relaxed);
    crate::process().attach_nic(&Kernel, Box::new(Handle(nic.clone())));
    Some(Attached {
        transport,
        mac,
        irq,
        offload,
    })
}

/// How the card's interrupt is delivered.
enum Route {
    /// MSI-X table entry 0, programmed to [`NET_VECTOR`].
    Msix,
    /// A level-triggered line on this GSI (virtio-mmio, PCI INTx).
    Gsi(u32),
}

fn find_mmio(cmdline: &str) -> Option<(VirtioNic, String, Route)> {
    for d in virtio_mmio::devices_in_cmdline(cmdline) {
        let Some(w) = MmioWindow::map(d.base, d.size) else {
            continue;
        };
        match virtio_mmio::probe(&w) {
            Some(p) if p.device_id == virtio_mmio::DEVICE_TYPE_NET => {}
            _ => continue,
        }
        let nic = match w.transport().map(SomeTransport::from) {
            Ok(t) => VirtioNic::new(t),
            Err(e) => {
                kprintln!("net: virtio-mmio at {:#x}: {}", d.base, e);
                continue;
            }
        };
        match nic {
            Ok(nic) => return Some((nic, format!("mmio {:#x}", d.base), Route::Gsi(d.irq))),
            Err(e) => kprintln!("net: virtio-mmio at {:#x}: {}", d.base, e),
        }
    }
    None
}

/// QEMU's microvm appends `virtio_mmio.device=` tokens only without ACPI
/// (`-M microvm,acpi=off`); with ACPI it describes the same windows in its
/// DSDT only. Rather than parse AML, use QEMU's fixed layout (hw/i386/
/// microvm.c): windows of 512 bytes from 0xfeb00000, window i on GSI
/// 24 + i of the second I/O APIC (`ioapic2`, on with ACPI; 24 windows),
/// or else 16 + i (8 windows).
/// Only tried when there is no PCI bus at all (so never on a PC, where
/// those addresses may belong to a PCI device).
fn find_microvm_acpi() -> Option<(VirtioNic, String, Route)> {
    let cfg = hal::config_space();
    let host = Bdf {
        bus: 0,
        device: 0,
        function: 0,
    };
    // No host bridge: all ones, or zeros where no port decoder exists.
    if !matches!(cfg.read32(host, pci::reg::ID) as u16, 0 | 0xffff) {
        return None;
    }
    let (irq_base, windows): (u32, u32) = if ioapic::serves(24) {
        (24, 24)
    } else {
        (16, 8)
    };
    let line: String = (0..windows)
        .map(|i| {
            format!(
                " virtio_mmio.device=512@{:#x}:{}",
                0xfeb0_0000 + 512 * i,
                irq_base + i
            )
        })
        .collect();
    find_mmio(&line)
}

fn find_pci() -> Option<(VirtioNic, String, Route)> {
    let cfg = hal::config_space();
    let functions = pci::enumerate(&cfg);
    let f = virtio_pci::find_net(&cfg, &functions)?;
    let at = f.bdf;
    let msix = virtio_pci::msix(&cfg, at);
    // Read the BARs we program ourselves before the device is live.
    let table_bar = msix.and_then(|m| pci::bar(&cfg, at, m.table_bar));
    let common = virtio_pci::virtio_caps(&cfg, at).common;
    let common_bar = common.and_then(|c| pci::bar(&cfg, at, c.bar));
    pci::enable(&cfg, at, command::MEMORY | command::BUS_MASTER);
    let mut root = PciRoot::new(PortCam);
    let df = DeviceFunction {
        bus: at.bus,
        device: at.device,
        function: at.function,
    };
    let nic = match PciTransport::new::<KernelHal, _>(&mut root, df) {
        Ok(t) => VirtioNic::new(SomeTransport::from(t)),
        Err(e) => {
            kprintln!("net: virtio-net-pci at {at}: {e}");
            return None;
        }
    };
    let nic = match nic {
        Ok(r) => r,
        Err(e) => {
            kprintln!("net: virtio-net-pci at {at}: {e}");
            return None;
        }
    };
    let route = match (msix, table_bar, common, common_bar) {
        (
            Some(m),
            Some(Bar::Memory { addr: t, .. }),
            Some(c),
            Some(Bar::Memory { addr: b, .. }),
        ) if setup_msix(&cfg, at, &m, t, b + u64::from(c.offset)) => Route::Msix,
        _ => {
            // INTx: on q35 a bus-0 function in slot S raises INTx# (pin
            // P = 1..4) on PIRQ (S + P - 1) % 4 + 4, i.e. GSI 20-23 (QEMU
            // hw/isa/lpc_ich9.c ich9_cc_init, matching its ACPI _PRT:
            // level, active high). Functions behind bridges are not
            // handled: QEMU's virtio-net-pci always offers MSI-X.
            let pin = u32::from(f.interrupt_pin.clamp(1, 4));
            let cmd = cfg.read32(at, pci::reg::COMMAND) as u16 & !command::INTX_DISABLE;
            cfg.write32(at, pci::reg::COMMAND, u32::from(cmd));
            Route::Gsi(20 + (u32::from(at.device) + pin - 1) % 4)
        }
    };
    Some((nic, format!("pci {at}"), route))
}

/// Points MSI-X entry 0 at [`NET_VECTOR`] on this CPU and both virtqueues
/// (0 receive, 1 transmit) at entry 0; configuration changes get no
/// vector. Returns false if the device refused (then INTx is used).
fn setup_msix(
    cfg: &impl ConfigSpace,
    at: Bdf,
    m: &virtio_pci::Msix,
    table_bar: u64,
    common: u64,
) -> bool {
    let Some(table) = MmioWindow::map(
        table_bar + u64::from(m.table_offset),
        u64::from(m.table_size) * u64::from(MSIX_ENTRY_SIZE),
    ) else {
        return false;
    };
    let (addr, data) = virtio_pci::msi_message(apic::id(), NET_VECTOR);
    // PCI 3.0 §6.8.2.6-§6.8.2.9: address low, high, data, vector control.
    table.write32(0, addr as u32);
    table.write32(4, (addr >> 32) as u32);
    table.write32(8, data);
    table.write32(12, 0); // unmasked
    virtio_pci::msix_enable(cfg, at, m);
    // virtio 1.2 §4.1.4.3: msix_config at 0x10, queue_select at 0x16,
    // queue_msix_vector at 0x1a; the device reads back NO_VECTOR (0xffff)
    // if it could not use the entry (§4.1.5.1.2.1).
    let Some(cc) = MmioWindow::map(common, 0x38) else {
        return false;
    };
    cc.write16(0x10, 0xffff);
    let mut ok = true;
    for q in 0..2u16 {
        cc.write16(0x16, q);
        cc.write16(0x1a, 0);
        ok &= cc.read16(0x1a) == 0;
    }
    ok
}

/// Runs the network stack now and arms its timer for when it asks.
/// Never called inside a system call (see the module doc). Also without a
/// card: loopback TCP has timers too. Only reached once the process exists
/// (the timer is set only through `Platform::set_net_timer` or here).
pub fn poll() {
    let mut next = crate::process().net_poll(&Kernel);
    // With RING_EVENT_IDX (which `nic` negotiates when offered) the
    // device interrupts again only for a frame after the last one we took
    // (virtio 1.2 §2.7.10): frames the stack left in the ring raise
    // nothing. Come back for them shortly instead (not at once, so a slow
    // reader still runs between polls).
    if NIC.get().is_some_and(|n| n.lock().rx_pending()) {
        let soon = crate::time::monotonic_ns() + RX_BACKLOG_NS;
        next = Some(next.map_or(soon, |t| t.min(soon)));
    }
    crate::sched::set_net_timer(next.map(crate::time::ns_to_tsc));
}

/// How soon [`poll`] runs again when received frames are still queued.
const RX_BACKLOG_NS: u64 = 200_000;

/// The card's interrupt ([`NET_VECTOR`]): acknowledge the device (its
/// line falls before the EOI, so a level-triggered input does not fire
/// again), EOI, run the stack, and let a woken thread run at once.
pub fn on_interrupt(from_user: bool) {
    if let Some(nic) = NIC.get() {
        nic.lock().ack_interrupt();
    }
    apic::eoi();
    poll();
    crate::sched::end_of_interrupt(from_user);
}
