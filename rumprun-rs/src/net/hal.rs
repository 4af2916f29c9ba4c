//! The hardware side of the NIC driver, and the only `unsafe` in `net`:
//! virtio-drivers' [`Hal`] over the frame allocator and the direct map
//! (DMA memory is ordinary RAM: QEMU has no IOMMU in front of virtio
//! devices, so a buffer's device address is its physical address), and
//! PCI configuration access over mechanism #1 for both our `drivers::pci`
//! and virtio-drivers' `PciRoot`.

use core::ptr::NonNull;

use drivers::hal::{MmioRegs, PortIo32};
use drivers::pci::{ConfigSpace, Mechanism1};
use virtio_drivers::transport::pci::bus::{ConfigurationAccess, DeviceFunction};
use virtio_drivers::{BufferDirection, Hal, PhysAddr};

use crate::arch::{cpu, paging};
use crate::mem::phys::DIRECT_BASE;
use crate::mem::{frames, phys, PAGE};

/// The kernel as virtio-drivers' platform.
pub struct KernelHal;

// SAFETY: `dma_alloc` returns zeroed, page-aligned frames that nothing else
// references (fresh from the frame allocator) through their direct-map
// address, which is valid for the whole kernel lifetime; `share` returns the
// physical address of memory that is in the direct map (checked), which
// is what the device needs without an IOMMU.
unsafe impl Hal for KernelHal {
    fn dma_alloc(pages: usize, _direction: BufferDirection) -> (PhysAddr, NonNull<u8>) {
        let pa = if pages == 1 {
            frames::alloc()
        } else {
            frames::alloc_contiguous(pages as u64).inspect(|&pa| {
                for i in 0..pages as u64 {
                    phys::frame_mut(pa + i * PAGE).fill(0);
                }
            })
        };
        match pa {
            Some(pa) => (
                pa,
                NonNull::new(phys::frame_mut(pa).as_mut_ptr()).expect("direct map is not null"),
            ),
            // virtio-drivers reports a zero physical address as DmaError.
            None => (0, NonNull::dangling()),
        }
    }

    unsafe fn dma_dealloc(paddr: PhysAddr, _vaddr: NonNull<u8>, pages: usize) -> i32 {
        for i in 0..pages as u64 {
            frames::free(paddr + i * PAGE);
        }
        0
    }

    unsafe fn mmio_phys_to_virt(paddr: PhysAddr, size: usize) -> NonNull<u8> {
        let va = paging::map_mmio(paddr, size as u64).expect("no page tables left to map a BAR");
        NonNull::new(va as *mut u8).expect("the MMIO window is not null")
    }

    unsafe fn share(buffer: NonNull<[u8]>, _direction: BufferDirection) -> PhysAddr {
        virt_to_phys(buffer.as_ptr() as *mut u8 as u64, buffer.len())
    }

    unsafe fn unshare(_paddr: PhysAddr, _buffer: NonNull<[u8]>, _direction: BufferDirection) {
        // Shared in place: nothing to copy back.
    }
}

/// Returns the physical address of kernel memory in the direct map (the
/// heap and frames are; kernel statics and stacks are not and must never
/// be given to a device).
fn virt_to_phys(va: u64, len: usize) -> PhysAddr {
    let pa = va
        .checked_sub(DIRECT_BASE)
        .expect("DMA buffer outside the direct map");
    // The heap is one physically contiguous run, so a buffer crossing a
    // page boundary is still contiguous for the device.
    let _ = phys::slice(pa, len as u64);
    pa
}

/// Port I/O for PCI configuration mechanism #1.
#[derive(Clone, Copy)]
pub struct Ports;

impl PortIo32 for Ports {
    fn inl(&self, port: u16) -> u32 {
        cpu::inl(port)
    }
    fn outl(&self, port: u16, value: u32) {
        cpu::outl(port, value)
    }
}

/// PCI configuration space through ports 0xCF8/0xCFC.
pub fn config_space() -> Mechanism1<Ports> {
    Mechanism1(Ports)
}

/// virtio-drivers' view of the same configuration space.
pub struct PortCam;

fn bdf(d: DeviceFunction) -> drivers::pci::Bdf {
    drivers::pci::Bdf {
        bus: d.bus,
        device: d.device,
        function: d.function,
    }
}

impl ConfigurationAccess for PortCam {
    fn read_word(&self, device_function: DeviceFunction, register_offset: u8) -> u32 {
        config_space().read32(bdf(device_function), register_offset)
    }

    fn write_word(&mut self, device_function: DeviceFunction, register_offset: u8, data: u32) {
        config_space().write32(bdf(device_function), register_offset, data)
    }

    unsafe fn unsafe_clone(&self) -> Self {
        PortCam
    }
}

/// A virtio-mmio register window mapped uncached.
#[derive(Clone, Copy)]
pub struct MmioWindow {
    /// Virtual address of the window.
    pub va: u64,
    /// Length in bytes.
    pub len: usize,
}

impl MmioWindow {
    /// Maps `len` bytes of device registers at physical `pa`.
    pub fn map(pa: u64, len: u64) -> Option<MmioWindow> {
        Some(MmioWindow {
            va: paging::map_mmio(pa, len)?,
            len: len as usize,
        })
    }

    /// Writes the 32-bit register at `off` (MSI-X table entries).
    pub fn write32(&self, off: usize, v: u32) {
        assert!(
            off.is_multiple_of(4) && off + 4 <= self.len,
            "register outside the window"
        );
        // SAFETY: the window maps device registers uncached (map_mmio) and
        // `off` is an aligned offset inside it (checked).
        unsafe { ((self.va + off as u64) as *mut u32).write_volatile(v) };
    }

    /// Writes the 16-bit register at `off` (virtio common configuration).
    pub fn write16(&self, off: usize, v: u16) {
        assert!(
            off.is_multiple_of(2) && off + 2 <= self.len,
            "register outside the window"
        );
        // SAFETY: as for `write32`.
        unsafe { ((self.va + off as u64) as *mut u16).write_volatile(v) };
    }

    /// Reads the 16-bit register at `off`.
    pub fn read16(&self, off: usize) -> u16 {
        assert!(
            off.is_multiple_of(2) && off + 2 <= self.len,
            "register outside the window"
        );
        // SAFETY: as for `write32`.
        unsafe { ((self.va + off as u64) as *const u16).read_volatile() }
    }

    /// Makes virtio-drivers' MMIO transport over this window.
    pub fn transport(
        &self,
    ) -> Result<
        virtio_drivers::transport::mmio::MmioTransport<'static>,
        virtio_drivers::transport::mmio::MmioError,
    > {
        let header = NonNull::new(self.va as *mut virtio_drivers::transport::mmio::VirtIOHeader)
            .expect("the MMIO window is not null");
        // SAFETY: the window maps the device's whole register region
        // (header and config space, `len` bytes as the command line said)
        // uncached for the rest of the kernel's life, it is page-aligned
        // plus the device offset (so 4-byte aligned), and only this
        // transport uses it from now on.
        unsafe { virtio_drivers::transport::mmio::MmioTransport::new(header, self.len) }
    }
}

impl MmioRegs for MmioWindow {
    fn read32(&self, off: usize) -> u32 {
        assert!(
            off.is_multiple_of(4) && off + 4 <= self.len,
            "register outside the window"
        );
        // SAFETY: as for `write32`.
        unsafe { ((self.va + off as u64) as *const u32).read_volatile() }
    }
}
