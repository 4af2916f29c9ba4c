//! The [`Socket`] trait every socket object implements next to
//! `fd::FileOps`, the flag and address types its methods take, and
//! [`SockCommon`], the SOL_SOCKET state every socket carries (timeouts,
//! buffer sizes, flags the program set). Handlers in `sys/socket.rs`,
//! `sys/sockmsg.rs` and `sys/sockopt.rs` call it; `net::inet` and
//! `net::unix` implement it. Blocking is not a socket's business: a method
//! that would block returns EAGAIN and the object's `FileOps::wait_queue`
//! is notified when that may have changed (as for pipes, see `wait`).

use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

use crate::errno::SysResult;
use crate::fd::FileOps;
use crate::files::Files;
use crate::net::addr::SockAddr;

/// `AF_UNIX` (bits/socket.h).
pub const AF_UNIX: i32 = 1;
/// `AF_INET`.
pub const AF_INET: i32 = 2;
/// `AF_INET6`.
pub const AF_INET6: i32 = 10;
/// `SOCK_STREAM`.
pub const SOCK_STREAM: i32 = 1;
/// `SOCK_DGRAM`.
pub const SOCK_DGRAM: i32 = 2;
/// `SOCK_SEQPACKET` (AF_UNIX only).
pub const SOCK_SEQPACKET: i32 = 5;

/// The `flags` of send(2)/recv(2) (linux/socket.h `MSG_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MsgFlags(pub u32);

impl MsgFlags {
    /// Out-of-band data (TCP urgent; refused with EOPNOTSUPP elsewhere).
    pub const OOB: u32 = 0x1;
    /// Look at the data without taking it.
    pub const PEEK: u32 = 0x2;
    /// Control data was truncated (recvmsg output).
    pub const CTRUNC: u32 = 0x8;
    /// Return the real datagram length / the datagram was truncated.
    pub const TRUNC: u32 = 0x20;
    /// Do not block for this call only.
    pub const DONTWAIT: u32 = 0x40;
    /// End of record (SOCK_SEQPACKET).
    pub const EOR: u32 = 0x80;
    /// Block until the whole buffer is filled (stream receive).
    pub const WAITALL: u32 = 0x100;
    /// Do not raise SIGPIPE on a broken connection.
    pub const NOSIGNAL: u32 = 0x4000;
    /// More data follows (TCP_CORK-like hint; accepted and ignored).
    pub const MORE: u32 = 0x8000;
    /// recvmmsg: after the first message, do not block.
    pub const WAITFORONE: u32 = 0x10000;
    /// SCM_RIGHTS fds get FD_CLOEXEC.
    pub const CMSG_CLOEXEC: u32 = 0x4000_0000;

    /// Tells whether every bit of `bit` is set.
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit == bit
    }
}

/// shutdown(2)'s `how`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// `SHUT_RD`.
    Read,
    /// `SHUT_WR`.
    Write,
    /// `SHUT_RDWR`.
    Both,
}

/// What one receive moved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Received {
    /// Bytes copied into the buffer.
    pub len: usize,
    /// The datagram's full length (more than `len` when it was truncated;
    /// equal to `len` for streams).
    pub full_len: usize,
    /// The sender (datagram sockets; `None` for connected streams).
    pub from: Option<SockAddr>,
}

/// How a connect(2) went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connecting {
    /// Connected (AF_UNIX, datagram sockets).
    Done,
    /// The handshake is under way: a nonblocking caller gets EINPROGRESS,
    /// a blocking one waits for [`Socket::finish_connect`].
    InProgress,
}

/// The SOL_SOCKET options every socket keeps, set by setsockopt(2) and
/// read back by getsockopt(2) (socket(7)). Timeouts are in nanoseconds,
/// `None` meaning "block forever" (a zero timeval).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SockOptions {
    /// `SO_REUSEADDR`.
    pub reuseaddr: bool,
    /// `SO_REUSEPORT`.
    pub reuseport: bool,
    /// `SO_KEEPALIVE`.
    pub keepalive: bool,
    /// `SO_BROADCAST`.
    pub broadcast: bool,
    /// `SO_OOBINLINE`.
    pub oobinline: bool,
    /// `SO_LINGER`: `Some(seconds)` when enabled.
    pub linger: Option<u32>,
    /// `SO_RCVBUF` as getsockopt reports it (Linux doubles the value set).
    pub rcvbuf: u32,
    /// `SO_SNDBUF`, likewise doubled.
    pub sndbuf: u32,
    /// `SO_RCVLOWAT`.
    pub rcvlowat: u32,
    /// `SO_RCVTIMEO` in ns.
    pub rcvtimeo: Option<u64>,
    /// `SO_SNDTIMEO` in ns.
    pub sndtimeo: Option<u64>,
}

impl Default for SockOptions {
    fn default() -> Self {
        // Linux defaults (net.core.rmem_default/wmem_default = 212992).
        SockOptions {
            reuseaddr: false,
            reuseport: false,
            keepalive: false,
            broadcast: false,
            oobinline: false,
            linger: None,
            rcvbuf: 212_992,
            sndbuf: 212_992,
            rcvlowat: 1,
            rcvtimeo: None,
            sndtimeo: None,
        }
    }
}

/// The state every socket carries besides its protocol's: its options.
#[derive(Debug, Default)]
pub struct SockCommon {
    /// SOL_SOCKET options.
    pub opts: Mutex<SockOptions>,
}

/// What socket calls that name addresses may need from the process: the
/// namespace and working directory (AF_UNIX path names, unix(7)).
pub struct SockEnv<'a> {
    /// The process's files (VFS, cwd, umask).
    pub files: &'a mut Files,
}

/// The socket calls. Methods that would block return EAGAIN; methods a
/// kind does not support keep the default, which returns the errno Linux
/// gives (cited per method).
pub trait Socket: Send + Sync {
    /// The SOL_SOCKET state.
    fn common(&self) -> &SockCommon;
    /// `AF_*`.
    fn domain(&self) -> i32;
    /// `SOCK_*` (without the NONBLOCK/CLOEXEC bits).
    fn sock_type(&self) -> i32;
    /// The protocol number getsockopt(SO_PROTOCOL) reports (6 TCP, 17 UDP, 0 unix).
    fn protocol(&self) -> i32;

    /// bind(2). EINVAL if already bound, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT.
    fn bind(&self, env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<()>;

    /// listen(2); `backlog` already clamped to `SOMAXCONN` (4096). Binds
    /// to an ephemeral port if unbound. listen(2): "EOPNOTSUPP The socket
    /// is not of a type that supports the listen() operation".
    fn listen(&self, _backlog: u32) -> SysResult<()> {
        crate::vfs::error::err(
            crate::errno::Errno::EOPNOTSUPP,
            "listen: not a stream socket",
        )
    }

    /// Takes one established connection: the new socket (whose open-file
    /// description is nonblocking if `nonblock`) and the peer's address.
    /// EAGAIN when none waits; EINVAL if not listening. accept(2):
    /// "EOPNOTSUPP The referenced socket is not of type SOCK_STREAM".
    fn accept(&self, _nonblock: bool) -> SysResult<(Arc<dyn FileOps>, SockAddr)> {
        crate::vfs::error::err(
            crate::errno::Errno::EOPNOTSUPP,
            "accept: not a stream socket",
        )
    }

    /// connect(2). EISCONN, EALREADY (a connect is in progress),
    /// ECONNREFUSED, ENETUNREACH, EAFNOSUPPORT. For datagram sockets sets
    /// the default peer (AF_UNSPEC dissolves it).
    fn connect(&self, env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<Connecting>;

    /// The outcome of a connect in progress: `None` while the handshake
    /// runs; `Some(Ok)` once connected; `Some(Err)` (and SO_ERROR cleared)
    /// if it failed.
    fn finish_connect(&self) -> Option<SysResult<()>> {
        Some(Ok(()))
    }

    /// Sends `data` (to `to` for unconnected datagram sockets). Returns
    /// what was queued (streams may take part); EAGAIN when no room;
    /// EPIPE after shutdown or a reset (the caller raises SIGPIPE unless
    /// MSG_NOSIGNAL); EMSGSIZE for a datagram too big; EDESTADDRREQ,
    /// ENOTCONN.
    fn send(
        &self,
        env: &mut SockEnv<'_>,
        data: &[u8],
        to: Option<&SockAddr>,
        flags: MsgFlags,
    ) -> SysResult<usize>;

    /// Receives into `buf` (MSG_PEEK leaves the data). `Ok(len 0)` is end
    /// of stream; EAGAIN when nothing waits; ENOTCONN, ECONNRESET.
    fn recv(&self, buf: &mut [u8], flags: MsgFlags) -> SysResult<Received>;

    /// shutdown(2). ENOTCONN if not connected.
    fn shutdown(&self, how: Shutdown) -> SysResult<()>;

    /// getsockname(2): the bound address (the family's wildcard, port 0,
    /// if unbound).
    fn local_addr(&self) -> SysResult<SockAddr>;

    /// getpeername(2). ENOTCONN if not connected.
    fn peer_addr(&self) -> SysResult<SockAddr>;

    /// Takes the pending error for SO_ERROR (0 if none), clearing it.
    fn take_error(&self) -> i32 {
        0
    }

    /// Bytes waiting to be read (ioctl FIONREAD / SIOCINQ).
    fn readable_bytes(&self) -> usize;

    /// Sets a non-SOL_SOCKET option (IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6)
    /// or a SOL_SOCKET one with protocol effect (SO_KEEPALIVE, SO_RCVBUF,
    /// SO_SNDBUF, SO_LINGER after `common` is updated). ENOPROTOOPT for
    /// unknown ones.
    fn set_option(&self, level: i32, name: i32, value: &[u8]) -> SysResult<()> {
        let _ = value;
        unknown_option(level, name)
    }

    /// Reads a non-SOL_SOCKET option as the bytes getsockopt returns.
    fn get_option(&self, level: i32, name: i32) -> SysResult<Vec<u8>> {
        unknown_option(level, name)
    }
}

/// The errno for an option a socket does not know (getsockopt(2):
/// "ENOPROTOOPT The option is unknown at the level indicated").
pub fn unknown_option<T>(level: i32, name: i32) -> SysResult<T> {
    let _ = (level, name);
    crate::vfs::error::err(crate::errno::Errno::ENOPROTOOPT, "unknown socket option")
}
