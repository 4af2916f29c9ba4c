//! Device drivers of rumprun-rs, generic over a [`hal::PortIo`]-style HAL so
//! they can be tested on the host with fakes. The kernel (`rumprun-rs`)
//! provides the real port I/O; nothing here contains `unsafe`.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod hal;
pub mod serial;
