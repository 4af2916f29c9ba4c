//! AF_UNIX sockets (unix(7)): SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET
//! on socketpair(2), on tmpfs path names and on abstract names. `sock`
//! holds the protocol (queues, connection states, readiness, following
//! net/unix/af_unix.c), `file` the open-file handle the fd table holds
//! (`FileOps` + `net::Socket`), and this module the constructors and
//! [`Names`], the per-process table of bound names.
//!
//! Constructors the syscall layer calls (`sys/socket.rs`):
//!
//! ```text
//! pub fn socket(hub: &Arc<WaitHub>, ty: i32, nonblock: bool, cred: Ucred)
//!     -> SysResult<Arc<dyn FileOps>>
//! pub fn pair(hub: &Arc<WaitHub>, ty: i32, nonblock: bool, cred: Ucred)
//!     -> SysResult<(Arc<dyn FileOps>, Arc<dyn FileOps>)>
//! ```
//!
//! `ty` is the `SOCK_*` kind without SOCK_NONBLOCK/SOCK_CLOEXEC; `cred`
//! is the caller's `struct ucred` (pid 1, euid, egid: what SO_PEERCRED
//! reports to the peer). Path names resolve against `SockEnv::files`
//! (its VFS, cwd, umask and [`Files::unix`](crate::files::Files::unix)).

mod file;
mod sock;

#[cfg(test)]
mod sys_tests;
#[cfg(test)]
mod tests;

use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

use crate::errno::SysResult;
use crate::fd::FileOps;
use crate::wait::WaitHub;

pub use file::{UnixSocket, SIOCINQ, SIOCOUTQ};
use sock::{Kind, NameTable, Sock};

/// `SO_PASSCRED` (asm-generic/socket.h).
pub const SO_PASSCRED: i32 = 16;
/// `SO_PEERCRED`.
pub const SO_PEERCRED: i32 = 17;
/// `SO_ACCEPTCONN`.
pub const SO_ACCEPTCONN: i32 = 30;
/// `net.unix.max_dgram_qlen`'s default: datagrams a socket's receive
/// queue holds for senders it is not connected to (unix(7)).
pub const MAX_DGRAM_QLEN: usize = 10;

/// `struct ucred` (socket(7), SO_PEERCRED): who is at the other end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ucred {
    /// Process id (always 1: the one process).
    pub pid: i32,
    /// Effective user id.
    pub uid: u32,
    /// Effective group id.
    pub gid: u32,
}

impl Ucred {
    /// What Linux reports without a peer (`cred_to_ucred` with no
    /// credentials): pid 0, uid and gid -1.
    pub const NONE: Ucred = Ucred {
        pid: 0,
        uid: u32::MAX,
        gid: u32::MAX,
    };

    /// Returns the 12 bytes getsockopt(SO_PEERCRED) copies out.
    pub fn to_bytes(self) -> Vec<u8> {
        let mut v = Vec::with_capacity(12);
        v.extend_from_slice(&self.pid.to_ne_bytes());
        v.extend_from_slice(&self.uid.to_ne_bytes());
        v.extend_from_slice(&self.gid.to_ne_bytes());
        v
    }
}

/// The names AF_UNIX sockets are bound to in one process (Linux keeps
/// them per network namespace): abstract names, and path names keyed by
/// the socket inode (device, inode number) bind(2) created. An entry
/// lives until its socket is closed; the path's inode may outlive it (a
/// stale socket file: connect gives ECONNREFUSED).
#[derive(Clone, Default)]
pub struct Names(Arc<Mutex<NameTable>>);

impl core::fmt::Debug for Names {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("unix::Names")
    }
}

/// Creates an unconnected AF_UNIX socket of kind `ty` (socket(2)); its
/// description is nonblocking if `nonblock`.
///
/// # Errors
/// ESOCKTNOSUPPORT for a kind AF_UNIX lacks (SOCK_RAW is taken as
/// SOCK_DGRAM, as `unix_create` does).
pub fn socket(
    hub: &Arc<WaitHub>,
    ty: i32,
    nonblock: bool,
    cred: Ucred,
) -> SysResult<Arc<dyn FileOps>> {
    let kind = Kind::from_raw(ty)?;
    Ok(UnixSocket::wrap(Sock::new(hub, kind, cred), nonblock))
}

/// Creates a connected pair of unnamed sockets of kind `ty`
/// (socketpair(2)); both descriptions are nonblocking if `nonblock`.
///
/// # Errors
/// As [`socket`].
pub fn pair(
    hub: &Arc<WaitHub>,
    ty: i32,
    nonblock: bool,
    cred: Ucred,
) -> SysResult<(Arc<dyn FileOps>, Arc<dyn FileOps>)> {
    let kind = Kind::from_raw(ty)?;
    let (a, b) = (Sock::new(hub, kind, cred), Sock::new(hub, kind, cred));
    Sock::join(&a, &b);
    Ok((UnixSocket::wrap(a, nonblock), UnixSocket::wrap(b, nonblock)))
}
