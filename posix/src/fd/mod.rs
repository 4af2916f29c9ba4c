//! The file-descriptor layer: [`FdTable`] (fd numbers, FD_CLOEXEC, the dup
//! family, RLIMIT_NOFILE) and [`FileOps`], the trait every open file object
//! implements, with the open-file description it embeds. Neighbours: `vfs`
//! creates file objects, the syscall handlers index the table.

mod ops;
mod table;

pub use ops::{FileOps, OpenFileDescription, PollEvents, UserMemory, Whence};
pub use table::{
    Fd, FdFlags, FdTable, CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE, DEFAULT_NOFILE, NR_OPEN,
};

#[cfg(test)]
mod tests;
