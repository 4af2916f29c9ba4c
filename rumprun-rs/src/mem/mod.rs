//! Physical memory: the direct map (`phys`), the frame allocator
//! (`frames`) and the kernel heap (`heap`). Page tables are arch code
//! (`arch::x86_64::paging`) built on these.

pub mod frames;
pub mod heap;
pub mod kstack;
pub mod phys;

/// Size of a page and of a frame.
pub const PAGE: u64 = 4096;
