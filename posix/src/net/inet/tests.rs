//! Host tests of the inet layer on in-memory interfaces: loopback TCP and
//! UDP (`tests/lo_tcp.rs`, `tests/lo_udp.rs`), a NIC wired to a second
//! smoltcp stack or a fake DHCP server (`tests/nic.rs`), the process hooks
//! and /etc files (`tests/hooks.rs`). Helpers here.

mod csum;
mod hooks;
mod lo_tcp;
mod lo_udp;
mod nic;

use alloc::sync::Arc;

use rumprun_config::net::NetConfig;

use super::object::InetSocket;
use super::stack::Net;
use crate::errno::Errno;
use crate::fd::FileOps;
use crate::net::addr::SockAddr;
use crate::net::socket::{AF_INET, SOCK_DGRAM, SOCK_STREAM};
use crate::net::Socket;
use crate::vfs::etc::EtcConfig;
use crate::wait::WaitHub;

/// A stack and its hub (the syscall clock).
pub(super) struct T {
    pub hub: Arc<WaitHub>,
    pub net: Arc<Net>,
    pub etc: EtcConfig,
}

impl T {
    /// A stack with loopback only.
    pub fn new() -> T {
        T::with_cfg(NetConfig::default())
    }

    /// A stack whose NIC (attached later) follows `cfg`.
    pub fn with_cfg(cfg: NetConfig) -> T {
        let hub = WaitHub::new();
        hub.set_now(1_000_000_000);
        let etc = EtcConfig::new("box", 0, 0);
        let net = Net::new(&hub, "box", cfg, etc.net.clone());
        T { hub, net, etc }
    }

    /// Advances the clock by `ms` and runs the stack as the timer would.
    pub fn tick(&self, ms: u64) {
        self.hub.set_now(self.hub.now_ns() + ms * 1_000_000);
        let _ = self.net.poll(self.hub.now_ns());
    }

    /// A nonblocking socket.
    pub fn sock(&self, domain: i32, ty: i32) -> Arc<InetSocket> {
        InetSocket::new(&self.net, domain, ty, true)
    }

    /// A nonblocking AF_INET TCP socket.
    pub fn tcp4(&self) -> Arc<InetSocket> {
        self.sock(AF_INET, SOCK_STREAM)
    }

    /// A nonblocking AF_INET UDP socket.
    pub fn udp4(&self) -> Arc<InetSocket> {
        self.sock(AF_INET, SOCK_DGRAM)
    }

    /// A listener on 127.0.0.1:`port` (0: ephemeral); returns it and its port.
    pub fn listener(&self, port: u16, backlog: u32) -> (Arc<InetSocket>, u16) {
        let l = self.tcp4();
        l.bind_to(&a4([127, 0, 0, 1], port)).unwrap();
        l.listen(backlog).unwrap();
        let p = port_of(&l.local_addr().unwrap());
        (l, p)
    }

    /// A connected pair over loopback: (client, accepted server side).
    pub fn pair(&self) -> (Arc<InetSocket>, Arc<dyn FileOps>, Arc<InetSocket>) {
        let (l, port) = self.listener(0, 8);
        let c = self.tcp4();
        c.connect_to(&a4([127, 0, 0, 1], port)).unwrap();
        let (s, _) = l.accept(true).unwrap();
        assert_eq!(c.finish_connect(), Some(Ok(())));
        (c, s, l)
    }
}

/// An AF_INET address.
pub(super) fn a4(addr: [u8; 4], port: u16) -> SockAddr {
    SockAddr::Inet { addr, port }
}

/// The port of an inet address.
pub(super) fn port_of(a: &SockAddr) -> u16 {
    match a {
        SockAddr::Inet { port, .. } | SockAddr::Inet6 { port, .. } => *port,
        _ => panic!("not inet: {a:?}"),
    }
}

/// The poll mask of an object.
pub(super) fn mask(f: &dyn FileOps) -> u32 {
    u32::from(f.poll().0)
}

/// The errno of a failed result.
pub(super) fn errno<T: core::fmt::Debug>(r: crate::errno::SysResult<T>) -> Errno {
    r.expect_err("expected an error").errno
}

/// The socket side of an object.
pub(super) fn so(f: &Arc<dyn FileOps>) -> &dyn Socket {
    f.as_socket().expect("a socket")
}
