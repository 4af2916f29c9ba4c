//! The network part of the image schema, shared by the kernel (which
//! configures its interface from it) and `rumprun bake`/`rumprun run`
//! (which write it into the image or onto the kernel command line as
//! `rr.ip=`, `rr.gw=`, `rr.dns=`, `rr.mtu=`, `rr.ip6=`, `rr.gw6=`).
//! Neighbours: `image::ImageConfig` (holds it), `cmdline` (overrides it).

use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

/// How the first NIC gets its IPv4 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Ipv4Mode {
    /// DHCPv4 (RFC 2131), the default when no address is given.
    #[default]
    Dhcp,
    /// A fixed address.
    Static {
        /// The interface address.
        addr: [u8; 4],
        /// Prefix length, 0..=32.
        prefix: u8,
        /// The default router, if any.
        gateway: Option<[u8; 4]>,
    },
    /// No IPv4 on the NIC (loopback keeps 127.0.0.1).
    Off,
}

/// How the first NIC gets its IPv6 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Ipv6Mode {
    /// Stateless autoconfiguration from router advertisements (RFC 4862).
    #[default]
    Slaac,
    /// A fixed address.
    Static {
        /// The interface address.
        addr: [u8; 16],
        /// Prefix length, 0..=128.
        prefix: u8,
        /// The default router, if any.
        gateway: Option<[u8; 16]>,
    },
    /// No IPv6 on the NIC beyond the link-local address (loopback keeps ::1).
    Off,
}

/// Network settings for the image's first NIC (loopback is always there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetConfig {
    /// IPv4 addressing.
    pub ipv4: Ipv4Mode,
    /// IPv6 addressing.
    pub ipv6: Ipv6Mode,
    /// DNS servers for /etc/resolv.conf (IPv4 as 4 bytes, IPv6 as 16);
    /// empty means "what DHCP says".
    pub dns: Vec<Vec<u8>>,
    /// The interface MTU; `None` takes the device's (1500 for virtio-net).
    pub mtu: Option<u16>,
}
