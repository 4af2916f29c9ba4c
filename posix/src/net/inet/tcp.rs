//! TCP sockets over smoltcp, following Linux's state machine as programs
//! see it (net/ipv4/tcp.c, af_inet.c): a listener keeps one smoltcp socket
//! listening per interface and moves handshaken ones to its accept queue;
//! connect picks the interface (loopback for our own addresses);
//! send/recv/shutdown/close give the errnos of `tcp_sendmsg_locked`,
//! `tcp_recvmsg_locked`, `inet_shutdown` and `tcp_close` (unread data or
//! SO_LINGER 0 resets). smoltcp does not report a RST, so a socket that
//! reaches CLOSED other than through LAST-ACK or TIME-WAIT was reset:
//! ECONNREFUSED from SYN-SENT (ETIMEDOUT once the SYN timeout passed),
//! EPIPE from CLOSE-WAIT, else ECONNRESET (a keep-alive timeout too, where
//! Linux says ETIMEDOUT). Neighbours: `stack`, `ready` (poll bits), `object`.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use smoltcp::iface::SocketHandle;
use smoltcp::socket::tcp::{self, State};
use smoltcp::time::Duration;
use smoltcp::wire::{IpAddress, IpEndpoint, IpListenEndpoint};

use super::endpoint::Bind;
use super::opts::Opts;
use super::stack::{Ifaces, PortUse, Proto, Stack, Which, PROTO_TCP};
use crate::errno::{Errno, SysError, SysResult};
use crate::net::socket::AF_INET6;
use crate::net::Connecting;
use crate::vfs::error::err;

/// How long a SYN goes unanswered before connect gives ETIMEDOUT (about
/// Linux's 127 s with tcp_syn_retries = 6).
pub const SYN_TIMEOUT_S: u64 = 127;
/// How long a closed socket may linger in FIN-WAIT-2 (tcp_fin_timeout 60 s).
const FIN_TIMEOUT_S: u64 = 60;
/// Most half-open connections per listener (SYN-RECEIVED).
const MAX_HALF_OPEN: usize = 256;

/// A connection (connecting, connected, or closed after being connected).
pub(super) struct Conn {
    /// Interface.
    pub w: Which,
    /// smoltcp socket.
    pub h: SocketHandle,
    /// The smoltcp state seen at the last refresh.
    pub prev: State,
    /// connect() is in progress and finish_connect has not said so.
    pub connecting: bool,
    /// When connect started (ns), for ETIMEDOUT.
    pub started_ns: u64,
    /// The connection is over (TCP_CLOSE after `tcp_done`).
    pub finished: bool,
    /// The peer's FIN arrived (SOCK_DONE).
    pub peer_fin: bool,
    /// The local endpoint.
    pub local: IpEndpoint,
    /// The remote endpoint.
    pub remote: IpEndpoint,
}

/// A listening socket.
pub(super) struct Listener {
    /// listen(2)'s backlog (accept queue length bound).
    pub backlog: usize,
    /// The address listened on (`None`: any).
    pub addr: Option<IpAddress>,
    /// The port.
    pub port: u16,
    /// Which versions of connection are accepted.
    pub bind: Bind,
    /// The interfaces listened on.
    pub ifaces: Vec<Which>,
    /// smoltcp sockets listening or mid-handshake.
    pub slots: Vec<(Which, SocketHandle)>,
    /// Established connections waiting for accept.
    pub ready: VecDeque<(Which, SocketHandle)>,
    /// Options new connections start with.
    pub opts: Opts,
}

/// The TCP states as the socket calls see them.
pub(super) enum TcpSt {
    /// TCP_CLOSE, never connected (or listening stopped).
    Closed,
    /// TCP_LISTEN.
    Listen(Listener),
    /// Everything from SYN-SENT on.
    Conn(Conn),
}

/// A TCP socket entry.
pub(super) struct Tcp {
    /// State.
    pub st: TcpSt,
    /// The bound address and port.
    pub bound: Option<(Bind, u16)>,
    /// RCV_SHUTDOWN (peer FIN, SHUT_RD, or the end of the connection).
    pub rcv_shut: bool,
    /// SEND_SHUTDOWN.
    pub snd_shut: bool,
    /// The pending error (SO_ERROR), a positive errno.
    pub err: i32,
}

impl Tcp {
    /// A fresh socket.
    pub fn new() -> Tcp {
        Tcp {
            st: TcpSt::Closed,
            bound: None,
            rcv_shut: false,
            snd_shut: false,
            err: 0,
        }
    }

    /// Takes the pending error as a `SysError`.
    pub fn take_err(&mut self) -> Option<SysError> {
        let e = core::mem::take(&mut self.err);
        (e != 0).then(|| {
            SysError::new(
                Errno::from_number(e).unwrap_or(Errno::EIO),
                "pending socket error",
            )
        })
    }

    /// Ends the socket (its object was dropped), see `Stack::close`.
    pub fn close(
        self,
        ifs: &mut Ifaces,
        zombies: &mut Vec<(Which, SocketHandle)>,
        linger_zero: bool,
    ) {
        match self.st {
            TcpSt::Closed => {}
            TcpSt::Listen(l) => {
                // tcp_close on a listener: queued connections are reset.
                for (w, h) in l.slots.into_iter().chain(l.ready) {
                    ifs.tcp(w, h).abort();
                    zombies.push((w, h));
                }
            }
            TcpSt::Conn(c) => {
                let s = ifs.tcp(c.w, c.h);
                if c.finished || s.state() == State::Closed {
                    ifs.set(c.w).remove(c.h);
                    return;
                }
                // tcp_close: unread data or SO_LINGER with a zero timeout
                // sends a RST instead of a FIN.
                if linger_zero || s.recv_queue() > 0 {
                    s.abort();
                } else {
                    s.close();
                    s.set_timeout(Some(Duration::from_secs(FIN_TIMEOUT_S)));
                }
                zombies.push((c.w, c.h));
            }
        }
    }
}

/// Each buffer of a TCP socket made under memory pressure: eleven
/// segments at MTU 1500, an eighth of the usual 64 KiB.
const PRESSURE_BUF: usize = 16 * 1024;
/// The smallest buffers a new socket is cut down to when the heap cannot
/// give even [`PRESSURE_BUF`]: more than two full segments at MTU 1500
/// (MSS 1460), so TCP still flows, if slowly.
const PRESSURE_MIN_BUF: usize = 4096;

/// Makes a smoltcp TCP socket with `o`'s buffers and options. smoltcp's
/// buffers are fixed rings allocated up front (Linux allocates as data
/// arrives), so memory goes by connections, not by data. As Linux
/// moderates socket buffers under `tcp_mem` pressure
/// (`sk_stream_moderate_sndbuf`, `tcp_clamp_window`), a socket made while
/// the stack's TCP buffers exceed [`Ifaces::tcp_pressure`] gets
/// [`PRESSURE_BUF`] each way (or less if it asked for less), and when the
/// heap cannot hold the buffers they are halved and tried again down to
/// [`PRESSURE_MIN_BUF`]: many connections with small windows rather than
/// refused ones. `None` only when even that fails: a listener then drops
/// the SYN (the peer retries) and connect(2) fails with ENOBUFS, instead
/// of the kernel stopping.
fn new_socket(o: &Opts, ifs: &Ifaces) -> Option<tcp::Socket<'static>> {
    let floor = |want: usize| PRESSURE_MIN_BUF.min(want);
    let (mut rx, mut tx) = (o.rxbuf, o.txbuf);
    if ifs.tcp_buffer_bytes().saturating_add(rx + tx) > ifs.tcp_pressure {
        rx = rx.min(PRESSURE_BUF);
        tx = tx.min(PRESSURE_BUF);
    }
    let (rb, tb) = loop {
        // The receive buffer is dropped again if the send buffer fails.
        if let Some(rb) = super::try_zeroed(rx) {
            if let Some(tb) = super::try_zeroed(tx) {
                break (rb, tb);
            }
        }
        if rx <= floor(o.rxbuf) && tx <= floor(o.txbuf) {
            return None;
        }
        rx = (rx / 2).max(floor(o.rxbuf));
        tx = (tx / 2).max(floor(o.txbuf));
    };
    let mut s = tcp::Socket::new(tcp::SocketBuffer::new(rb), tcp::SocketBuffer::new(tb));
    o.apply_tcp(&mut s);
    Some(s)
}

impl Listener {
    /// Moves handshaken connections to the accept queue, keeps one socket
    /// listening per interface, and asks the devices to drop SYNs while
    /// the accept queue is full (`sk_acceptq_is_full`: more than backlog).
    pub fn maintain(
        &mut self,
        ifs: &mut Ifaces,
        zombies: &mut Vec<(Which, SocketHandle)>,
        _domain: i32,
    ) {
        let mut i = 0;
        while i < self.slots.len() {
            let (w, h) = self.slots[i];
            let s = ifs.tcp(w, h);
            match s.state() {
                State::Listen | State::SynReceived => i += 1,
                State::Closed => {
                    ifs.set(w).remove(h);
                    self.slots.swap_remove(i);
                }
                _ => {
                    self.slots.swap_remove(i);
                    let ok = s
                        .remote_endpoint()
                        .is_some_and(|r| self.bind.covers_version(r.addr));
                    if ok {
                        self.ready.push_back((w, h));
                    } else {
                        // A wildcard smoltcp listener takes both IP
                        // versions; the other family's connection is reset.
                        s.abort();
                        zombies.push((w, h));
                    }
                }
            }
        }
        for &w in &self.ifaces {
            if w == Which::Nic && ifs.nic.is_none() {
                continue;
            }
            let listening = self
                .slots
                .iter()
                .any(|&(sw, h)| sw == w && ifs.tcp(sw, h).state() == State::Listen);
            if !listening {
                let Some(mut s) = new_socket(&self.opts, ifs) else {
                    continue;
                };
                if s.listen(IpListenEndpoint {
                    addr: self.addr,
                    port: self.port,
                })
                .is_ok()
                {
                    let h = ifs.set(w).add(s);
                    self.slots.push((w, h));
                }
            }
        }
        let half = self
            .slots
            .iter()
            .filter(|&&(w, h)| ifs.tcp(w, h).state() == State::SynReceived)
            .count();
        if self.ready.len() > self.backlog || half >= MAX_HALF_OPEN {
            ifs.lo.dev.drop_syn.insert(self.port);
            if let Some(n) = ifs.nic.as_mut() {
                n.ifc.dev.drop_syn.insert(self.port);
            }
        }
    }
}

impl Bind {
    /// Tells whether a connection with a peer at `a` suits a socket bound
    /// like this (AF_INET takes IPv4, IPV6_V6ONLY takes IPv6 only).
    pub fn covers_version(&self, a: IpAddress) -> bool {
        match a {
            IpAddress::Ipv4(_) => self.v4,
            IpAddress::Ipv6(_) => self.v6,
        }
    }
}

/// Returns the TCP state of entry `id` (see `entry_of!` in inet/mod.rs).
macro_rules! tcp_of {
    ($s:expr, $id:expr) => {
        entry_of!($s, $id, Tcp)
    };
}

impl Stack {
    /// Checks that `addr` is one of ours (bind(2): EADDRNOTAVAIL "A
    /// nonexistent interface was requested or the requested address was
    /// not local").
    pub(super) fn check_local(&self, addr: Option<IpAddress>) -> SysResult<()> {
        match addr {
            Some(a) if !self.ifs.is_local(a) => err(Errno::EADDRNOTAVAIL, "address not local"),
            _ => Ok(()),
        }
    }

    /// bind(2) for TCP entry `id`.
    pub(super) fn tcp_bind(
        &mut self,
        id: u64,
        addr: Option<IpAddress>,
        port: u16,
        reuseaddr: bool,
        reuseport: bool,
    ) -> SysResult<()> {
        self.check_local(addr)?;
        let (t, opts, domain) = tcp_of!(self, id);
        if t.bound.is_some() || !matches!(t.st, TcpSt::Closed) {
            return err(Errno::EINVAL, "socket already bound");
        }
        let mut bind = Bind::any(domain, opts.v6only);
        bind.addr = addr;
        let port = self.take_port(
            PROTO_TCP,
            port,
            PortUse::bound(id, bind, reuseaddr, reuseport),
        )?;
        let (t, _, _) = tcp_of!(self, id);
        t.bound = Some((bind, port));
        Ok(())
    }

    /// listen(2) for TCP entry `id`.
    pub(super) fn tcp_listen(
        &mut self,
        id: u64,
        backlog: u32,
        reuseaddr: bool,
        reuseport: bool,
    ) -> SysResult<()> {
        let (t, _, _) = tcp_of!(self, id);
        match &mut t.st {
            TcpSt::Listen(l) => {
                l.backlog = usize::try_from(backlog).unwrap_or(usize::MAX);
                return Ok(());
            }
            TcpSt::Conn(_) => return err(Errno::EINVAL, "listen on a connected socket"),
            TcpSt::Closed => {}
        }
        if t.bound.is_none() {
            self.tcp_bind(id, None, 0, reuseaddr, reuseport)?;
        }
        let (t, opts, _) = tcp_of!(self, id);
        let Some((bind, port)) = t.bound else {
            return err(Errno::EINVAL, "unbound");
        };
        let opts = opts.clone();
        let me = PortUse {
            id,
            bind,
            reuseaddr,
            reuseport,
            listening: true,
        };
        if !self.port_free(PROTO_TCP, port, &me) {
            return err(Errno::EADDRINUSE, "another socket listens on the port");
        }
        let l = Listener {
            backlog: usize::try_from(backlog).unwrap_or(usize::MAX),
            addr: bind.addr,
            port,
            bind,
            ifaces: self.ifs.for_bind(bind.addr),
            slots: Vec::new(),
            ready: VecDeque::new(),
            opts,
        };
        let (t, _, _) = tcp_of!(self, id);
        t.st = TcpSt::Listen(l);
        self.set_listening(PROTO_TCP, port, id, true);
        self.listeners.insert(id);
        Ok(())
    }

    /// accept(2): takes a queued connection; returns its entry pieces.
    pub(super) fn tcp_accept(&mut self, id: u64) -> SysResult<(Tcp, Opts, IpEndpoint)> {
        let now = self.now_ns;
        let (t, _, _) = tcp_of!(self, id);
        let TcpSt::Listen(l) = &mut t.st else {
            return err(Errno::EINVAL, "accept on a socket that does not listen");
        };
        let Some((w, h)) = l.ready.pop_front() else {
            return err(Errno::EAGAIN, "no connection waiting");
        };
        let opts = l.opts.clone();
        let s = self.ifs.tcp(w, h);
        let remote = s
            .remote_endpoint()
            .unwrap_or(IpEndpoint::new(IpAddress::v4(0, 0, 0, 0), 0));
        let local = s
            .local_endpoint()
            .unwrap_or(IpEndpoint::new(IpAddress::v4(0, 0, 0, 0), 0));
        let conn = Conn {
            w,
            h,
            prev: State::Established,
            connecting: false,
            started_ns: now,
            finished: false,
            peer_fin: false,
            local,
            remote,
        };
        let mut nt = Tcp::new();
        nt.st = TcpSt::Conn(conn);
        Ok((nt, opts, remote))
    }

    /// connect(2) for TCP entry `id` to `dst:port`.
    pub(super) fn tcp_connect(
        &mut self,
        id: u64,
        dst: Option<IpAddress>,
        port: u16,
        reuseaddr: bool,
        reuseport: bool,
    ) -> SysResult<Connecting> {
        let now = self.now_ns;
        let (t, _, domain) = tcp_of!(self, id);
        match &mut t.st {
            TcpSt::Listen(_) => return err(Errno::EISCONN, "connect on a listening socket"),
            TcpSt::Conn(c) if !c.finished => {
                if matches!(c.prev, State::SynSent | State::SynReceived) {
                    return err(Errno::EALREADY, "connect already in progress");
                }
                if c.connecting {
                    // inet_stream_connect: the first connect after a
                    // nonblocking one completed reports success.
                    c.connecting = false;
                    return Ok(Connecting::Done);
                }
                return err(Errno::EISCONN, "already connected");
            }
            TcpSt::Conn(c) => {
                let (w, h) = (c.w, c.h);
                if let Some(e) = t.take_err() {
                    return Err(e);
                }
                self.ifs.set(w).remove(h);
                let (t, _, _) = tcp_of!(self, id);
                t.st = TcpSt::Closed;
                t.rcv_shut = false;
                t.snd_shut = false;
            }
            TcpSt::Closed => {}
        }
        // connect(2) to INADDR_ANY / in6addr_any reaches the local host.
        let dst = dst.unwrap_or(if domain == AF_INET6 {
            IpAddress::Ipv6(core::net::Ipv6Addr::LOCALHOST)
        } else {
            IpAddress::v4(127, 0, 0, 1)
        });
        if port == 0 {
            return err(Errno::ECONNREFUSED, "connect to port 0");
        }
        let w = self.ifs.route(dst)?;
        let (t, _, _) = tcp_of!(self, id);
        let (laddr, lport) = match t.bound {
            Some((b, p)) => (b.addr, p),
            None => {
                let (iface, _) = self.ifs.parts(w);
                let Some(src) = iface.get_source_address(&dst) else {
                    return err(Errno::ENETUNREACH, "no source address for the destination");
                };
                let bind = Bind {
                    addr: Some(src),
                    v4: true,
                    v6: true,
                };
                let p =
                    self.take_port(PROTO_TCP, 0, PortUse::bound(id, bind, reuseaddr, reuseport))?;
                let (t, _, _) = tcp_of!(self, id);
                t.bound = Some((bind, p));
                (None, p)
            }
        };
        let (_, opts, _) = tcp_of!(self, id);
        let Some(mut s) = new_socket(opts, &self.ifs) else {
            return err(Errno::ENOBUFS, "no kernel memory for the socket buffers");
        };
        s.set_timeout(Some(Duration::from_secs(SYN_TIMEOUT_S)));
        let (iface, set) = self.ifs.parts(w);
        match s.connect(
            iface.context(),
            IpEndpoint::new(dst, port),
            IpListenEndpoint {
                addr: laddr,
                port: lport,
            },
        ) {
            Ok(()) => {}
            Err(tcp::ConnectError::InvalidState) => return err(Errno::EISCONN, "socket busy"),
            Err(tcp::ConnectError::Unaddressable) => {
                return err(Errno::ENETUNREACH, "destination unreachable")
            }
        }
        let local = s.local_endpoint().unwrap_or(IpEndpoint::new(dst, lport));
        let h = set.add(s);
        let (t, _, _) = tcp_of!(self, id);
        t.st = TcpSt::Conn(Conn {
            w,
            h,
            prev: State::SynSent,
            connecting: true,
            started_ns: now,
            finished: false,
            peer_fin: false,
            local,
            remote: IpEndpoint::new(dst, port),
        });
        Ok(Connecting::InProgress)
    }

    /// The outcome of connect for entry `id` (see `Socket::finish_connect`).
    pub(super) fn tcp_finish_connect(&mut self, id: u64) -> Option<SysResult<()>> {
        let Some(super::stack::Entry {
            proto: Proto::Tcp(t),
            ..
        }) = self.entries.get_mut(&id)
        else {
            return Some(err(Errno::ENOTSOCK, "stale inet socket"));
        };
        let TcpSt::Conn(c) = &mut t.st else {
            return Some(t.take_err().map_or(Ok(()), Err));
        };
        if c.finished {
            c.connecting = false;
            let e = t
                .take_err()
                .unwrap_or(SysError::new(Errno::ECONNREFUSED, "connection failed"));
            return Some(Err(e));
        }
        if matches!(c.prev, State::SynSent | State::SynReceived) {
            return None;
        }
        c.connecting = false;
        Some(Ok(()))
    }

    /// send(2) on TCP entry `id`.
    pub(super) fn tcp_send(&mut self, id: u64, data: &[u8]) -> SysResult<usize> {
        let (t, _, _) = tcp_of!(self, id);
        let TcpSt::Conn(c) = &t.st else {
            // sk_stream_wait_connect: the pending error, else EPIPE.
            return Err(t
                .take_err()
                .unwrap_or(SysError::new(Errno::EPIPE, "not connected")));
        };
        let (w, h, finished, prev) = (c.w, c.h, c.finished, c.prev);
        if finished || t.snd_shut {
            return Err(t.take_err().unwrap_or(SysError::new(
                Errno::EPIPE,
                "connection shut down for writing",
            )));
        }
        if matches!(prev, State::SynSent | State::SynReceived) {
            return err(Errno::EAGAIN, "connect in progress");
        }
        if data.is_empty() {
            return Ok(0);
        }
        match self.ifs.tcp(w, h).send_slice(data) {
            Ok(0) => err(Errno::EAGAIN, "send buffer full"),
            Ok(n) => Ok(n),
            Err(_) => err(Errno::EPIPE, "connection closed"),
        }
    }

    /// recv(2) on TCP entry `id` (`peek`: MSG_PEEK).
    pub(super) fn tcp_recv(&mut self, id: u64, buf: &mut [u8], peek: bool) -> SysResult<usize> {
        let (t, _, _) = tcp_of!(self, id);
        let TcpSt::Conn(c) = &t.st else {
            return Err(t
                .take_err()
                .unwrap_or(SysError::new(Errno::ENOTCONN, "not connected")));
        };
        let (w, h, finished, peer_fin, prev) = (c.w, c.h, c.finished, c.peer_fin, c.prev);
        let s = self.ifs.tcp(w, h);
        if s.recv_queue() > 0 {
            if buf.is_empty() {
                return Ok(0);
            }
            let r = if peek {
                s.peek_slice(buf)
            } else {
                s.recv_slice(buf)
            };
            return Ok(r.unwrap_or(0));
        }
        // tcp_recvmsg_locked with nothing copied: SOCK_DONE, sk_err,
        // RCV_SHUTDOWN, TCP_CLOSE, then EAGAIN.
        if peer_fin {
            return Ok(0);
        }
        if let Some(e) = t.take_err() {
            return Err(e);
        }
        if t.rcv_shut {
            return Ok(0);
        }
        if finished {
            return err(Errno::ENOTCONN, "connection closed");
        }
        let _ = prev;
        err(Errno::EAGAIN, "no data")
    }

    /// shutdown(2) on TCP entry `id`.
    pub(super) fn tcp_shutdown(&mut self, id: u64, rd: bool, wr: bool) -> SysResult<()> {
        let (t, _, _) = tcp_of!(self, id);
        match &mut t.st {
            TcpSt::Closed => {
                // inet_shutdown: TCP_CLOSE is ENOTCONN (the bits are set anyway).
                t.rcv_shut |= rd;
                t.snd_shut |= wr;
                err(Errno::ENOTCONN, "socket not connected")
            }
            TcpSt::Listen(_) => {
                if rd {
                    let TcpSt::Listen(l) = core::mem::replace(&mut t.st, TcpSt::Closed) else {
                        return Ok(());
                    };
                    let port = l.port;
                    for (w, h) in l.slots.into_iter().chain(l.ready) {
                        self.ifs.tcp(w, h).abort();
                        self.zombies.push((w, h));
                    }
                    self.listeners.remove(&id);
                    self.set_listening(PROTO_TCP, port, id, false);
                }
                Ok(())
            }
            TcpSt::Conn(c) if c.finished => {
                t.rcv_shut |= rd;
                t.snd_shut |= wr;
                err(Errno::ENOTCONN, "socket not connected")
            }
            TcpSt::Conn(c) => {
                let (w, h) = (c.w, c.h);
                if matches!(c.prev, State::SynSent) {
                    // inet_shutdown in SYN_SENT disconnects.
                    c.finished = true;
                    c.connecting = false;
                    t.rcv_shut = true;
                    t.snd_shut = true;
                    self.ifs.tcp(w, h).abort();
                    return Ok(());
                }
                t.rcv_shut |= rd;
                if wr && !t.snd_shut {
                    t.snd_shut = true;
                    let s = self.ifs.tcp(w, h);
                    s.close();
                    // CLOSE-WAIT becomes LAST-ACK here, not by a packet:
                    // a later CLOSED is then the graceful end.
                    c.prev = s.state();
                }
                Ok(())
            }
        }
    }

    /// Brings every connection's flags up to date with its smoltcp state:
    /// peer FIN (RCV_SHUTDOWN), reset/refusal/timeout (`tcp_reset`,
    /// `tcp_write_err`: the error and TCP_CLOSE).
    pub(super) fn refresh_tcp(&mut self) {
        let now = self.now_ns;
        for e in self.entries.values_mut() {
            let Proto::Tcp(t) = &mut e.proto else {
                continue;
            };
            let TcpSt::Conn(c) = &mut t.st else { continue };
            if c.finished {
                continue;
            }
            let s = self.ifs.tcp(c.w, c.h);
            let st = s.state();
            if st == c.prev {
                continue;
            }
            match st {
                State::Closed => {
                    let we_shut = t.snd_shut;
                    c.finished = true;
                    t.rcv_shut = true;
                    t.snd_shut = true;
                    t.err = match c.prev {
                        State::LastAck | State::TimeWait | State::Closing => 0,
                        State::CloseWait if we_shut => 0,
                        State::SynSent | State::SynReceived => {
                            if now >= c.started_ns + SYN_TIMEOUT_S * 1_000_000_000 {
                                Errno::ETIMEDOUT as i32
                            } else {
                                Errno::ECONNREFUSED as i32
                            }
                        }
                        State::CloseWait => Errno::EPIPE as i32,
                        _ => Errno::ECONNRESET as i32,
                    };
                }
                State::CloseWait | State::LastAck | State::Closing | State::TimeWait => {
                    c.peer_fin = true;
                    t.rcv_shut = true;
                }
                _ => {}
            }
            if matches!(c.prev, State::SynSent | State::SynReceived) && st != State::Closed {
                // Established: the SYN timeout no longer applies.
                e.opts.apply_tcp(s);
                if let Some(l) = s.local_endpoint() {
                    c.local = l;
                }
            }
            c.prev = st;
        }
    }
}
