//! The network part of the image schema, shared by the kernel (which
//! configures its interface from it) and `rumprun bake`/`rumprun run`
//! (which write it into the image or onto the kernel command line as
//! `rr.ip=`, `rr.gw=`, `rr.dhcp`, `rr.dns=`, `rr.mtu=`, `rr.ip6=`, `rr.gw6=`).
//! Key items: [`NetConfig`], the value parsers both sides share
//! ([`parse_ipv4_cidr`], ...), [`NetConfig::tokens`] and [`NetTokens`].
//! Neighbours: `image::ImageConfig` (holds it), `cmdline` (overrides it).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{Ipv4Addr, Ipv6Addr};

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

// ---------------------------------------------------------------------------
// Values and kernel command-line tokens.
//
// The tokens describe the *whole* network configuration: when any of them is
// present, the parts not named take their defaults (DHCPv4, SLAAC, DNS from
// DHCP, the device's MTU). `rumprun run` merges its flags with the image's
// baked settings and always sends the full result, so an image baked with a
// static address keeps it under `rumprun run --mtu 1400`.

/// Token prefix of the static IPv4 address (`rr.ip=10.0.2.15/24`, or `rr.ip=off`).
pub const TOKEN_IP: &str = "rr.ip=";
/// Token prefix of the IPv4 default router (`rr.gw=10.0.2.2`).
pub const TOKEN_GW: &str = "rr.gw=";
/// Token forcing DHCPv4 (the default when no `rr.ip=` is given).
pub const TOKEN_DHCP: &str = "rr.dhcp";
/// Token prefix of a DNS server, IPv4 or IPv6 (repeatable).
pub const TOKEN_DNS: &str = "rr.dns=";
/// Token prefix of the interface MTU (`rr.mtu=1500`).
pub const TOKEN_MTU: &str = "rr.mtu=";
/// Token prefix of the static IPv6 address (`rr.ip6=fd00::2/64`, or `rr.ip6=off`).
pub const TOKEN_IP6: &str = "rr.ip6=";
/// Token prefix of the IPv6 default router (`rr.gw6=fe80::1`).
pub const TOKEN_GW6: &str = "rr.gw6=";

/// Smallest MTU accepted: IPv4's minimum datagram size (RFC 791).
pub const MTU_MIN: u16 = 68;
/// Smallest MTU with IPv6 on the link (RFC 8200 §5).
pub const MTU_MIN_IPV6: u16 = 1280;

/// Why a network value or token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetError {
    /// The offending token or value, as given.
    pub value: String,
    /// What is wrong with it, as a sentence fragment.
    pub reason: &'static str,
}

impl core::fmt::Display for NetError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}: {}", self.value, self.reason)
    }
}

fn err<T>(value: &str, reason: &'static str) -> Result<T, NetError> {
    Err(NetError {
        value: value.into(),
        reason,
    })
}

fn split_prefix<'a>(s: &'a str, example: &'static str) -> Result<(&'a str, u8), NetError> {
    let Some((addr, len)) = s.split_once('/') else {
        return err(s, example);
    };
    let digits = !len.is_empty() && len.len() <= 3 && len.bytes().all(|b| b.is_ascii_digit());
    match len.parse::<u8>() {
        Ok(n) if digits => Ok((addr, n)),
        _ => err(s, example),
    }
}

/// Parses a unicast IPv4 address (`10.0.2.2`).
///
/// # Errors
/// Not dotted-quad, or unspecified, multicast, broadcast or loopback.
pub fn parse_ipv4(s: &str) -> Result<[u8; 4], NetError> {
    let Ok(a) = s.parse::<Ipv4Addr>() else {
        return err(s, "expected an IPv4 address such as 10.0.2.2");
    };
    if a.is_unspecified() || a.is_multicast() || a.is_broadcast() || a.is_loopback() {
        return err(s, "not a unicast address for a NIC");
    }
    Ok(a.octets())
}

/// Parses an IPv4 interface address with its prefix (`10.0.2.15/24`).
///
/// # Errors
/// Missing or out-of-range prefix, a bad address, or the network or
/// broadcast address of its own subnet.
pub fn parse_ipv4_cidr(s: &str) -> Result<([u8; 4], u8), NetError> {
    let (a, n) = split_prefix(s, "expected A.B.C.D/N such as 10.0.2.15/24")?;
    if n == 0 || n > 32 {
        return err(s, "the prefix length must be 1..=32");
    }
    let addr = parse_ipv4(a).map_err(|e| NetError {
        value: s.into(),
        ..e
    })?;
    if n <= 30 {
        let host = u32::from_be_bytes(addr) & (u32::MAX >> n);
        if host == 0 || host == u32::MAX >> n {
            return err(s, "that is the network or broadcast address of its subnet");
        }
    }
    Ok((addr, n))
}

/// Parses a unicast IPv6 address (`fe80::1`, `fd00::2`).
///
/// # Errors
/// Not an IPv6 address, or unspecified, multicast or loopback.
pub fn parse_ipv6(s: &str) -> Result<[u8; 16], NetError> {
    let Ok(a) = s.parse::<Ipv6Addr>() else {
        return err(s, "expected an IPv6 address such as fd00::2");
    };
    if a.is_unspecified() || a.is_multicast() || a.is_loopback() {
        return err(s, "not a unicast address for a NIC");
    }
    Ok(a.octets())
}

/// Parses an IPv6 interface address with its prefix (`fd00::2/64`).
///
/// # Errors
/// Missing or out-of-range prefix, or a bad address.
pub fn parse_ipv6_cidr(s: &str) -> Result<([u8; 16], u8), NetError> {
    let (a, n) = split_prefix(s, "expected ADDR/N such as fd00::2/64")?;
    if n == 0 || n > 128 {
        return err(s, "the prefix length must be 1..=128");
    }
    let addr = parse_ipv6(a).map_err(|e| NetError {
        value: s.into(),
        ..e
    })?;
    Ok((addr, n))
}

/// Parses a DNS server address, IPv4 (4 bytes) or IPv6 (16 bytes).
///
/// # Errors
/// Neither kind of address, or unspecified or multicast.
pub fn parse_dns(s: &str) -> Result<Vec<u8>, NetError> {
    if let Ok(a) = s.parse::<Ipv4Addr>() {
        if a.is_unspecified() || a.is_multicast() || a.is_broadcast() {
            return err(s, "not a unicast address");
        }
        return Ok(a.octets().to_vec());
    }
    if let Ok(a) = s.parse::<Ipv6Addr>() {
        if a.is_unspecified() || a.is_multicast() {
            return err(s, "not a unicast address");
        }
        return Ok(a.octets().to_vec());
    }
    err(s, "expected an IPv4 or IPv6 address such as 10.0.2.3")
}

/// Parses an MTU in bytes ([`MTU_MIN`]..=65535).
///
/// # Errors
/// Not a number or below [`MTU_MIN`].
pub fn parse_mtu(s: &str) -> Result<u16, NetError> {
    match s.parse::<u16>() {
        Ok(n) if n >= MTU_MIN => Ok(n),
        _ => err(s, "expected an MTU of 68..=65535 bytes, such as 1500"),
    }
}

/// Formats a 4- or 16-byte address the way [`parse_dns`] reads it.
pub fn format_addr(b: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(b) {
        Ipv4Addr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(b) {
        Ipv6Addr::from(v6).to_string()
    } else {
        format!("<{} bytes>", b.len())
    }
}

/// Returns whether `a` is inside `net/prefix`.
pub fn ipv4_in_subnet(a: [u8; 4], net: [u8; 4], prefix: u8) -> bool {
    let mask = u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0);
    u32::from_be_bytes(a) & mask == u32::from_be_bytes(net) & mask
}

/// Checks a hostname: 1..=64 bytes (Linux's `__NEW_UTS_LEN`, uapi
/// `linux/utsname.h`) of letters, digits, `-`, `_` and `.`, starting with a
/// letter or digit.
///
/// # Errors
/// Any other name.
pub fn check_hostname(s: &str) -> Result<(), NetError> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        err(
            s,
            "expected a hostname of 1..=64 letters, digits, '-', '_' or '.', such as web1",
        )
    }
}

impl NetConfig {
    /// Checks what the parsers cannot see alone: an IPv4 gateway inside its
    /// subnet, IPv6 links with an MTU of at least [`MTU_MIN_IPV6`], DNS
    /// entries of 4 or 16 bytes. The kernel calls it on baked settings too,
    /// since it trusts nothing it reads from the image.
    ///
    /// # Errors
    /// The first inconsistency found.
    pub fn validate(&self) -> Result<(), NetError> {
        if let Ipv4Mode::Static {
            addr,
            prefix,
            gateway: Some(gw),
        } = self.ipv4
        {
            if !ipv4_in_subnet(gw, addr, prefix) {
                return err(
                    &format_addr(&gw),
                    "the IPv4 gateway is outside the interface's subnet",
                );
            }
        }
        if let Some(mtu) = self.mtu {
            if mtu < MTU_MIN {
                return err(&mtu.to_string(), "the MTU is below 68");
            }
            if mtu < MTU_MIN_IPV6 && self.ipv6 != Ipv6Mode::Off {
                return err(
                    &mtu.to_string(),
                    "IPv6 needs an MTU of at least 1280 (turn IPv6 off for a smaller one)",
                );
            }
        }
        if let Some(d) = self.dns.iter().find(|d| d.len() != 4 && d.len() != 16) {
            return err(&format_addr(d), "a DNS address must be 4 or 16 bytes");
        }
        Ok(())
    }

    /// Returns the kernel command-line tokens that describe this
    /// configuration completely (see [`NetTokens`] for the reverse).
    pub fn tokens(&self) -> Vec<String> {
        let mut t = Vec::new();
        match self.ipv4 {
            Ipv4Mode::Dhcp => t.push(TOKEN_DHCP.into()),
            Ipv4Mode::Off => t.push(format!("{TOKEN_IP}off")),
            Ipv4Mode::Static {
                addr,
                prefix,
                gateway,
            } => {
                t.push(format!("{TOKEN_IP}{}/{prefix}", Ipv4Addr::from(addr)));
                if let Some(gw) = gateway {
                    t.push(format!("{TOKEN_GW}{}", Ipv4Addr::from(gw)));
                }
            }
        }
        match self.ipv6 {
            Ipv6Mode::Slaac => {}
            Ipv6Mode::Off => t.push(format!("{TOKEN_IP6}off")),
            Ipv6Mode::Static {
                addr,
                prefix,
                gateway,
            } => {
                t.push(format!("{TOKEN_IP6}{}/{prefix}", Ipv6Addr::from(addr)));
                if let Some(gw) = gateway {
                    t.push(format!("{TOKEN_GW6}{}", Ipv6Addr::from(gw)));
                }
            }
        }
        for d in &self.dns {
            t.push(format!("{TOKEN_DNS}{}", format_addr(d)));
        }
        if let Some(m) = self.mtu {
            t.push(format!("{TOKEN_MTU}{m}"));
        }
        t
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V4 {
    Dhcp,
    Static([u8; 4], u8),
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V6 {
    Static([u8; 16], u8),
    Off,
}

/// Collects network tokens from a kernel command line into a [`NetConfig`].
#[derive(Debug, Clone, Default)]
pub struct NetTokens {
    seen: bool,
    v4: Option<V4>,
    gw: Option<[u8; 4]>,
    v6: Option<V6>,
    gw6: Option<[u8; 16]>,
    dns: Vec<Vec<u8>>,
    mtu: Option<u16>,
}

fn once<T>(slot: &mut Option<T>, v: T, tok: &str) -> Result<(), NetError> {
    if slot.is_some() {
        return err(tok, "given twice (or rr.dhcp together with rr.ip=)");
    }
    *slot = Some(v);
    Ok(())
}

impl NetTokens {
    /// Takes one token; returns `Ok(false)` if it is not a network token.
    ///
    /// # Errors
    /// A bad value, or a token that may appear once given twice.
    pub fn token(&mut self, tok: &str) -> Result<bool, NetError> {
        let with = |e: NetError| NetError {
            value: tok.into(),
            reason: e.reason,
        };
        if tok == TOKEN_DHCP {
            once(&mut self.v4, V4::Dhcp, tok)?;
        } else if let Some(v) = tok.strip_prefix(TOKEN_IP) {
            let m = if v == "off" {
                V4::Off
            } else {
                let (a, n) = parse_ipv4_cidr(v).map_err(with)?;
                V4::Static(a, n)
            };
            once(&mut self.v4, m, tok)?;
        } else if let Some(v) = tok.strip_prefix(TOKEN_GW) {
            once(&mut self.gw, parse_ipv4(v).map_err(with)?, tok)?;
        } else if let Some(v) = tok.strip_prefix(TOKEN_IP6) {
            let m = if v == "off" {
                V6::Off
            } else {
                let (a, n) = parse_ipv6_cidr(v).map_err(with)?;
                V6::Static(a, n)
            };
            once(&mut self.v6, m, tok)?;
        } else if let Some(v) = tok.strip_prefix(TOKEN_GW6) {
            once(&mut self.gw6, parse_ipv6(v).map_err(with)?, tok)?;
        } else if let Some(v) = tok.strip_prefix(TOKEN_DNS) {
            self.dns.push(parse_dns(v).map_err(with)?);
        } else if let Some(v) = tok.strip_prefix(TOKEN_MTU) {
            once(&mut self.mtu, parse_mtu(v).map_err(with)?, tok)?;
        } else {
            return Ok(false);
        }
        self.seen = true;
        Ok(true)
    }

    /// Returns the configuration the tokens describe, `None` if there were
    /// none.
    ///
    /// # Errors
    /// A gateway without a static address of its family, or an
    /// inconsistent whole ([`NetConfig::validate`]).
    pub fn finish(self) -> Result<Option<NetConfig>, NetError> {
        if !self.seen {
            return Ok(None);
        }
        let ipv4 = match (self.v4, self.gw) {
            (Some(V4::Static(addr, prefix)), gateway) => Ipv4Mode::Static {
                addr,
                prefix,
                gateway,
            },
            (_, Some(gw)) => {
                return err(
                    &format!("{TOKEN_GW}{}", Ipv4Addr::from(gw)),
                    "a gateway needs a static address (rr.ip=A.B.C.D/N)",
                )
            }
            (Some(V4::Off), None) => Ipv4Mode::Off,
            (Some(V4::Dhcp) | None, None) => Ipv4Mode::Dhcp,
        };
        let ipv6 = match (self.v6, self.gw6) {
            (Some(V6::Static(addr, prefix)), gateway) => Ipv6Mode::Static {
                addr,
                prefix,
                gateway,
            },
            (_, Some(gw)) => {
                return err(
                    &format!("{TOKEN_GW6}{}", Ipv6Addr::from(gw)),
                    "a gateway needs a static address (rr.ip6=ADDR/N)",
                )
            }
            (Some(V6::Off), None) => Ipv6Mode::Off,
            (None, None) => Ipv6Mode::Slaac,
        };
        let c = NetConfig {
            ipv4,
            ipv6,
            dns: self.dns,
            mtu: self.mtu,
        };
        c.validate()?;
        Ok(Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn parse(line: &str) -> Result<Option<NetConfig>, NetError> {
        let mut t = NetTokens::default();
        for tok in line.split_ascii_whitespace() {
            assert!(t.token(tok)?, "{tok} not taken");
        }
        t.finish()
    }

    #[test]
    fn values_parse_and_refuse_clearly() {
        assert_eq!(
            parse_ipv4_cidr("10.0.2.15/24").unwrap(),
            ([10, 0, 2, 15], 24)
        );
        assert_eq!(parse_ipv4_cidr("192.168.1.1/32").unwrap().1, 32);
        for bad in [
            "10.0.2.15",
            "10.0.2.15/",
            "10.0.2.15/33",
            "10.0.2.15/0",
            "10.0.2.0/24",
            "10.0.2.255/24",
            "0.0.0.0/8",
            "224.0.0.1/4",
            "10.0.2/24",
            "10.0.2.15/+4",
            "127.0.0.1/8",
            "x/24",
        ] {
            assert!(parse_ipv4_cidr(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_ipv4_cidr("10.0.2.15").unwrap_err().to_string(),
            "\"10.0.2.15\": expected A.B.C.D/N such as 10.0.2.15/24"
        );
        assert_eq!(parse_ipv6_cidr("fd00::2/64").unwrap().1, 64);
        for bad in [
            "fd00::2",
            "fd00::2/129",
            "::/0",
            "ff02::1/64",
            "::1/128",
            "fd00::g/64",
        ] {
            assert!(parse_ipv6_cidr(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_dns("10.0.2.3").unwrap(), vec![10, 0, 2, 3]);
        assert_eq!(parse_dns("2001:4860:4860::8888").unwrap().len(), 16);
        assert!(parse_dns("dns.google").is_err());
        assert!(parse_dns("0.0.0.0").is_err());
        assert_eq!(parse_mtu("1500").unwrap(), 1500);
        for bad in ["67", "65536", "-1", "", "1500b"] {
            assert!(parse_mtu(bad).is_err(), "{bad}");
        }
        assert!(check_hostname("web-1.example").is_ok());
        for bad in ["", "-x", "a b", "a/b", &"h".repeat(65)] {
            assert!(check_hostname(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_round_trip_every_mode() {
        let configs = [
            NetConfig::default(),
            NetConfig {
                ipv4: Ipv4Mode::Static {
                    addr: [192, 168, 76, 9],
                    prefix: 24,
                    gateway: Some([192, 168, 76, 1]),
                },
                ipv6: Ipv6Mode::Static {
                    addr: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
                    prefix: 64,
                    gateway: Some([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
                },
                dns: vec![vec![1, 1, 1, 1], parse_dns("2606:4700:4700::1111").unwrap()],
                mtu: Some(9000),
            },
            NetConfig {
                ipv4: Ipv4Mode::Static {
                    addr: [10, 1, 2, 3],
                    prefix: 8,
                    gateway: None,
                },
                ipv6: Ipv6Mode::Off,
                dns: vec![],
                mtu: Some(576),
            },
            NetConfig {
                ipv4: Ipv4Mode::Off,
                ..Default::default()
            },
        ];
        for c in configs {
            let line = c.tokens().join(" ");
            assert_eq!(parse(&line).unwrap(), Some(c), "{line}");
        }
        assert_eq!(NetConfig::default().tokens(), ["rr.dhcp"]);
        assert_eq!(parse("").unwrap(), None);
    }

    #[test]
    fn unnamed_parts_take_defaults() {
        let c = parse("rr.mtu=1400 rr.dns=10.0.2.3").unwrap().unwrap();
        assert_eq!(c.ipv4, Ipv4Mode::Dhcp);
        assert_eq!(c.ipv6, Ipv6Mode::Slaac);
        assert_eq!(c.mtu, Some(1400));
        assert_eq!(c.dns, [vec![10, 0, 2, 3]]);
    }

    #[test]
    fn inconsistent_tokens_are_errors() {
        for (line, why) in [
            ("rr.dhcp rr.ip=10.0.2.15/24", "given twice"),
            ("rr.ip=10.0.2.15/24 rr.ip=10.0.2.16/24", "given twice"),
            ("rr.mtu=1500 rr.mtu=1400", "given twice"),
            ("rr.gw=10.0.2.2", "needs a static address"),
            ("rr.dhcp rr.gw=10.0.2.2", "needs a static address"),
            ("rr.ip=off rr.gw=10.0.2.2", "needs a static address"),
            ("rr.gw6=fe80::1", "needs a static address"),
            ("rr.ip=10.0.2.15/24 rr.gw=10.0.3.2", "outside"),
            ("rr.mtu=1000", "at least 1280"),
            ("rr.ip=10.0.2.15", "A.B.C.D/N"),
            ("rr.dns=x", "IPv4 or IPv6"),
            ("rr.mtu=12", "MTU"),
        ] {
            let e = parse(line).unwrap_err();
            assert!(e.reason.contains(why), "{line}: {e}");
        }
        assert!(parse("rr.mtu=1000 rr.ip6=off").is_ok());
        let mut t = NetTokens::default();
        assert!(!t.token("rr.ipx=1").unwrap());
        assert!(!t.token("rr.trace").unwrap());
    }
}
