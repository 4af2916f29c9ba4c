//! The interface query: [`Net::interfaces`] describes `lo` and the NIC
//! (`eth0`) as `net::iface::Interface` values, plain data read from the
//! smoltcp interfaces so that rtnetlink and the SIOCGIF* ioctls never see
//! a smoltcp type. Read-only: it takes the stack lock without running the
//! stack. Neighbours: `stack` (the interfaces), `net::iface`.

use alloc::vec::Vec;
use core::net::IpAddr;

use smoltcp::wire::{HardwareAddress, IpCidr};

use super::stack::Net;
use crate::net::iface::{
    IfAddr, Interface, ARPHRD_ETHER, ARPHRD_LOOPBACK, IFF_BROADCAST, IFF_LOOPBACK, IFF_LOWER_UP,
    IFF_MULTICAST, IFF_RUNNING, IFF_UP,
};

/// lo's MTU as Linux reports it. smoltcp's loopback device takes 65535
/// (its largest); programs compare the value, not the packet size.
const LO_MTU: u32 = 65_536;

fn plain(c: &IpCidr) -> IfAddr {
    let addr = match c {
        IpCidr::Ipv4(c) => IpAddr::V4(c.address()),
        IpCidr::Ipv6(c) => IpAddr::V6(c.address()),
    };
    IfAddr {
        addr,
        prefix: c.prefix_len(),
    }
}

/// Orders addresses as Linux dumps them: IPv4 first, then IPv6 by scope
/// (global before link-local, addrconf's `ipv6_link_dev_addr` order).
fn sorted(mut v: Vec<IfAddr>) -> Vec<IfAddr> {
    v.sort_by_key(|a| (a.addr.is_ipv6(), a.scope()));
    v
}

impl Net {
    /// Returns the interfaces: `lo` (index 1: its loopback addresses,
    /// not the NIC's own ones smoltcp also keeps there) and, once a NIC is
    /// attached, `eth0` (index 2: its MAC, MTU and every configured
    /// address, including the IPv6 link-local one).
    pub fn interfaces(&self) -> Vec<Interface> {
        self.look(|s| {
            let lo_addrs = s
                .ifs
                .lo
                .iface
                .ip_addrs()
                .iter()
                .map(plain)
                .filter(|a| a.addr.is_loopback())
                .collect();
            let mut v = alloc::vec![Interface {
                index: 1,
                name: "lo",
                flags: IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP,
                hw_type: ARPHRD_LOOPBACK,
                mac: [0; 6],
                mtu: LO_MTU,
                broadcast: false,
                addrs: sorted(lo_addrs),
            }];
            if let Some(n) = &s.ifs.nic {
                let mac = match n.ifc.iface.hardware_addr() {
                    HardwareAddress::Ethernet(e) => e.0,
                    #[allow(unreachable_patterns)]
                    _ => [0; 6],
                };
                let addrs = n.ifc.iface.ip_addrs().iter().map(plain).collect();
                v.push(Interface {
                    index: 2,
                    name: "eth0",
                    flags: IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST | IFF_LOWER_UP,
                    hw_type: ARPHRD_ETHER,
                    mac,
                    mtu: u32::try_from(n.ifc.dev.mtu).unwrap_or(u32::MAX),
                    broadcast: true,
                    addrs: sorted(addrs),
                });
            }
            v
        })
    }
}
