//! The system-call layer of rumprun-rs: Linux x86_64 syscall semantics
//! (numbers, structs, errno) for one process, on top of the [`platform::Platform`]
//! trait that the kernel implements. `no_std`, no unsafe code, and tested on
//! the host against a mock platform. Neighbours: `rumprun-rs` (the kernel)
//! calls in through [`process::Process`] (load, syscall, page_fault);
//! `rumprun-config` gives the image schema.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod errno;

pub mod args;
pub mod event;
pub mod fd;
pub mod files;
pub mod futex;
pub mod loader;
pub mod mm;
#[cfg(any(test, feature = "testing"))]
pub mod mock;
pub mod net;
pub mod platform;
pub mod process;
mod procinfo;
pub mod signal;
pub mod stack;
pub mod sys;
pub mod table;
mod trace;
pub mod uaccess;
pub mod vfs;
pub mod wait;

pub use errno::{Errno, SysError, SysResult};
pub use loader::LoadError;
pub use process::{Access, EntryState, FaultOutcome, Process, SyscallOutcome};
pub use signal::UserRegs;

#[cfg(test)]
mod tests;
