//! Device drivers of rumprun-rs, generic over small HAL traits
//! ([`hal::PortIo`], [`hal::PortIo32`], [`hal::MmioRegs`],
//! [`pci::ConfigSpace`]) so they can be tested on the host with fakes. The
//! kernel (`rumprun-rs`) provides the real port and memory accesses and the
//! virtio-drivers `Hal`; nothing here contains `unsafe`.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod hal;
pub mod pci;
pub mod serial;
pub mod virtio_mmio;
pub mod virtio_net;
pub mod virtio_pci;
