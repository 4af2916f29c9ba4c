//! The rumprun-rs kernel: boots (PVH or multiboot2), sets up the x86_64
//! machine (GDT/TSS/IDT, paging with W^X, SMEP/SMAP, SYSCALL), finds the
//! program baked into its image and runs it in ring 3 on top of `posix`.
//! Neighbours: `arch` (all x86_64 code), `mem` (frames, heap, direct map),
//! `platform` (the `posix::platform::Platform` implementation), `trap`.
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("rumprun-kernel builds only for x86_64-unknown-none (make kernel)");
    std::process::exit(2);
}

#[cfg(target_os = "none")]
extern crate alloc;

#[cfg(target_os = "none")]
mod arch;
#[cfg(target_os = "none")]
mod bootinfo;
#[cfg(target_os = "none")]
#[macro_use]
mod console;
#[cfg(target_os = "none")]
mod exit;
#[cfg(target_os = "none")]
mod mem;
#[cfg(target_os = "none")]
mod net;
#[cfg(target_os = "none")]
mod platform;
#[cfg(target_os = "none")]
mod sched;
#[cfg(target_os = "none")]
mod sync;
#[cfg(target_os = "none")]
mod time;
#[cfg(target_os = "none")]
mod trap;

#[cfg(target_os = "none")]
mod kmain;
#[cfg(target_os = "none")]
pub use kmain::{boot_error, kernel_start64, process};
