//! The virtual filesystem: path resolution (`walk`), the mount table and
//! [`Vfs`] (`mount`), the system-call façade (`ops`), and the filesystems:
//! the image's read-only root (`rootfs`, with a generated `/etc`), `tmpfs`,
//! `/dev` (`devfs`, `tty`), `/proc` (`procfs`). `stat` encodes the uapi structures. Neighbours:
//! `fd` (the open files handed out) and the syscall handlers.

pub mod boot;
pub mod devfs;
pub mod error;
pub mod etc;
pub mod file;
pub mod flags;
pub mod inode;
pub mod mount;
pub mod ops;
pub mod procfs;
pub mod rootfs;
pub mod stat;
pub mod tmpfs;
pub mod tty;
pub mod types;
pub mod walk;

pub use inode::{Inode, Loc, NewNode};
pub use mount::Vfs;

#[cfg(test)]
mod tests;
