//! rumprun host tools: the `rumprun-cc` compiler driver ([`cc`]) and the
//! `rumprun` CLI's image baking ([`bake`], [`elf`], [`rootfs`],
//! [`program`]) and launching ([`run`], [`accel`], [`net`]). Images are written with
//! `rumprun-config`; the kernel is only ever read as an ELF file, never
//! linked.
#![forbid(unsafe_code)]

pub mod accel;
pub mod args;
pub mod bake;
pub mod cc;
pub mod elf;
pub mod net;
pub mod program;
pub mod progress;
pub mod rootfs;
pub mod run;

#[cfg(test)]
mod testutil;
