//! The network interfaces as plain data: what rtnetlink (`net::netlink`)
//! and the SIOCGIF* ioctls (`sys/ioctl_if.rs`) report. `net::inet`
//! produces the list (`Net::interfaces`) from its smoltcp interfaces, so
//! no smoltcp type reaches the readers. Interfaces: `lo` (index 1) and,
//! once a NIC is attached, `eth0` (index 2). Flag values: linux/if.h.

use alloc::vec::Vec;
use core::net::IpAddr;

/// `IFF_UP`.
pub const IFF_UP: u32 = 0x1;
/// `IFF_BROADCAST`.
pub const IFF_BROADCAST: u32 = 0x2;
/// `IFF_LOOPBACK`.
pub const IFF_LOOPBACK: u32 = 0x8;
/// `IFF_RUNNING`.
pub const IFF_RUNNING: u32 = 0x40;
/// `IFF_MULTICAST`.
pub const IFF_MULTICAST: u32 = 0x1000;
/// `IFF_LOWER_UP` (netlink only: SIOCGIFFLAGS keeps the low 16 bits).
pub const IFF_LOWER_UP: u32 = 0x1_0000;

/// `ARPHRD_ETHER` (linux/if_arp.h).
pub const ARPHRD_ETHER: u16 = 1;
/// `ARPHRD_LOOPBACK`.
pub const ARPHRD_LOOPBACK: u16 = 772;

/// The `txqueuelen` Linux gives both lo and a virtio NIC.
pub const TXQLEN: u32 = 1000;

/// An interface address with its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfAddr {
    /// The address.
    pub addr: IpAddr,
    /// The prefix length (netmask bits).
    pub prefix: u8,
}

impl IfAddr {
    /// Returns the IPv4 netmask of the prefix (0 for IPv6).
    pub fn netmask_v4(&self) -> [u8; 4] {
        let p = u32::from(self.prefix.min(32));
        let m = if p == 0 { 0 } else { u32::MAX << (32 - p) };
        m.to_be_bytes()
    }

    /// Returns the RT_SCOPE_* of the address (linux/rtnetlink.h): host for
    /// loopback addresses, link for IPv6 link-local, else universe.
    pub fn scope(&self) -> u8 {
        match self.addr {
            IpAddr::V4(a) if a.is_loopback() => 254,
            IpAddr::V6(a) if a.is_loopback() => 254,
            IpAddr::V6(a) if a.is_unicast_link_local() => 253,
            _ => 0,
        }
    }
}

/// One network interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// The interface index (`if_nametoindex`).
    pub index: u32,
    /// The name: `lo` or `eth0`.
    pub name: &'static str,
    /// `IFF_*` as netlink reports them (with IFF_LOWER_UP).
    pub flags: u32,
    /// `ARPHRD_*`.
    pub hw_type: u16,
    /// The hardware address (zeros for lo, as Linux shows it).
    pub mac: [u8; 6],
    /// The MTU.
    pub mtu: u32,
    /// Whether the interface has an IPv4 broadcast address (not lo).
    pub broadcast: bool,
    /// The addresses, IPv4 before IPv6.
    pub addrs: Vec<IfAddr>,
}

impl Interface {
    /// Returns the IPv4 broadcast address of `a` on this interface, if
    /// the interface has one (all host bits set).
    pub fn broadcast_v4(&self, a: &IfAddr) -> Option<[u8; 4]> {
        match a.addr {
            IpAddr::V4(v4) if self.broadcast => {
                let m = u32::from_be_bytes(a.netmask_v4());
                Some((u32::from(v4) | !m).to_be_bytes())
            }
            _ => None,
        }
    }

    /// Returns the first IPv4 address (SIOCGIFADDR's).
    pub fn first_v4(&self) -> Option<&IfAddr> {
        self.addrs.iter().find(|a| a.addr.is_ipv4())
    }
}

/// Finds an interface by name.
pub fn by_name<'a>(ifs: &'a [Interface], name: &[u8]) -> Option<&'a Interface> {
    ifs.iter().find(|i| i.name.as_bytes() == name)
}

/// Finds an interface by index.
pub fn by_index(ifs: &[Interface], index: i64) -> Option<&Interface> {
    ifs.iter().find(|i| i64::from(i.index) == index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::Ipv4Addr;

    #[test]
    fn netmask_and_broadcast_follow_the_prefix() {
        let a = IfAddr {
            addr: IpAddr::V4(Ipv4Addr::new(10, 0, 2, 15)),
            prefix: 24,
        };
        assert_eq!(a.netmask_v4(), [255, 255, 255, 0]);
        let i = Interface {
            index: 2,
            name: "eth0",
            flags: 0,
            hw_type: ARPHRD_ETHER,
            mac: [0; 6],
            mtu: 1500,
            broadcast: true,
            addrs: alloc::vec![a],
        };
        assert_eq!(i.broadcast_v4(&a), Some([10, 0, 2, 255]));
        let z = IfAddr { prefix: 0, ..a };
        assert_eq!(z.netmask_v4(), [0; 4]);
        assert_eq!(a.scope(), 0);
    }
}
