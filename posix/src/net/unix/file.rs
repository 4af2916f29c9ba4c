//! [`UnixSocket`], the open file the fd table holds for an AF_UNIX
//! socket: `FileOps` (read = recv, write = send, poll, fstat S_IFSOCK)
//! and `net::Socket` over a `sock::Sock`. Dropping the last reference (the
//! last fd of the description closes) releases the socket, as
//! `sock_close` -> `unix_release` does.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::sock::{Kind, Sock, BOTH, RCV, SEND};
use super::{SO_ACCEPTCONN, SO_PASSCRED, SO_PEERCRED};
use crate::errno::{Errno, SysResult};
use crate::event::anon_metadata;
use crate::fd::{FileOps, OpenFileDescription, PollEvents, UserMemory};
use crate::net::socket::{unknown_option, AF_UNIX};
use crate::net::{Connecting, Shutdown};
use crate::net::{MsgFlags, Received, SockAddr, SockCommon, SockEnv, Socket};
use crate::platform::UserAddr;
use crate::vfs::error::err;
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{FileType, Metadata};
use crate::wait::WaitQueue;

/// `SOL_SOCKET`.
const SOL_SOCKET: i32 = 1;
/// `SIOCINQ` = `FIONREAD` (asm-generic/ioctls.h).
pub const SIOCINQ: u32 = 0x541b;
/// `SIOCOUTQ` = `TIOCOUTQ`.
pub const SIOCOUTQ: u32 = 0x5411;
/// SOL_SOCKET names whose value `SockCommon` already holds; the socket
/// accepts them (`SO_SNDBUF`, `SO_RCVBUF`, `SO_KEEPALIVE`, `SO_LINGER`,
/// `SO_SNDBUFFORCE`, `SO_RCVBUFFORCE`).
const COMMON_NAMES: [i32; 6] = [7, 8, 9, 13, 32, 33];

/// An AF_UNIX socket as an open file.
pub struct UnixSocket {
    sock: Arc<Sock>,
    desc: OpenFileDescription,
}

impl core::fmt::Debug for UnixSocket {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UnixSocket")
            .field("kind", &self.sock.kind)
            .field("ino", &self.sock.ino)
            .finish()
    }
}

impl UnixSocket {
    /// Wraps `sock` in a read-write description (nonblocking if asked).
    pub(super) fn wrap(sock: Arc<Sock>, nonblock: bool) -> Arc<dyn FileOps> {
        let bits = o::RDWR | if nonblock { o::NONBLOCK } else { 0 };
        let flags = OpenFlags::try_from(bits).expect("O_RDWR|O_NONBLOCK is valid");
        Arc::new(UnixSocket {
            sock,
            desc: OpenFileDescription::new(flags),
        })
    }

    fn nonblocking(&self, flags: MsgFlags) -> bool {
        self.desc.is_nonblocking() || flags.has(MsgFlags::DONTWAIT)
    }
}

impl Drop for UnixSocket {
    fn drop(&mut self) {
        self.sock.release(false);
    }
}

fn unix_addr(addr: &SockAddr) -> SysResult<&crate::net::UnixAddr> {
    match addr {
        SockAddr::Unix(u) => Ok(u),
        // unix_validate_addr: another family is EINVAL.
        _ => err(Errno::EINVAL, "address family is not AF_UNIX"),
    }
}

impl FileOps for UnixSocket {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    /// Sockets stat as S_IFSOCK, mode 0777, on sockfs (socket(7)).
    fn fstat(&self) -> SysResult<Metadata> {
        Ok(anon_metadata(FileType::Socket, 0o777, self.sock.ino, 4096))
    }

    /// read(2) is recv(2) with no flags, except that an empty read
    /// returns 0 at once and takes nothing (`sock_read_iter`).
    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        Ok(self
            .sock
            .recv(buf, MsgFlags(0), self.nonblocking(MsgFlags(0)))?
            .len)
    }

    /// write(2) is send(2) with no flags and no address.
    fn write(&self, buf: &[u8]) -> SysResult<usize> {
        self.sock.send(buf, false, None, MsgFlags(0))
    }

    /// SIOCINQ/FIONREAD and SIOCOUTQ (unix_ioctl): the bytes (stream)
    /// or next record's size waiting to be read, and the bytes this
    /// socket has queued at its peers.
    fn ioctl(&self, cmd: u32, arg: UserAddr, mem: &mut dyn UserMemory) -> SysResult<u64> {
        let n = match cmd {
            SIOCINQ => {
                if self.sock.listening() {
                    return err(Errno::EINVAL, "SIOCINQ on a listening socket");
                }
                self.sock.readable_bytes()
            }
            SIOCOUTQ => self.sock.queued_out(),
            _ => return err(Errno::ENOTTY, "ioctl on an AF_UNIX socket"),
        };
        let n = i32::try_from(n).unwrap_or(i32::MAX);
        mem.copy_out(arg, &n.to_ne_bytes())?;
        Ok(0)
    }

    fn poll(&self) -> PollEvents {
        PollEvents(u16::try_from(self.sock.poll()).unwrap_or(0))
    }

    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.sock.queue)
    }

    fn as_socket(&self) -> Option<&dyn Socket> {
        Some(self)
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }
}

impl Socket for UnixSocket {
    fn common(&self) -> &SockCommon {
        &self.sock.common
    }

    fn domain(&self) -> i32 {
        AF_UNIX
    }

    fn sock_type(&self) -> i32 {
        self.sock.kind.raw()
    }

    fn protocol(&self) -> i32 {
        0
    }

    /// bind(2): a path (a new socket inode; EADDRINUSE if the name
    /// exists), an abstract name, or autobind for an empty name.
    fn bind(&self, env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<()> {
        let u = unix_addr(addr)?;
        self.sock.bind(env.files, u)
    }

    fn listen(&self, backlog: u32) -> SysResult<()> {
        self.sock.listen(backlog)
    }

    fn accept(&self, nonblock: bool) -> SysResult<(Arc<dyn FileOps>, SockAddr)> {
        let new = self.sock.accept()?;
        // unix_getname of the new socket's peer: the connector's name.
        let peer = new.peer_addr().unwrap_or(crate::net::UnixAddr::Unnamed);
        Ok((UnixSocket::wrap(new, nonblock), SockAddr::Unix(peer)))
    }

    /// connect(2) completes at once; AF_UNSPEC dissolves a datagram
    /// association. While the listener's backlog is full a nonblocking
    /// socket gets EAGAIN (not EINPROGRESS: unix_stream_connect) and a
    /// blocking one `InProgress`, finished by [`Socket::finish_connect`]
    /// once accept(2) makes room.
    fn connect(&self, env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<Connecting> {
        if *addr != SockAddr::Unspec {
            unix_addr(addr)?;
        } else if self.sock.kind != Kind::Dgram {
            return err(Errno::EINVAL, "AF_UNSPEC connect on a stream socket");
        }
        match self.sock.connect(env.files, addr) {
            Err(e) if e.errno == Errno::EAGAIN && !self.desc.is_nonblocking() => {
                Ok(Connecting::InProgress)
            }
            r => r.map(|()| Connecting::Done),
        }
    }

    fn finish_connect(&self) -> Option<SysResult<()>> {
        self.sock.finish_connect()
    }

    fn send(
        &self,
        env: &mut SockEnv<'_>,
        data: &[u8],
        to: Option<&SockAddr>,
        flags: MsgFlags,
    ) -> SysResult<usize> {
        let target = match (self.sock.kind, to) {
            (Kind::Dgram, Some(a)) => {
                unix_addr(a)?;
                Some(self.sock.find_for_send(env.files, a)?)
            }
            _ => None,
        };
        // unix_seqpacket_sendmsg ignores an address.
        let named = to.is_some() && self.sock.kind != Kind::Seqpacket;
        self.sock.send(data, named, target, flags)
    }

    fn recv(&self, buf: &mut [u8], flags: MsgFlags) -> SysResult<Received> {
        self.sock.recv(buf, flags, self.nonblocking(flags))
    }

    fn shutdown(&self, how: Shutdown) -> SysResult<()> {
        self.sock.shutdown(match how {
            Shutdown::Read => RCV,
            Shutdown::Write => SEND,
            Shutdown::Both => BOTH,
        });
        Ok(())
    }

    /// getsockname(2): the bound name, or just the family if unbound.
    fn local_addr(&self) -> SysResult<SockAddr> {
        Ok(SockAddr::Unix(self.sock.addr()))
    }

    fn peer_addr(&self) -> SysResult<SockAddr> {
        Ok(SockAddr::Unix(self.sock.peer_addr()?))
    }

    fn take_error(&self) -> i32 {
        self.sock.take_error().map_or(0, |e| e as i32)
    }

    fn readable_bytes(&self) -> usize {
        self.sock.readable_bytes()
    }

    /// SO_PASSCRED is kept (and makes connect/send autobind); the
    /// SOL_SOCKET options `SockCommon` holds are accepted.
    fn set_option(&self, level: i32, name: i32, value: &[u8]) -> SysResult<()> {
        if level != SOL_SOCKET {
            return unknown_option(level, name);
        }
        match name {
            SO_PASSCRED => {
                let on = value.iter().take(4).any(|&b| b != 0);
                self.sock.set_passcred(on);
                Ok(())
            }
            n if COMMON_NAMES.contains(&n) => {
                // A bigger SO_SNDBUF may make the socket writable.
                self.sock.queue.notify(crate::event::ev::OUT);
                Ok(())
            }
            _ => unknown_option(level, name),
        }
    }

    /// SO_PEERCRED (`struct ucred` of the peer, or of the listener
    /// itself), SO_ACCEPTCONN, SO_PASSCRED.
    fn get_option(&self, level: i32, name: i32) -> SysResult<Vec<u8>> {
        if level != SOL_SOCKET {
            return unknown_option(level, name);
        }
        let int = |v: bool| i32::from(v).to_ne_bytes().to_vec();
        match name {
            SO_PEERCRED => Ok(self.sock.peer_cred().to_bytes()),
            SO_ACCEPTCONN => Ok(int(self.sock.listening())),
            SO_PASSCRED => Ok(int(self.sock.passcred())),
            _ => unknown_option(level, name),
        }
    }
}
