//! The typed boundary: raw syscall registers become typed arguments here,
//! once, through `TryFrom` and explicit truncation rules, so handlers never
//! cast user values with `as`. Key types: [`Args`], [`UserSlice`]. Neighbour:
//! `table` builds an [`Args`] per call; handlers in `sys/` decode with it.

use crate::errno::{Errno, SysError, SysResult};
use crate::fd::Fd;
use crate::platform::UserAddr;

/// The six argument registers of one syscall (rdi, rsi, rdx, r10, r8, r9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Args(pub [u64; 6]);

/// A user buffer: start address and length, not yet checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserSlice {
    /// First byte.
    pub addr: UserAddr,
    /// Length in bytes.
    pub len: usize,
}

/// Returns the low 32 bits of a register as the C `int` the kernel sees
/// (Linux's syscall wrappers truncate `int` arguments the same way).
pub fn low_i32(raw: u64) -> i32 {
    let b = raw.to_le_bytes();
    i32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// Returns the low 32 bits of a register as a C `unsigned int`.
pub fn low_u32(raw: u64) -> u32 {
    let b = raw.to_le_bytes();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// Converts a kernel-side count to the syscall return register (lossless:
/// `usize` is 64 bits on every target this crate builds for).
pub fn ret_usize(n: usize) -> u64 {
    const _: () = assert!(core::mem::size_of::<usize>() == 8);
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Encodes a non-negative `i64` result (e.g. seconds) in the return register.
pub fn ret_i64(n: i64) -> u64 {
    u64::from_le_bytes(n.to_le_bytes())
}

impl Args {
    /// Returns register `i` unchanged.
    pub fn raw(&self, i: usize) -> u64 {
        self.0.get(i).copied().unwrap_or(0)
    }

    /// Returns register `i` as a user address.
    pub fn addr(&self, i: usize) -> UserAddr {
        UserAddr(self.raw(i))
    }

    /// Returns register `i` as a C `int`.
    pub fn int(&self, i: usize) -> i32 {
        low_i32(self.raw(i))
    }

    /// Returns register `i` as a C `unsigned int`.
    pub fn uint(&self, i: usize) -> u32 {
        low_u32(self.raw(i))
    }

    /// Returns register `i` as a `size_t`.
    pub fn len(&self, i: usize) -> usize {
        // usize is 64 bits (see ret_usize); the conversion cannot fail.
        usize::try_from(self.raw(i)).unwrap_or(usize::MAX)
    }

    /// Returns register `i` as a file descriptor (`int fd`).
    ///
    /// # Errors
    /// `EBADF` for negative or out-of-range numbers.
    pub fn fd(&self, i: usize) -> SysResult<Fd> {
        Fd::try_from(i64::from(self.int(i)))
            .map_err(|_| SysError::new(Errno::EBADF, "negative or huge fd"))
    }

    /// Returns registers `a` (address) and `l` (length) as a user buffer.
    pub fn slice(&self, a: usize, l: usize) -> UserSlice {
        UserSlice {
            addr: self.addr(a),
            len: self.len(l),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_follows_c_int_rules() {
        assert_eq!(low_i32(0xffff_ffff), -1);
        assert_eq!(low_i32(0x1_0000_0005), 5);
        assert_eq!(low_u32(0xdead_beef_0000_0001), 1);
        let a = Args([0xffff_ffff, 1, 0x1_0000_0003, 0, 0, 0]);
        assert_eq!(a.fd(0).unwrap_err().errno, Errno::EBADF);
        assert_eq!(a.fd(1).unwrap().get(), 1);
        assert_eq!(a.fd(2).unwrap().get(), 3);
        assert_eq!(ret_i64(-1), u64::MAX);
    }
}
