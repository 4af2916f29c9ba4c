//! The errno vocabulary of the file layer: the crate-wide
//! [`crate::errno`] types re-exported, plus the two small builders the
//! `fd` and `vfs` code uses everywhere ([`err`] returns, [`error`] builds
//! for `ok_or`/`map_err`), so the file layer names errors one way.

pub use crate::errno::{Errno, SysError, SysResult};

/// Builds an `Err` carrying `errno` and a trace note.
#[inline]
pub fn err<T>(errno: Errno, context: &'static str) -> SysResult<T> {
    Err(SysError::new(errno, context))
}

/// Builds a [`SysError`] (for `ok_or`/`map_err`).
#[inline]
pub fn error(errno: Errno, context: &'static str) -> SysError {
    SysError::new(errno, context)
}

/// Returns the errno of a result, for tests.
#[cfg(test)]
pub fn errno_of<T: core::fmt::Debug>(r: SysResult<T>) -> Errno {
    match r {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e.errno,
    }
}
