//! AF_NETLINK sockets of protocol NETLINK_ROUTE (netlink(7),
//! rtnetlink(7)): enough rtnetlink for programs to enumerate interfaces
//! (musl's getifaddrs and if_nameindex, Go's net.Interfaces, libuv).
//!
//! - [`socket`] makes one (the syscall layer calls it for
//!   `socket(AF_NETLINK, SOCK_RAW|SOCK_DGRAM, NETLINK_ROUTE)`);
//!   `sock::NetlinkSocket` is the open file: datagrams in, datagrams out,
//!   with Linux's port ids, dump pacing and error messages.
//! - [`Ports`] is the per-process table of bound port ids (`Files::netlink`),
//!   so ids are unique and one socket can send to another.
//! - `rtnl` answers requests to the kernel (port 0) from the interface
//!   list `net::inet::Net::interfaces` gives; `msg` encodes the messages.
//!
//! Not kept: multicast notifications (groups are accepted, nothing is
//! ever broadcast: the interfaces do not change once the program runs),
//! control messages (NETLINK_PKTINFO), protocols other than
//! NETLINK_ROUTE.

pub mod msg;
pub mod rtnl;
mod sock;

#[cfg(test)]
mod tests;

use alloc::collections::BTreeMap;
use alloc::sync::{Arc, Weak};

use spin::Mutex;

pub use sock::NetlinkSocket;

use crate::errno::{Errno, SysResult};
use crate::fd::FileOps;
use crate::net::inet::Net;
use crate::net::socket::SOCK_DGRAM;
use crate::vfs::error::err;
use crate::wait::WaitHub;

pub use crate::net::addr::AF_NETLINK;
/// `SOCK_RAW`.
pub const SOCK_RAW: i32 = 3;
/// `NETLINK_ROUTE`.
pub const NETLINK_ROUTE: i32 = 0;
/// `MAX_LINKS`: protocols are 0..32.
const MAX_LINKS: i32 = 32;
/// The process's pid, the first port id autobind tries (Linux uses the
/// thread group id).
const OWN_PID: u32 = 1;

/// The port ids bound in this process (Linux keeps them per network
/// namespace): each maps to its socket, so a datagram sent to a port
/// reaches it. Shared by `Arc`; a socket removes its id when closed.
#[derive(Clone, Default)]
pub struct Ports(Arc<Mutex<PortTable>>);

/// The table behind [`Ports`].
#[derive(Default)]
struct PortTable {
    bound: BTreeMap<u32, Weak<sock::Shared>>,
    /// The next negative id autobind tries after the pid (`rover`).
    rover: i32,
}

impl core::fmt::Debug for Ports {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("netlink::Ports")
    }
}

impl Ports {
    /// Binds `id` to `s`.
    ///
    /// # Errors
    /// EADDRINUSE if another socket holds it (`netlink_insert`).
    fn insert(&self, id: u32, s: &Arc<sock::Shared>) -> SysResult<()> {
        let mut t = self.0.lock();
        if t.bound.get(&id).is_some_and(|w| w.strong_count() > 0) {
            return err(Errno::EADDRINUSE, "netlink port id in use");
        }
        t.bound.insert(id, Arc::downgrade(s));
        Ok(())
    }

    /// Picks a free id for `s` (`netlink_autobind`): the pid, then
    /// negative ids counting down from -4096.
    fn autobind(&self, s: &Arc<sock::Shared>) -> u32 {
        let mut t = self.0.lock();
        t.bound.retain(|_, w| w.strong_count() > 0);
        let mut id = OWN_PID;
        while t.bound.contains_key(&id) {
            if t.rover > -4096 {
                t.rover = -4096;
            }
            id = t.rover as u32;
            t.rover = t.rover.checked_sub(1).unwrap_or(-4096);
        }
        t.bound.insert(id, Arc::downgrade(s));
        id
    }

    /// Returns the socket bound to `id`, if it is open.
    fn get(&self, id: u32) -> Option<Arc<sock::Shared>> {
        self.0.lock().bound.get(&id).and_then(Weak::upgrade)
    }

    /// Releases `id`.
    fn remove(&self, id: u32) {
        self.0.lock().bound.remove(&id);
    }
}

/// Creates a netlink socket for socket(2): `ty` without the
/// SOCK_NONBLOCK/SOCK_CLOEXEC bits.
///
/// # Errors
/// ESOCKTNOSUPPORT for a type other than SOCK_RAW/SOCK_DGRAM;
/// EPROTONOSUPPORT for a protocol other than NETLINK_ROUTE
/// (`netlink_create`; Linux has more protocols, we serve this one).
pub fn socket(
    hub: &Arc<WaitHub>,
    net: &Arc<Net>,
    ports: &Ports,
    ty: i32,
    protocol: i32,
    nonblock: bool,
) -> SysResult<Arc<dyn FileOps>> {
    if ty != SOCK_RAW && ty != SOCK_DGRAM {
        return err(Errno::ESOCKTNOSUPPORT, "netlink socket type");
    }
    if !(0..MAX_LINKS).contains(&protocol) {
        return err(Errno::EPROTONOSUPPORT, "netlink protocol out of range");
    }
    if protocol != NETLINK_ROUTE {
        return err(
            Errno::EPROTONOSUPPORT,
            "netlink protocol other than NETLINK_ROUTE",
        );
    }
    Ok(NetlinkSocket::open(hub, net, ports, ty, nonblock))
}
