//! Addresses at the inet boundary: `SockAddr` to smoltcp addresses and
//! back (ipv6(7): an AF_INET6 socket names IPv4 peers as v4-mapped
//! `::ffff:a.b.c.d` unless IPV6_V6ONLY), and [`Bind`], what a socket is
//! bound to, with the overlap rule EADDRINUSE checks use. Neighbours:
//! `stack` (ports table), `tcp`, `udp`.

use core::net::{Ipv4Addr, Ipv6Addr};

use smoltcp::wire::IpAddress;

use crate::errno::{Errno, SysResult};
use crate::net::addr::SockAddr;
use crate::net::socket::AF_INET6;
use crate::vfs::error::err;

/// A local address as bound: a specific address, or the wildcard of a
/// family (`v4`/`v6` say which versions the wildcard covers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bind {
    /// The address; `None` is INADDR_ANY / in6addr_any.
    pub addr: Option<IpAddress>,
    /// The wildcard takes IPv4 traffic.
    pub v4: bool,
    /// The wildcard takes IPv6 traffic.
    pub v6: bool,
}

impl Bind {
    /// The wildcard of a socket of `domain` (with `v6only` for AF_INET6).
    pub fn any(domain: i32, v6only: bool) -> Bind {
        if domain == AF_INET6 {
            Bind {
                addr: None,
                v4: !v6only,
                v6: true,
            }
        } else {
            Bind {
                addr: None,
                v4: true,
                v6: false,
            }
        }
    }

    /// Tells whether the two bindings can receive the same packet
    /// (inet_bind_conflict: the same address, or a wildcard covering it).
    pub fn overlaps(&self, o: &Bind) -> bool {
        match (self.addr, o.addr) {
            (Some(a), Some(b)) => a == b,
            (None, Some(b)) => self.covers(b),
            (Some(a), None) => o.covers(a),
            (None, None) => (self.v4 && o.v4) || (self.v6 && o.v6),
        }
    }

    /// Tells whether this binding takes traffic for `a`.
    pub fn covers(&self, a: IpAddress) -> bool {
        match self.addr {
            Some(x) => x == a,
            None => match a {
                IpAddress::Ipv4(_) => self.v4,
                IpAddress::Ipv6(_) => self.v6,
            },
        }
    }
}

/// Parses a socket address given to a socket of `domain`: the address
/// (`None` for the wildcard; v4-mapped IPv6 becomes IPv4) and the port.
///
/// # Errors
/// EAFNOSUPPORT for another family (inet_bind/inet6_bind); EINVAL for a
/// v4-mapped address on an IPV6_V6ONLY socket.
pub(super) fn parse(
    domain: i32,
    v6only: bool,
    a: &SockAddr,
) -> SysResult<(Option<IpAddress>, u16)> {
    match (domain == AF_INET6, a) {
        (false, SockAddr::Inet { addr, port }) => {
            let ip = Ipv4Addr::from(*addr);
            Ok(((!ip.is_unspecified()).then_some(IpAddress::Ipv4(ip)), *port))
        }
        (true, SockAddr::Inet6 { addr, port, .. }) => {
            let ip = Ipv6Addr::from(*addr);
            if let Some(v4) = ip.to_ipv4_mapped() {
                if v6only {
                    return err(Errno::EINVAL, "v4-mapped address on an IPV6_V6ONLY socket");
                }
                return Ok((Some(IpAddress::Ipv4(v4)), *port));
            }
            Ok(((!ip.is_unspecified()).then_some(IpAddress::Ipv6(ip)), *port))
        }
        _ => err(
            Errno::EAFNOSUPPORT,
            "address family does not match the socket",
        ),
    }
}

/// Builds the `SockAddr` a socket of `domain` reports for `addr:port`
/// (`None` is the wildcard).
pub(super) fn to_sockaddr(domain: i32, addr: Option<IpAddress>, port: u16) -> SockAddr {
    if domain == AF_INET6 {
        let a = match addr {
            Some(IpAddress::Ipv4(v4)) => v4.to_ipv6_mapped().octets(),
            Some(IpAddress::Ipv6(v6)) => v6.octets(),
            None => [0; 16],
        };
        SockAddr::Inet6 {
            addr: a,
            port,
            flowinfo: 0,
            scope_id: 0,
        }
    } else {
        let a = match addr {
            Some(IpAddress::Ipv4(v4)) => v4.octets(),
            // An AF_INET socket never holds an IPv6 address.
            _ => [0; 4],
        };
        SockAddr::Inet { addr: a, port }
    }
}

/// Tells whether `a` is a loopback address (127.0.0.0/8, ::1).
pub(super) fn is_loopback(a: IpAddress) -> bool {
    match a {
        IpAddress::Ipv4(v4) => v4.is_loopback(),
        IpAddress::Ipv6(v6) => v6.is_loopback(),
    }
}
