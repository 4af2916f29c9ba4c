//! The file-descriptor layer: the per-process fd table and the `FileOps`
//! trait every open file object implements. Neighbours: `vfs` (creates the
//! file objects) and the syscall handlers (which index the table).
