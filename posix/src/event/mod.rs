//! Objects whose readiness drives waiting: pipes ([`pipe`]), eventfd
//! ([`eventfd`]), timerfd ([`timerfd`]) and epoll instances ([`epoll`]).
//! Each implements `fd::FileOps`, reports its mask through `poll()`, and
//! notifies its `wait::WaitQueue` when the mask may change; none blocks
//! (a would-block operation is EAGAIN and the syscall layer waits).
//! Neighbours: `wait` (queues), `sys::pipe`, `sys::poll`, `sys::epoll`,
//! `sys::eventfd`, `sys::timerfd` (the system calls).

pub mod epoll;
pub mod eventfd;
pub mod pipe;
pub mod timerfd;

use crate::vfs::types::{DevId, FileType, Metadata, Timespec};

/// Poll bits as u32 (asm-generic/poll.h, uapi/linux/eventpoll.h): the
/// values are the same for poll(2) and epoll(7).
pub mod ev {
    /// Data to read.
    pub const IN: u32 = 0x1;
    /// Urgent data.
    pub const PRI: u32 = 0x2;
    /// Writing will not block.
    pub const OUT: u32 = 0x4;
    /// Error condition.
    pub const ERR: u32 = 0x8;
    /// Hang up.
    pub const HUP: u32 = 0x10;
    /// Invalid fd (poll(2) only).
    pub const NVAL: u32 = 0x20;
    /// Normal data to read.
    pub const RDNORM: u32 = 0x40;
    /// Priority band data to read.
    pub const RDBAND: u32 = 0x80;
    /// Normal data may be written.
    pub const WRNORM: u32 = 0x100;
    /// Priority data may be written.
    pub const WRBAND: u32 = 0x200;
    /// Peer closed its writing half (sockets).
    pub const RDHUP: u32 = 0x2000;
}

/// Builds the stat of an anonymous object (pipefs, anon_inode): owner
/// 0:0, mode `perm`, a unique inode number on a device of major 0.
pub(crate) fn anon_metadata(file_type: FileType, perm: u32, ino: u64, blksize: u32) -> Metadata {
    Metadata {
        dev: DevId::new(0, 14),
        ino,
        file_type,
        perm,
        nlink: 1,
        uid: 0,
        gid: 0,
        rdev: DevId::default(),
        size: 0,
        blocks: 0,
        blksize,
        atime: Timespec::default(),
        mtime: Timespec::default(),
        ctime: Timespec::default(),
    }
}

/// Returns a fresh inode number for an anonymous object.
pub(crate) fn next_ino() -> u64 {
    use core::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1000);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests;
