//! Networking for `rumprun bake` and `rumprun run`: the address flags
//! (`--ip`, `--gw`, `--dns`, `--mtu`, `--ip6`, `--gw6`, `--hostname`) as
//! [`NetFlags`] merged into the image's `rumprun_config::net::NetConfig`,
//! the NIC backend ([`NetMode`]: QEMU user networking, a tap device, or
//! none), port forwards (`-p`, [`PortForward`]) and the QEMU arguments they
//! become ([`qemu_args`], with `--no-offload`), plus the checks made before boot (a host port
//! already in use, a missing tap device). Values are parsed by
//! `rumprun_config::net`, so the launcher and the kernel agree on them.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, UdpSocket};
use std::path::Path;

use rumprun_config::net::{self as cfg, Ipv4Mode, Ipv6Mode, NetConfig, NetError};

use crate::run::Machine;

/// QEMU's `-netdev` id of the one NIC.
const NETDEV_ID: &str = "n0";

/// Why a networking flag or combination was refused, or a check before
/// boot failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NetArgError {
    /// A bad address, prefix, MTU or hostname.
    #[error("{flag} {problem}")]
    Value {
        /// The flag, e.g. `--ip`.
        flag: &'static str,
        /// What is wrong with the value.
        problem: NetError,
    },
    /// `--net` with an unknown backend.
    #[error("--net {0:?}: expected user, tap:IFNAME or none, for example --net tap:tap0")]
    Mode(String),
    /// `--net tap:` with an unusable interface name.
    #[error("--net tap:{0}: an interface name is 1..=15 characters, none of them '/', ',', '=', ':' or blanks")]
    TapName(String),
    /// A `-p` value that does not parse.
    #[error("-p {0:?}: expected HOST:GUEST[/tcp|/udp] or HOSTIP:HOST:GUEST[/tcp|/udp] with ports 1..=65535, for example -p 8080:80")]
    Publish(String),
    /// `-p` with a backend that does not forward ports.
    #[error("-p needs --net user (QEMU's user networking forwards host ports); {0}")]
    PublishWithout(&'static str),
    /// The same host port and protocol forwarded twice.
    #[error("-p: host port {port}/{proto} is forwarded twice")]
    DuplicatePort {
        /// The host port.
        port: u16,
        /// Its protocol.
        proto: Proto,
    },
    /// Address flags with `--net none`.
    #[error("{0} configures the NIC, and --net none gives the VM no NIC; drop one of them")]
    FlagWithoutNic(&'static str),
    /// `--gw` without a static IPv4 address.
    #[error("--gw needs a static address: add --ip A.B.C.D/N (without it the image uses {0})")]
    GatewayWithoutAddress(&'static str),
    /// `--gw6` without a static IPv6 address.
    #[error("--gw6 needs a static address: add --ip6 ADDR/N (without it the image uses {0})")]
    Gateway6WithoutAddress(&'static str),
    /// The merged settings contradict each other.
    #[error("network settings: {0}")]
    Invalid(NetError),
    /// A host port cannot be forwarded because something holds it.
    #[error("host port {port}/{proto} on {addr} is already in use; stop what holds it or pick another host port, e.g. -p {alt}:{guest}{suffix}")]
    PortInUse {
        /// The host address bound.
        addr: Ipv4Addr,
        /// The host port.
        port: u16,
        /// Its protocol.
        proto: Proto,
        /// The guest port, for the suggestion.
        guest: u16,
        /// A port to suggest instead.
        alt: u16,
        /// `/udp` for UDP forwards, for the suggestion.
        suffix: &'static str,
    },
    /// A host port cannot be bound for another reason.
    #[error("cannot forward host port {port}/{proto} on {addr}: {reason}")]
    PortUnusable {
        /// The host address bound.
        addr: Ipv4Addr,
        /// The host port.
        port: u16,
        /// Its protocol.
        proto: Proto,
        /// Why, with what to do.
        reason: String,
    },
    /// `--mac` with a value that is not a unicast MAC address.
    #[error("--mac {0:?}: expected six hex octets such as 52:54:00:ab:cd:ef, unicast (the first octet even) and not all zeros")]
    Mac(String),
    /// The tap interface does not exist.
    #[error("--net tap:{0}: no interface {0} on this host; create it first: `sudo ip tuntap add dev {0} mode tap user $USER && sudo ip link set {0} up`")]
    NoTap(String),
}

fn value(flag: &'static str) -> impl Fn(NetError) -> NetArgError {
    move |problem| NetArgError::Value { flag, problem }
}

/// Where the VM's NIC is connected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NetMode {
    /// QEMU user networking (slirp): guest 10.0.2.15/24, gateway 10.0.2.2,
    /// DNS 10.0.2.3, DHCP, host ports forwarded with `-p`.
    #[default]
    User,
    /// A host tap interface, created beforehand.
    Tap(String),
    /// No NIC at all: only loopback inside the guest.
    None,
}

impl fmt::Display for NetMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetMode::User => f.write_str("user"),
            NetMode::Tap(i) => write!(f, "tap:{i}"),
            NetMode::None => f.write_str("none"),
        }
    }
}

/// A NIC's MAC address (`--mac`, or chosen per run for a tap device).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mac(pub [u8; 6]);

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl Mac {
    /// A MAC under QEMU's 52:54:00 prefix (locally administered, unicast:
    /// IEEE 802 bit 1 of the first octet set, bit 0 clear) whose last three
    /// octets are `tail`, as libvirt picks one for each new guest.
    pub fn local(tail: [u8; 3]) -> Mac {
        Mac([0x52, 0x54, 0x00, tail[0], tail[1], tail[2]])
    }

    /// A fresh [`Mac::local`] with random last octets, so that VMs sharing
    /// a tap bridge do not all answer to QEMU's one default
    /// (52:54:00:12:34:56). From /dev/urandom; if that cannot be read, from
    /// the process id and the clock (still different per run).
    pub fn random() -> Mac {
        let mut tail = [0u8; 3];
        let read = std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut tail));
        if read.is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let mix = nanos ^ std::process::id().rotate_left(12);
            tail.copy_from_slice(&mix.to_le_bytes()[..3]);
        }
        Mac::local(tail)
    }
}

/// Parses `--mac XX:XX:XX:XX:XX:XX` (also with `-` between octets):
/// a unicast address other than all zeros, which Linux's
/// `is_valid_ether_addr` requires of a NIC's address.
///
/// # Errors
/// Anything else.
pub fn parse_mac(s: &str) -> Result<Mac, NetArgError> {
    let bad = || NetArgError::Mac(s.into());
    let parts: Vec<&str> = s.split([':', '-']).collect();
    if parts.len() != 6 {
        return Err(bad());
    }
    let mut m = [0u8; 6];
    for (o, p) in m.iter_mut().zip(&parts) {
        // from_str_radix alone would take "+1".
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        *o = u8::from_str_radix(p, 16).map_err(|_| bad())?;
    }
    if m[0] & 1 != 0 || m == [0; 6] {
        return Err(bad());
    }
    Ok(Mac(m))
}

/// The virtio-net device's own settings on the QEMU command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeviceOpts {
    /// `--no-offload`: turn checksum offload off both ways.
    pub no_offload: bool,
    /// The MAC address; `None` leaves QEMU's default.
    pub mac: Option<Mac>,
}

/// Parses `--net user|tap:IFNAME|none`.
///
/// # Errors
/// Another backend, or an interface name Linux (`IFNAMSIZ`) or QEMU's
/// option syntax cannot take.
pub fn parse_net_mode(s: &str) -> Result<NetMode, NetArgError> {
    match s {
        "user" => Ok(NetMode::User),
        "none" => Ok(NetMode::None),
        _ => match s.strip_prefix("tap:") {
            Some(i) => {
                let ok = !i.is_empty()
                    && i.len() < 16
                    && i.bytes()
                        .all(|b| b.is_ascii_graphic() && !b"/,=:".contains(&b));
                if ok {
                    Ok(NetMode::Tap(i.into()))
                } else {
                    Err(NetArgError::TapName(i.into()))
                }
            }
            None => Err(NetArgError::Mode(s.into())),
        },
    }
}

/// Transport protocol of a port forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Proto {
    /// TCP (the default).
    #[default]
    Tcp,
    /// UDP.
    Udp,
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        })
    }
}

/// One `-p` forward from a host port to a guest port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortForward {
    /// The protocol.
    pub proto: Proto,
    /// The host address to listen on; `None` is every address.
    pub host_ip: Option<Ipv4Addr>,
    /// The host port.
    pub host_port: u16,
    /// The guest port.
    pub guest_port: u16,
}

/// Parses `-p HOST:GUEST[/tcp|/udp]` or `-p HOSTIP:HOST:GUEST[/tcp|/udp]`.
///
/// # Errors
/// Any other shape, port 0, or a host address that is not IPv4 (QEMU 7.2's
/// user networking forwards from IPv4 host addresses only).
pub fn parse_publish(s: &str) -> Result<PortForward, NetArgError> {
    let bad = || NetArgError::Publish(s.into());
    let (spec, proto) = match s.rsplit_once('/') {
        Some((spec, "tcp")) => (spec, Proto::Tcp),
        Some((spec, "udp")) => (spec, Proto::Udp),
        Some(_) => return Err(bad()),
        None => (s, Proto::Tcp),
    };
    let port = |p: &str| match p.parse::<u16>() {
        Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(bad()),
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let (host_ip, host, guest) = match parts[..] {
        [h, g] => (None, h, g),
        [ip, h, g] => (Some(ip.parse::<Ipv4Addr>().map_err(|_| bad())?), h, g),
        _ => return Err(bad()),
    };
    Ok(PortForward {
        proto,
        host_ip,
        host_port: port(host)?,
        guest_port: port(guest)?,
    })
}

/// `--ip`: a static address, DHCP, or no IPv4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv4Flag {
    /// `--ip dhcp`.
    Dhcp,
    /// `--ip off`.
    Off,
    /// `--ip A.B.C.D/N`.
    Static([u8; 4], u8),
}

/// Parses `--ip A.B.C.D/N|dhcp|off`.
///
/// # Errors
/// See [`cfg::parse_ipv4_cidr`].
pub fn parse_ip(s: &str) -> Result<Ipv4Flag, NetArgError> {
    Ok(match s {
        "dhcp" => Ipv4Flag::Dhcp,
        "off" => Ipv4Flag::Off,
        _ => {
            let (a, n) = cfg::parse_ipv4_cidr(s).map_err(value("--ip"))?;
            Ipv4Flag::Static(a, n)
        }
    })
}

/// `--ip6`: a static address, SLAAC, or no IPv6 beyond link-local.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv6Flag {
    /// `--ip6 slaac`.
    Slaac,
    /// `--ip6 off`.
    Off,
    /// `--ip6 ADDR/N`.
    Static([u8; 16], u8),
}

/// Parses `--ip6 ADDR/N|slaac|off`.
///
/// # Errors
/// See [`cfg::parse_ipv6_cidr`].
pub fn parse_ip6(s: &str) -> Result<Ipv6Flag, NetArgError> {
    Ok(match s {
        "slaac" => Ipv6Flag::Slaac,
        "off" => Ipv6Flag::Off,
        _ => {
            let (a, n) = cfg::parse_ipv6_cidr(s).map_err(value("--ip6"))?;
            Ipv6Flag::Static(a, n)
        }
    })
}

/// Parses `--gw A.B.C.D`.
///
/// # Errors
/// See [`cfg::parse_ipv4`].
pub fn parse_gw(s: &str) -> Result<[u8; 4], NetArgError> {
    cfg::parse_ipv4(s).map_err(value("--gw"))
}

/// Parses `--gw6 ADDR`.
///
/// # Errors
/// See [`cfg::parse_ipv6`].
pub fn parse_gw6(s: &str) -> Result<[u8; 16], NetArgError> {
    cfg::parse_ipv6(s).map_err(value("--gw6"))
}

/// Parses `--dns ADDR` (IPv4 or IPv6).
///
/// # Errors
/// See [`cfg::parse_dns`].
pub fn parse_dns(s: &str) -> Result<Vec<u8>, NetArgError> {
    cfg::parse_dns(s).map_err(value("--dns"))
}

/// Parses `--mtu N`.
///
/// # Errors
/// See [`cfg::parse_mtu`].
pub fn parse_mtu(s: &str) -> Result<u16, NetArgError> {
    cfg::parse_mtu(s).map_err(value("--mtu"))
}

/// Parses `--hostname NAME`.
///
/// # Errors
/// See [`cfg::check_hostname`].
pub fn parse_hostname(s: &str) -> Result<String, NetArgError> {
    cfg::check_hostname(s).map_err(value("--hostname"))?;
    Ok(s.into())
}

/// The address flags of one `bake` or `run` command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetFlags {
    /// `--ip`.
    pub ip: Option<Ipv4Flag>,
    /// `--gw`.
    pub gw: Option<[u8; 4]>,
    /// `--dns`, in order; empty keeps the base list.
    pub dns: Vec<Vec<u8>>,
    /// `--mtu`.
    pub mtu: Option<u16>,
    /// `--ip6`.
    pub ip6: Option<Ipv6Flag>,
    /// `--gw6`.
    pub gw6: Option<[u8; 16]>,
}

impl NetFlags {
    /// Returns whether no address flag was given.
    pub fn is_empty(&self) -> bool {
        *self == NetFlags::default()
    }

    /// Returns the first flag given, by name, for error messages.
    pub fn first_flag(&self) -> Option<&'static str> {
        [
            (self.ip.is_some(), "--ip"),
            (self.gw.is_some(), "--gw"),
            (!self.dns.is_empty(), "--dns"),
            (self.mtu.is_some(), "--mtu"),
            (self.ip6.is_some(), "--ip6"),
            (self.gw6.is_some(), "--gw6"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }

    /// Merges the flags into `base` (the image's settings, or the defaults
    /// when baking): a flag replaces its part, `--gw` alone changes the
    /// gateway of a static address, `--dns` replaces the whole list.
    ///
    /// # Errors
    /// A gateway without a static address of its family, or a result that
    /// fails [`NetConfig::validate`].
    pub fn apply(&self, base: &NetConfig) -> Result<NetConfig, NetArgError> {
        let mut c = base.clone();
        if let Some(ip) = self.ip {
            c.ipv4 = match ip {
                Ipv4Flag::Dhcp => Ipv4Mode::Dhcp,
                Ipv4Flag::Off => Ipv4Mode::Off,
                Ipv4Flag::Static(addr, prefix) => Ipv4Mode::Static {
                    addr,
                    prefix,
                    gateway: None,
                },
            };
        }
        if let Some(gw) = self.gw {
            match &mut c.ipv4 {
                Ipv4Mode::Static { gateway, .. } => *gateway = Some(gw),
                Ipv4Mode::Dhcp => return Err(NetArgError::GatewayWithoutAddress("DHCP")),
                Ipv4Mode::Off => return Err(NetArgError::GatewayWithoutAddress("no IPv4")),
            }
        }
        if let Some(ip6) = self.ip6 {
            c.ipv6 = match ip6 {
                Ipv6Flag::Slaac => Ipv6Mode::Slaac,
                Ipv6Flag::Off => Ipv6Mode::Off,
                Ipv6Flag::Static(addr, prefix) => Ipv6Mode::Static {
                    addr,
                    prefix,
                    gateway: None,
                },
            };
        }
        if let Some(gw6) = self.gw6 {
            match &mut c.ipv6 {
                Ipv6Mode::Static { gateway, .. } => *gateway = Some(gw6),
                Ipv6Mode::Slaac => return Err(NetArgError::Gateway6WithoutAddress("SLAAC")),
                Ipv6Mode::Off => return Err(NetArgError::Gateway6WithoutAddress("no IPv6")),
            }
        }
        if !self.dns.is_empty() {
            c.dns = self.dns.clone();
        }
        if self.mtu.is_some() {
            c.mtu = self.mtu;
        }
        c.validate().map_err(NetArgError::Invalid)?;
        Ok(c)
    }
}

/// Checks `-p` against the backend and for a host port forwarded twice.
///
/// # Errors
/// `-p` with tap or none; a duplicate host port and protocol.
pub fn check_forwards(mode: &NetMode, fwds: &[PortForward]) -> Result<(), NetArgError> {
    if !fwds.is_empty() {
        match mode {
            NetMode::User => {}
            NetMode::Tap(_) => return Err(NetArgError::PublishWithout(
                "with --net tap:IF the guest is reachable at its own address, no forwarding needed",
            )),
            NetMode::None => {
                return Err(NetArgError::PublishWithout(
                    "--net none gives the VM no NIC",
                ))
            }
        }
    }
    for (i, f) in fwds.iter().enumerate() {
        let clash = fwds[..i].iter().any(|g| {
            g.proto == f.proto
                && g.host_port == f.host_port
                && (g.host_ip.is_none() || f.host_ip.is_none() || g.host_ip == f.host_ip)
        });
        if clash {
            return Err(NetArgError::DuplicatePort {
                port: f.host_port,
                proto: f.proto,
            });
        }
    }
    Ok(())
}

/// Returns the QEMU arguments for the NIC: the `-netdev` backend (with the
/// forwards as `hostfwd=`) and the virtio-net device for the machine
/// (`virtio-net-pci` on q35, `virtio-net-device` on microvm's virtio-mmio).
/// `net` is the guest's effective configuration: with a static IPv4
/// address, QEMU's user network is moved to that subnet, or the /24 around
/// a smaller one (`net=`, `host=` for the gateway), and forwards go to that address rather than slirp's
/// default guest 10.0.2.15. `dev.no_offload` (`--no-offload`) turns the
/// device's checksum offload off in both directions (`csum=off` hides
/// VIRTIO_NET_F_CSUM, `guest_csum=off` VIRTIO_NET_F_GUEST_CSUM; virtio 1.2
/// §5.1.3), so the guest computes and checks every checksum itself, as
/// `ethtool -K IF tx off rx off` does on Linux; `dev.mac` sets the
/// device's `mac=` (the guest reads it from VIRTIO_NET_F_MAC's config
/// field, §5.1.4).
pub fn qemu_args(
    mode: &NetMode,
    fwds: &[PortForward],
    machine: Machine,
    net: &NetConfig,
    dev: DeviceOpts,
) -> Vec<String> {
    let mut backend = match mode {
        NetMode::None => return Vec::new(),
        NetMode::Tap(i) => format!("tap,id={NETDEV_ID},ifname={i},script=no,downscript=no"),
        NetMode::User => format!("user,id={NETDEV_ID}"),
    };
    let mut guest = String::new();
    if let (
        NetMode::User,
        Ipv4Mode::Static {
            addr,
            prefix,
            gateway,
        },
    ) = (mode, net.ipv4)
    {
        // slirp needs a subnet with room for itself (.2), its DNS (.3) and
        // DHCP pool (.15 on): a smaller guest subnet gets the /24 around it.
        let slirp_prefix = prefix.min(24);
        let mask = u32::MAX << (32 - u32::from(slirp_prefix));
        let netaddr = Ipv4Addr::from(u32::from_be_bytes(addr) & mask);
        backend.push_str(&format!(",net={netaddr}/{slirp_prefix}"));
        if let Some(gw) = gateway {
            backend.push_str(&format!(",host={}", Ipv4Addr::from(gw)));
        }
        guest = Ipv4Addr::from(addr).to_string();
    }
    for f in fwds {
        let hip = f.host_ip.map(|a| a.to_string()).unwrap_or_default();
        backend.push_str(&format!(
            ",hostfwd={}:{hip}:{}-{guest}:{}",
            f.proto, f.host_port, f.guest_port
        ));
    }
    let device = match machine {
        Machine::Q35 => "virtio-net-pci",
        Machine::Microvm => "virtio-net-device",
    };
    // Both device models take the two properties; with user networking
    // (no vnet header) QEMU offers neither feature anyway.
    let offload = if dev.no_offload {
        ",csum=off,guest_csum=off"
    } else {
        ""
    };
    let mac = dev.mac.map(|m| format!(",mac={m}")).unwrap_or_default();
    vec![
        "-netdev".into(),
        backend,
        "-device".into(),
        format!("{device},netdev={NETDEV_ID}{mac}{offload}"),
    ]
}

/// Checks, before boot, that every forwarded host port can be bound on its
/// host address (QEMU would otherwise fail with a less helpful message, or
/// for UDP not at all). The probe sockets are closed again at once.
///
/// # Errors
/// The first port in use ([`NetArgError::PortInUse`]) or not bindable.
pub fn check_host_ports(fwds: &[PortForward]) -> Result<(), NetArgError> {
    for f in fwds {
        let addr = f.host_ip.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let sa = SocketAddrV4::new(addr, f.host_port);
        let r = match f.proto {
            Proto::Tcp => TcpListener::bind(sa).map(drop),
            Proto::Udp => UdpSocket::bind(sa).map(drop),
        };
        let Err(e) = r else { continue };
        return Err(match e.kind() {
            std::io::ErrorKind::AddrInUse => NetArgError::PortInUse {
                addr,
                port: f.host_port,
                proto: f.proto,
                guest: f.guest_port,
                alt: if f.host_port < u16::MAX {
                    f.host_port + 1
                } else {
                    f.host_port - 1
                },
                suffix: match f.proto {
                    Proto::Tcp => "",
                    Proto::Udp => "/udp",
                },
            },
            std::io::ErrorKind::PermissionDenied => NetArgError::PortUnusable {
                addr,
                port: f.host_port,
                proto: f.proto,
                reason: format!(
                    "permission denied (ports below 1024 need privileges); use a higher host port, e.g. -p 8080:{}",
                    f.guest_port
                ),
            },
            std::io::ErrorKind::AddrNotAvailable => NetArgError::PortUnusable {
                addr,
                port: f.host_port,
                proto: f.proto,
                reason: format!("{addr} is not an address of this host"),
            },
            _ => NetArgError::PortUnusable {
                addr,
                port: f.host_port,
                proto: f.proto,
                reason: e.to_string(),
            },
        });
    }
    Ok(())
}

/// Checks, before boot, that a tap interface exists (looked up under
/// `sys_class_net`, normally `/sys/class/net`).
///
/// # Errors
/// [`NetArgError::NoTap`] with the commands that create it.
pub fn check_tap(mode: &NetMode, sys_class_net: &Path) -> Result<(), NetArgError> {
    match mode {
        NetMode::Tap(i) if !sys_class_net.join(i).exists() => Err(NetArgError::NoTap(i.clone())),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "net_tests.rs"]
mod tests;
