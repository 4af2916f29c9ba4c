//! The one schema shared by the kernel (`rumprun-rs`) and the host tools
//! (`toolchain`): how a baked image is laid out, what boot configuration it
//! carries, how run-time overrides travel on the kernel command line, and how
//! the exit status leaves the VM. Nothing here touches hardware; everything is
//! plain data with a parser that rejects bad input with a typed error, so the
//! kernel can trust nothing it reads from the image and still never panic.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

pub mod cmdline;
pub mod exit;
pub mod image;
pub mod net;
pub mod rootfs;
pub mod symbols;

/// Version of the image format and boot protocol; bumped on any incompatible change.
pub const ABI_VERSION: u32 = 1;
