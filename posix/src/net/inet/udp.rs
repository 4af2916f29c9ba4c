//! UDP sockets over smoltcp (udp(7), net/ipv4/udp.c): a bound socket has a
//! smoltcp socket on each interface its address reaches; sends pick the
//! interface by destination; receives keep datagram boundaries (MSG_PEEK,
//! MSG_TRUNC through `Received::full_len`); a connected socket drops
//! datagrams from other peers. Deviations: no IP fragmentation, so a
//! datagram larger than the NIC's MTU is EMSGSIZE on the NIC (loopback
//! carries up to 65,507 bytes); ICMP errors are not reported.
//! Neighbours: `stack`, `ready`, `object`.

use alloc::vec;
use alloc::vec::Vec;

use smoltcp::iface::SocketHandle;
use smoltcp::socket::udp;
use smoltcp::wire::{IpAddress, IpEndpoint, IpListenEndpoint};

use super::endpoint::Bind;
use super::stack::{Ifaces, PortUse, Proto, Stack, Which, PROTO_UDP};
use crate::errno::{Errno, SysError, SysResult};
use crate::net::addr::SockAddr;
use crate::net::socket::AF_INET6;
use crate::net::Received;
use crate::vfs::error::err;

/// Largest UDP payload over IPv4 (65,535 - 20 - 8).
pub const MAX_V4: usize = 65_507;
/// Largest UDP payload over IPv6 (65,535 - 8).
pub const MAX_V6: usize = 65_527;
/// Datagrams a socket buffers per direction.
const SLOTS: usize = 256;

/// A UDP socket entry.
pub(super) struct Udp {
    /// The bound address and port.
    pub bound: Option<(Bind, u16)>,
    /// smoltcp sockets, one per interface.
    pub socks: Vec<(Which, SocketHandle)>,
    /// The connected peer.
    pub peer: Option<IpEndpoint>,
    /// RCV_SHUTDOWN.
    pub rcv_shut: bool,
    /// SEND_SHUTDOWN.
    pub snd_shut: bool,
}

impl Udp {
    /// A fresh socket.
    pub fn new() -> Udp {
        Udp {
            bound: None,
            socks: Vec::new(),
            peer: None,
            rcv_shut: false,
            snd_shut: false,
        }
    }

    /// Frees the smoltcp sockets.
    pub fn close(self, ifs: &mut Ifaces) {
        for (w, h) in self.socks {
            ifs.set(w).remove(h);
        }
    }
}

/// Tells whether a datagram from `from` is for a socket of `domain`
/// bound like `b` and connected to `peer`.
fn accepts(b: Option<&Bind>, peer: Option<IpEndpoint>, from: IpEndpoint) -> bool {
    b.is_none_or(|b| b.covers_version(from.addr)) && peer.is_none_or(|p| p == from)
}

/// Returns the UDP state of entry `id` (see `entry_of!` in inet/mod.rs).
macro_rules! udp_of {
    ($s:expr, $id:expr) => {
        entry_of!($s, $id, Udp)
    };
}

impl Stack {
    /// bind(2) for UDP entry `id`.
    pub(super) fn udp_bind(
        &mut self,
        id: u64,
        addr: Option<IpAddress>,
        port: u16,
        reuseaddr: bool,
        reuseport: bool,
    ) -> SysResult<()> {
        self.check_local(addr)?;
        let (u, opts, domain) = udp_of!(self, id);
        if u.bound.is_some() {
            return err(Errno::EINVAL, "socket already bound");
        }
        let mut bind = Bind::any(domain, opts.v6only);
        bind.addr = addr;
        let (rx, tx) = (opts.rxbuf.max(MAX_V6 + 1), opts.txbuf.max(MAX_V6 + 1));
        let hop = opts.ttl;
        // Buffers first, so a heap too full for them is ENOBUFS before
        // the port is taken (an allocation failure must not stop the kernel).
        let mut bufs = Vec::new();
        for w in self.ifs.for_bind(addr) {
            let (Some(r), Some(t)) = (super::try_zeroed(rx), super::try_zeroed(tx)) else {
                return err(Errno::ENOBUFS, "no kernel memory for the socket buffers");
            };
            bufs.push((w, r, t));
        }
        let port = self.take_port(
            PROTO_UDP,
            port,
            PortUse::bound(id, bind, reuseaddr, reuseport),
        )?;
        let mut socks = Vec::new();
        for (w, r, t) in bufs {
            let mut s = udp::Socket::new(
                udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; SLOTS], r),
                udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; SLOTS], t),
            );
            s.set_hop_limit(hop.filter(|&t| t > 0));
            if s.bind(IpListenEndpoint { addr, port }).is_ok() {
                socks.push((w, self.ifs.set(w).add(s)));
            }
        }
        let (u, _, _) = udp_of!(self, id);
        u.bound = Some((bind, port));
        u.socks = socks;
        Ok(())
    }

    /// Binds UDP entry `id` to an ephemeral port if it is not bound.
    fn udp_autobind(&mut self, id: u64, reuseaddr: bool, reuseport: bool) -> SysResult<()> {
        let (u, _, _) = udp_of!(self, id);
        if u.bound.is_none() {
            self.udp_bind(id, None, 0, reuseaddr, reuseport)?;
        }
        Ok(())
    }

    /// connect(2) for UDP entry `id`: sets (or, with `None`, dissolves)
    /// the default peer.
    pub(super) fn udp_connect(
        &mut self,
        id: u64,
        to: Option<(Option<IpAddress>, u16)>,
        reuseaddr: bool,
        reuseport: bool,
    ) -> SysResult<()> {
        let Some((addr, port)) = to else {
            let (u, _, _) = udp_of!(self, id);
            u.peer = None;
            return Ok(());
        };
        let (_, _, domain) = udp_of!(self, id);
        let dst = addr.unwrap_or(local_any(domain));
        self.ifs.route(dst)?;
        self.udp_autobind(id, reuseaddr, reuseport)?;
        let (u, _, _) = udp_of!(self, id);
        u.peer = Some(IpEndpoint::new(dst, port));
        Ok(())
    }

    /// sendto(2) on UDP entry `id`.
    pub(super) fn udp_send(
        &mut self,
        id: u64,
        data: &[u8],
        to: Option<(Option<IpAddress>, u16)>,
        reuseaddr: bool,
        reuseport: bool,
    ) -> SysResult<usize> {
        let (u, _, domain) = udp_of!(self, id);
        if u.snd_shut {
            return err(Errno::EPIPE, "socket shut down for writing");
        }
        let dst = match to {
            Some((a, p)) => IpEndpoint::new(a.unwrap_or(local_any(domain)), p),
            None => match u.peer {
                Some(p) => p,
                None => return err(Errno::EDESTADDRREQ, "no destination and not connected"),
            },
        };
        if dst.port == 0 {
            return err(Errno::EINVAL, "destination port 0");
        }
        let max = match dst.addr {
            IpAddress::Ipv4(_) => MAX_V4,
            IpAddress::Ipv6(_) => MAX_V6,
        };
        if data.len() > max {
            return err(Errno::EMSGSIZE, "datagram larger than an IP packet");
        }
        let w = self.ifs.route(dst.addr)?;
        if let (Which::Nic, Some(n)) = (w, &self.ifs.nic) {
            let hdr = if dst.addr.version() == smoltcp::wire::IpVersion::Ipv4 {
                28
            } else {
                48
            };
            if data.len() + hdr > n.ifc.dev.mtu {
                return err(
                    Errno::EMSGSIZE,
                    "datagram larger than the MTU (no IP fragmentation)",
                );
            }
        }
        self.udp_autobind(id, reuseaddr, reuseport)?;
        let (u, _, _) = udp_of!(self, id);
        let Some(&(_, h)) = u.socks.iter().find(|(sw, _)| *sw == w) else {
            return err(
                Errno::ENETUNREACH,
                "socket bound to an address of another interface",
            );
        };
        match self
            .ifs
            .set(w)
            .get_mut::<udp::Socket<'static>>(h)
            .send_slice(data, dst)
        {
            Ok(()) => Ok(data.len()),
            Err(udp::SendError::BufferFull) => err(Errno::EAGAIN, "send buffer full"),
            Err(udp::SendError::Unaddressable) => {
                err(Errno::ENETUNREACH, "destination unreachable")
            }
        }
    }

    /// recvfrom(2) on UDP entry `id`.
    pub(super) fn udp_recv(&mut self, id: u64, buf: &mut [u8], peek: bool) -> SysResult<Received> {
        let (u, _, domain) = udp_of!(self, id);
        let (bind, peer, socks, rcv_shut) =
            (u.bound.map(|b| b.0), u.peer, u.socks.clone(), u.rcv_shut);
        for (w, h) in socks {
            let s = self.ifs.set(w).get_mut::<udp::Socket<'static>>(h);
            loop {
                let (len, from) = match s.peek() {
                    Err(_) => break,
                    Ok((payload, meta)) => {
                        if !accepts(bind.as_ref(), peer, meta.endpoint) {
                            (None, meta.endpoint)
                        } else {
                            let n = payload.len().min(buf.len());
                            buf[..n].copy_from_slice(&payload[..n]);
                            (Some(payload.len()), meta.endpoint)
                        }
                    }
                };
                let Some(full) = len else {
                    let _ = s.recv();
                    continue;
                };
                if !peek {
                    let _ = s.recv();
                }
                return Ok(Received {
                    len: full.min(buf.len()),
                    full_len: full,
                    from: Some(super::endpoint::to_sockaddr(
                        domain,
                        Some(from.addr),
                        from.port,
                    )),
                });
            }
        }
        if rcv_shut {
            return Ok(Received::default());
        }
        err(Errno::EAGAIN, "no datagram")
    }

    /// shutdown(2) on UDP entry `id`.
    pub(super) fn udp_shutdown(&mut self, id: u64, rd: bool, wr: bool) -> SysResult<()> {
        let (u, _, _) = udp_of!(self, id);
        u.rcv_shut |= rd;
        u.snd_shut |= wr;
        if u.peer.is_none() {
            // inet_shutdown: an unconnected datagram socket is TCP_CLOSE.
            return err(Errno::ENOTCONN, "socket not connected");
        }
        Ok(())
    }

    /// The next datagram's length (FIONREAD on UDP: `first_packet_length`).
    pub(super) fn udp_next_len(&mut self, id: u64) -> usize {
        let Some(super::stack::Entry {
            proto: Proto::Udp(u),
            ..
        }) = self.entries.get(&id)
        else {
            return 0;
        };
        let socks = u.socks.clone();
        for (w, h) in socks {
            if let Ok((p, _)) = self.ifs.set(w).get_mut::<udp::Socket<'static>>(h).peek() {
                return p.len();
            }
        }
        0
    }

    /// getsockname(2) of UDP entry `id`: the bound address, or for a
    /// connected wildcard socket the source address the route picks.
    pub(super) fn udp_local(&mut self, id: u64) -> SysResult<(Option<IpAddress>, u16)> {
        let (u, _, _) = udp_of!(self, id);
        let Some((b, port)) = u.bound else {
            return Ok((None, 0));
        };
        if let (None, Some(p)) = (b.addr, u.peer) {
            if let Ok(w) = self.ifs.route(p.addr) {
                let (iface, _) = self.ifs.parts(w);
                return Ok((iface.get_source_address(&p.addr), port));
            }
        }
        Ok((b.addr, port))
    }

    /// getpeername(2) of UDP entry `id`.
    pub(super) fn udp_peer(&mut self, id: u64) -> SysResult<SockAddr> {
        let (u, _, domain) = udp_of!(self, id);
        match u.peer {
            Some(p) => Ok(super::endpoint::to_sockaddr(domain, Some(p.addr), p.port)),
            None => Err(SysError::new(Errno::ENOTCONN, "not connected")),
        }
    }
}

/// connect/sendto to the wildcard address reaches the local host.
fn local_any(domain: i32) -> IpAddress {
    if domain == AF_INET6 {
        IpAddress::Ipv6(core::net::Ipv6Addr::LOCALHOST)
    } else {
        IpAddress::v4(127, 0, 0, 1)
    }
}
