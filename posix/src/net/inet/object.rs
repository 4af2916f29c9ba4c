//! [`InetSocket`], the open-file object of an AF_INET/AF_INET6 socket:
//! `FileOps` (read = recv, write = send, poll, wait queue, fstat as
//! S_IFSOCK) and `net::Socket` (the socket calls), both forwarding to the
//! entry the object names in the shared [`Net`]. Dropping the last `Arc`
//! closes the socket (graceful FIN, or RST for SO_LINGER 0 and unread
//! data). Neighbours: `stack`, `tcp`, `udp`, `opts`.

use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::errno::{Errno, SysResult};
use crate::event::{anon_metadata, next_ino};
use crate::fd::{FileOps, OpenFileDescription, PollEvents};
use crate::net::addr::SockAddr;
use crate::net::socket::{AF_INET6, SOCK_DGRAM, SOCK_STREAM};
use crate::net::{Connecting, MsgFlags, Received, Shutdown, SockCommon, SockEnv, Socket};
use crate::vfs::error::err;
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{FileType, Metadata};
use crate::wait::WaitQueue;

use super::endpoint::{parse, to_sockaddr};
use super::stack::{Net, Proto};
use super::tcp::{Tcp, TcpSt};
use super::udp::Udp;

/// An AF_INET or AF_INET6 socket, TCP or UDP.
pub struct InetSocket {
    net: Arc<Net>,
    id: u64,
    queue: Arc<WaitQueue>,
    desc: OpenFileDescription,
    common: SockCommon,
    domain: i32,
    ty: i32,
    ino: u64,
}

impl core::fmt::Debug for InetSocket {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InetSocket")
            .field("id", &self.id)
            .field("domain", &self.domain)
            .field("type", &self.ty)
            .finish()
    }
}

/// The description of a socket (O_RDWR, with O_NONBLOCK if asked).
fn description(nonblock: bool) -> OpenFileDescription {
    let f = o::RDWR | if nonblock { o::NONBLOCK } else { 0 };
    OpenFileDescription::new(
        OpenFlags::try_from(f).unwrap_or_else(|_| {
            OpenFlags::try_from(o::RDWR).expect("O_RDWR is a valid access mode")
        }),
    )
}

impl InetSocket {
    /// Creates a socket of `domain` (AF_INET/AF_INET6) and `ty`
    /// (SOCK_STREAM/SOCK_DGRAM; the caller checked both).
    pub fn new(net: &Arc<Net>, domain: i32, ty: i32, nonblock: bool) -> Arc<InetSocket> {
        let queue = Arc::new(WaitQueue::new(net.hub()));
        let proto = if ty == SOCK_STREAM {
            Proto::Tcp(Tcp::new())
        } else {
            Proto::Udp(Udp::new())
        };
        let q = queue.clone();
        let id = net.with(|s| s.add_entry(q, domain, Default::default(), proto));
        Arc::new(InetSocket {
            net: net.clone(),
            id,
            queue,
            desc: description(nonblock),
            common: SockCommon::default(),
            domain,
            ty,
            ino: next_ino(),
        })
    }

    fn is_tcp(&self) -> bool {
        self.ty == SOCK_STREAM
    }

    fn reuse(&self) -> (bool, bool) {
        let o = self.common.opts.lock();
        (o.reuseaddr, o.reuseport)
    }

    fn v6only(&self) -> bool {
        self.net
            .look(|s| s.entries.get(&self.id).is_some_and(|e| e.opts.v6only))
    }

    /// bind(2) without the VFS (inet ignores `SockEnv`).
    ///
    /// # Errors
    /// See `Socket::bind`.
    pub fn bind_to(&self, addr: &SockAddr) -> SysResult<()> {
        let (a, port) = parse(self.domain, self.v6only(), addr)?;
        let (ra, rp) = self.reuse();
        self.net.with(|s| {
            if self.is_tcp() {
                s.tcp_bind(self.id, a, port, ra, rp)
            } else {
                s.udp_bind(self.id, a, port, ra, rp)
            }
        })
    }

    /// connect(2) without the VFS.
    ///
    /// # Errors
    /// See `Socket::connect`.
    pub fn connect_to(&self, addr: &SockAddr) -> SysResult<Connecting> {
        let (ra, rp) = self.reuse();
        if !self.is_tcp() && *addr == SockAddr::Unspec {
            return self
                .net
                .with(|s| s.udp_connect(self.id, None, ra, rp))
                .map(|()| Connecting::Done);
        }
        let v6only = self.v6only();
        let (a, port) = match parse(self.domain, v6only, addr) {
            Err(e) if e.errno == Errno::EINVAL && v6only => {
                // ipv6(7): a v4-mapped peer on a V6ONLY socket cannot be reached.
                return err(
                    Errno::ENETUNREACH,
                    "v4-mapped address on an IPV6_V6ONLY socket",
                );
            }
            r => r?,
        };
        self.net.with(|s| {
            if self.is_tcp() {
                s.tcp_connect(self.id, a, port, ra, rp)
            } else {
                s.udp_connect(self.id, Some((a, port)), ra, rp)
                    .map(|()| Connecting::Done)
            }
        })
    }

    /// send(2)/sendto(2) without the VFS.
    ///
    /// # Errors
    /// See `Socket::send`.
    pub fn send_to(&self, data: &[u8], to: Option<&SockAddr>, flags: MsgFlags) -> SysResult<usize> {
        if flags.has(MsgFlags::OOB) && !self.is_tcp() {
            return err(Errno::EOPNOTSUPP, "MSG_OOB on a datagram socket");
        }
        if self.is_tcp() {
            // tcp(7): the address of sendto on a connected stream is ignored.
            return self.net.with(|s| s.tcp_send(self.id, data));
        }
        let to = match to {
            Some(a) => Some(parse(self.domain, self.v6only(), a)?),
            None => None,
        };
        let (ra, rp) = self.reuse();
        self.net.with(|s| s.udp_send(self.id, data, to, ra, rp))
    }
}

impl Drop for InetSocket {
    fn drop(&mut self) {
        let linger_zero = self.common.opts.lock().linger == Some(0);
        let id = self.id;
        self.net.with(|s| s.close(id, linger_zero));
    }
}

impl FileOps for InetSocket {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    /// socket(7) inodes: S_IFSOCK, mode 0777 (sockfs).
    fn fstat(&self) -> SysResult<Metadata> {
        Ok(anon_metadata(FileType::Socket, 0o777, self.ino, 4096))
    }

    /// read(2) is recv(2) with no flags.
    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        self.recv(buf, MsgFlags::default()).map(|r| r.len)
    }

    /// write(2) is send(2) with no flags.
    fn write(&self, buf: &[u8]) -> SysResult<usize> {
        self.send_to(buf, None, MsgFlags::default())
    }

    fn poll(&self) -> PollEvents {
        let m = self.net.look(|s| s.mask_of(self.id).0);
        PollEvents(u16::try_from(m & 0xffff).unwrap_or(0))
    }

    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.queue)
    }

    fn as_socket(&self) -> Option<&dyn Socket> {
        Some(self)
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }
}

impl Socket for InetSocket {
    fn common(&self) -> &SockCommon {
        &self.common
    }

    fn domain(&self) -> i32 {
        self.domain
    }

    fn sock_type(&self) -> i32 {
        self.ty
    }

    fn protocol(&self) -> i32 {
        if self.is_tcp() {
            6
        } else {
            17
        }
    }

    fn bind(&self, _env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<()> {
        self.bind_to(addr)
    }

    fn listen(&self, backlog: u32) -> SysResult<()> {
        if !self.is_tcp() {
            return err(Errno::EOPNOTSUPP, "listen: not a stream socket");
        }
        let (ra, rp) = self.reuse();
        self.net.with(|s| s.tcp_listen(self.id, backlog, ra, rp))
    }

    fn accept(&self, nonblock: bool) -> SysResult<(Arc<dyn FileOps>, SockAddr)> {
        if !self.is_tcp() {
            return err(Errno::EOPNOTSUPP, "accept: not a stream socket");
        }
        let queue = Arc::new(WaitQueue::new(self.net.hub()));
        let q = queue.clone();
        let domain = self.domain;
        let (id, peer) = self.net.with(|s| {
            let (t, opts, peer) = s.tcp_accept(self.id)?;
            Ok::<_, crate::errno::SysError>((s.add_entry(q, domain, opts, Proto::Tcp(t)), peer))
        })?;
        let common = SockCommon::default();
        *common.opts.lock() = self.common.opts.lock().clone();
        let sock = Arc::new(InetSocket {
            net: self.net.clone(),
            id,
            queue,
            desc: description(nonblock),
            common,
            domain,
            ty: self.ty,
            ino: next_ino(),
        });
        Ok((sock, to_sockaddr(domain, Some(peer.addr), peer.port)))
    }

    fn connect(&self, _env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<Connecting> {
        self.connect_to(addr)
    }

    fn finish_connect(&self) -> Option<SysResult<()>> {
        if !self.is_tcp() {
            return Some(Ok(()));
        }
        self.net.with(|s| s.tcp_finish_connect(self.id))
    }

    fn send(
        &self,
        _env: &mut SockEnv<'_>,
        data: &[u8],
        to: Option<&SockAddr>,
        flags: MsgFlags,
    ) -> SysResult<usize> {
        self.send_to(data, to, flags)
    }

    fn recv(&self, buf: &mut [u8], flags: MsgFlags) -> SysResult<Received> {
        let peek = flags.has(MsgFlags::PEEK);
        if self.is_tcp() {
            if flags.has(MsgFlags::OOB) {
                // No urgent data is ever kept (tcp(7) "EINVAL" when none).
                return err(Errno::EINVAL, "no out-of-band data");
            }
            let n = self.net.with(|s| s.tcp_recv(self.id, buf, peek))?;
            return Ok(Received {
                len: n,
                full_len: n,
                from: None,
            });
        }
        self.net.with(|s| s.udp_recv(self.id, buf, peek))
    }

    fn shutdown(&self, how: Shutdown) -> SysResult<()> {
        let (rd, wr) = match how {
            Shutdown::Read => (true, false),
            Shutdown::Write => (false, true),
            Shutdown::Both => (true, true),
        };
        self.net.with(|s| {
            if self.is_tcp() {
                s.tcp_shutdown(self.id, rd, wr)
            } else {
                s.udp_shutdown(self.id, rd, wr)
            }
        })
    }

    fn local_addr(&self) -> SysResult<SockAddr> {
        let domain = self.domain;
        self.net.look(|s| {
            if !self.is_tcp() {
                let (a, p) = s.udp_local(self.id)?;
                return Ok(to_sockaddr(domain, a, p));
            }
            let Some(e) = s.entries.get(&self.id) else {
                return err(Errno::ENOTSOCK, "stale inet socket");
            };
            let Proto::Tcp(t) = &e.proto else {
                return err(Errno::ENOTSOCK, "stale inet socket");
            };
            Ok(match (&t.st, t.bound) {
                (TcpSt::Conn(c), _) => to_sockaddr(domain, Some(c.local.addr), c.local.port),
                (_, Some((b, p))) => to_sockaddr(domain, b.addr, p),
                _ => to_sockaddr(domain, None, 0),
            })
        })
    }

    fn peer_addr(&self) -> SysResult<SockAddr> {
        let domain = self.domain;
        self.net.look(|s| {
            if !self.is_tcp() {
                return s.udp_peer(self.id);
            }
            match s.entries.get(&self.id).map(|e| &e.proto) {
                // inet_getname: ENOTCONN in TCP_CLOSE and SYN_SENT.
                Some(Proto::Tcp(Tcp {
                    st: TcpSt::Conn(c), ..
                })) if !c.finished && c.prev != smoltcp::socket::tcp::State::SynSent => {
                    Ok(to_sockaddr(domain, Some(c.remote.addr), c.remote.port))
                }
                _ => err(Errno::ENOTCONN, "not connected"),
            }
        })
    }

    fn take_error(&self) -> i32 {
        self.net.with(
            |s| match s.entries.get_mut(&self.id).map(|e| &mut e.proto) {
                Some(Proto::Tcp(t)) => core::mem::take(&mut t.err),
                _ => 0,
            },
        )
    }

    fn readable_bytes(&self) -> usize {
        if self.is_tcp() {
            // mask_of counts waiting connections of a listener; FIONREAD
            // wants bytes.
            self.net.look(|s| {
                let listening = s.listeners.contains(&self.id);
                if listening {
                    0
                } else {
                    s.mask_of(self.id).1
                }
            })
        } else {
            self.net.look(|s| s.udp_next_len(self.id))
        }
    }

    fn set_option(&self, level: i32, name: i32, value: &[u8]) -> SysResult<()> {
        let tcp = self.is_tcp();
        let v6 = self.domain == AF_INET6;
        self.net.with(|s| {
            let Some(e) = s.entries.get_mut(&self.id) else {
                return err(Errno::ENOTSOCK, "stale inet socket");
            };
            let bound = match &e.proto {
                Proto::Tcp(t) => t.bound.is_some(),
                Proto::Udp(u) => u.bound.is_some(),
            };
            e.opts.set(tcp, v6, bound, level, name, value)?;
            let opts = e.opts.clone();
            let handles: Vec<_> = match &mut e.proto {
                Proto::Tcp(Tcp {
                    st: TcpSt::Conn(c), ..
                }) => alloc::vec![(c.w, c.h)],
                Proto::Tcp(Tcp {
                    st: TcpSt::Listen(l),
                    ..
                }) => {
                    l.opts = opts.clone();
                    l.slots.clone()
                }
                _ => Vec::new(),
            };
            for (w, h) in handles {
                opts.apply_tcp(s.ifs.tcp(w, h));
            }
            Ok(())
        })
    }

    fn get_option(&self, level: i32, name: i32) -> SysResult<Vec<u8>> {
        let tcp = self.is_tcp();
        let v6 = self.domain == AF_INET6;
        self.net.look(|s| {
            let Some(e) = s.entries.get(&self.id) else {
                return err(Errno::ENOTSOCK, "stale inet socket");
            };
            let listening = matches!(
                e.proto,
                Proto::Tcp(Tcp {
                    st: TcpSt::Listen(_),
                    ..
                })
            );
            let mss = match &e.proto {
                Proto::Tcp(Tcp {
                    st: TcpSt::Conn(c), ..
                }) if c.w == super::stack::Which::Nic => s
                    .ifs
                    .nic
                    .as_ref()
                    .map_or(1460, |n| i32::try_from(n.ifc.dev.mtu).unwrap_or(1500) - 40),
                Proto::Tcp(Tcp {
                    st: TcpSt::Conn(_), ..
                }) => 65_483,
                _ => 536,
            };
            e.opts.get(tcp, v6, listening, mss, level, name)
        })
    }
}

/// Tells whether `ty` is a socket type inet supports.
pub(super) fn supported_type(ty: i32) -> bool {
    ty == SOCK_STREAM || ty == SOCK_DGRAM
}
