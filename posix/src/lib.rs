//! The system-call layer of rumprun-rs: Linux x86_64 syscall semantics
//! (numbers, structs, errno) for one process, on top of the [`platform::Platform`]
//! trait that the kernel implements. `no_std`, no unsafe code, and tested on
//! the host against a mock platform. Neighbours: `rumprun-rs` (the kernel)
//! calls in through [`dispatch`] and the fault hooks; `rumprun-config` gives
//! the image schema.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod platform;
pub mod fd;
pub mod vfs;
