//! The virtual filesystem: path resolution, the mount table and the
//! filesystems (read-only image root, tmpfs, /dev, generated /etc).
//! Neighbours: `fd` (the open files it hands out) and the syscall handlers.
