//! rumprun host tools: the `rumprun-cc` compiler driver ([`cc`]) and the
//! `rumprun` CLI's image baking ([`bake`], [`elf`], [`rootfs`]) and launching
//! ([`run`], [`accel`]). Images are written with `rumprun-config`; the kernel
//! is only ever read as an ELF file, never linked.
#![forbid(unsafe_code)]

pub mod cc;
