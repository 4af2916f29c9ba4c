//! Netlink message encoding (linux/netlink.h `nlmsghdr`, `nlmsgerr`;
//! linux/rtnetlink.h `rtattr`, `ifinfomsg`, `ifaddrmsg`; linux/if_link.h
//! IFLA_*, linux/if_addr.h IFA_*): [`Hdr`], a message builder, and the
//! messages the route protocol sends — RTM_NEWLINK and RTM_NEWADDR for an
//! interface, NLMSG_DONE, NLMSG_ERROR. Pure functions on bytes, tested on
//! the host. Neighbour: `rtnl` (decides what to send).

use alloc::vec::Vec;
use core::net::IpAddr;

use crate::net::iface::{IfAddr, Interface, TXQLEN};

/// `NLMSG_HDRLEN`: the aligned `struct nlmsghdr`.
pub const HDRLEN: usize = 16;
/// `NLMSG_ERROR`.
pub const NLMSG_ERROR: u16 = 2;
/// `NLMSG_DONE`.
pub const NLMSG_DONE: u16 = 3;
/// `NLMSG_MIN_TYPE`: types below are control messages.
pub const NLMSG_MIN_TYPE: u16 = 0x10;
/// `NLM_F_REQUEST`.
pub const NLM_F_REQUEST: u16 = 0x1;
/// `NLM_F_MULTI`: part of a multipart (dump) reply.
pub const NLM_F_MULTI: u16 = 0x2;
/// `NLM_F_ACK`.
pub const NLM_F_ACK: u16 = 0x4;
/// `NLM_F_DUMP` (= NLM_F_ROOT | NLM_F_MATCH).
pub const NLM_F_DUMP: u16 = 0x300;
/// `NLM_F_CAPPED`: an error message without the request's payload.
pub const NLM_F_CAPPED: u16 = 0x100;

/// `RTM_NEWLINK`.
pub const RTM_NEWLINK: u16 = 16;
/// `RTM_GETLINK`.
pub const RTM_GETLINK: u16 = 18;
/// `RTM_NEWADDR`.
pub const RTM_NEWADDR: u16 = 20;
/// `RTM_GETADDR`.
pub const RTM_GETADDR: u16 = 22;

/// IFLA_* (linux/if_link.h).
pub mod ifla {
    /// Link-layer address.
    pub const ADDRESS: u16 = 1;
    /// Link-layer broadcast address.
    pub const BROADCAST: u16 = 2;
    /// Interface name (NUL-terminated).
    pub const IFNAME: u16 = 3;
    /// MTU (u32).
    pub const MTU: u16 = 4;
    /// `struct rtnl_link_stats`.
    pub const STATS: u16 = 7;
    /// Transmit queue length (u32).
    pub const TXQLEN: u16 = 13;
    /// RFC 2863 operational state (u8).
    pub const OPERSTATE: u16 = 16;
    /// Link mode (u8).
    pub const LINKMODE: u16 = 17;
    /// Carrier (u8).
    pub const CARRIER: u16 = 33;
}

/// IFA_* (linux/if_addr.h).
pub mod ifa {
    /// The prefix address (the peer on point-to-point links).
    pub const ADDRESS: u16 = 1;
    /// The local address (IPv4).
    pub const LOCAL: u16 = 2;
    /// The label: the interface name.
    pub const LABEL: u16 = 3;
    /// The IPv4 broadcast address.
    pub const BROADCAST: u16 = 4;
    /// `struct ifa_cacheinfo`.
    pub const CACHEINFO: u16 = 6;
    /// The flags as u32.
    pub const FLAGS: u16 = 8;
}

/// `IFA_F_PERMANENT`: addresses here never expire.
const IFA_F_PERMANENT: u8 = 0x80;
/// `sizeof(struct rtnl_link_stats)`: 24 u32 counters.
const LINK_STATS_LEN: usize = 96;
/// `IF_OPER_UNKNOWN` (lo) and `IF_OPER_UP`.
const IF_OPER_UNKNOWN: u8 = 0;
const IF_OPER_UP: u8 = 6;
/// `AF_INET`, `AF_INET6`.
pub const AF_INET: u8 = 2;
/// `AF_INET6`.
pub const AF_INET6: u8 = 10;

/// Rounds `n` up to `NLMSG_ALIGNTO` (4), also `RTA_ALIGN`.
pub fn align(n: usize) -> usize {
    (n + 3) & !3
}

/// A `struct nlmsghdr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hdr {
    /// `nlmsg_len`: header plus payload.
    pub len: u32,
    /// `nlmsg_type`.
    pub ty: u16,
    /// `nlmsg_flags`.
    pub flags: u16,
    /// `nlmsg_seq`.
    pub seq: u32,
    /// `nlmsg_pid`: the sending port.
    pub pid: u32,
}

impl Hdr {
    /// Reads the header at the start of `b`, if there are 16 bytes.
    pub fn parse(b: &[u8]) -> Option<Hdr> {
        let h = b.get(..HDRLEN)?;
        let u32_at = |i: usize| u32::from_ne_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
        Some(Hdr {
            len: u32_at(0),
            ty: u16::from_ne_bytes([h[4], h[5]]),
            flags: u16::from_ne_bytes([h[6], h[7]]),
            seq: u32_at(8),
            pid: u32_at(12),
        })
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.len.to_ne_bytes());
        out.extend_from_slice(&self.ty.to_ne_bytes());
        out.extend_from_slice(&self.flags.to_ne_bytes());
        out.extend_from_slice(&self.seq.to_ne_bytes());
        out.extend_from_slice(&self.pid.to_ne_bytes());
    }
}

/// Builds one message: header, fixed part, attributes; `finish` sets
/// `nlmsg_len`.
struct Builder(Vec<u8>);

impl Builder {
    fn new(ty: u16, flags: u16, seq: u32, pid: u32) -> Builder {
        let mut v = Vec::with_capacity(256);
        Hdr {
            len: 0,
            ty,
            flags,
            seq,
            pid,
        }
        .write(&mut v);
        Builder(v)
    }

    fn raw(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }

    /// Appends a `struct rtattr` with `payload`, padded to 4 bytes
    /// (rta_len counts the unpadded payload).
    fn attr(&mut self, ty: u16, payload: &[u8]) {
        let len = u16::try_from(4 + payload.len()).unwrap_or(u16::MAX);
        self.0.extend_from_slice(&len.to_ne_bytes());
        self.0.extend_from_slice(&ty.to_ne_bytes());
        self.0.extend_from_slice(payload);
        self.0.resize(align(self.0.len()), 0);
    }

    fn attr_str(&mut self, ty: u16, s: &str) {
        let mut b = Vec::with_capacity(s.len() + 1);
        b.extend_from_slice(s.as_bytes());
        b.push(0);
        self.attr(ty, &b);
    }

    fn finish(mut self) -> Vec<u8> {
        self.0.resize(align(self.0.len()), 0);
        let len = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        self.0[..4].copy_from_slice(&len.to_ne_bytes());
        self.0
    }
}

/// RTM_NEWLINK for `i` (rtnl_fill_ifinfo's common attributes): an
/// `ifinfomsg` then IFLA_IFNAME, TXQLEN, OPERSTATE, LINKMODE, MTU,
/// CARRIER, ADDRESS, BROADCAST, STATS. The counters are not kept, so
/// IFLA_STATS is zeros (getifaddrs hands it out as `ifa_data`).
pub fn link(i: &Interface, flags: u16, seq: u32, pid: u32) -> Vec<u8> {
    let mut b = Builder::new(RTM_NEWLINK, flags, seq, pid);
    b.raw(&[0, 0]); // ifi_family AF_UNSPEC, pad
    b.raw(&i.hw_type.to_ne_bytes());
    b.raw(&i32::try_from(i.index).unwrap_or(i32::MAX).to_ne_bytes());
    b.raw(&i.flags.to_ne_bytes());
    b.raw(&0u32.to_ne_bytes()); // ifi_change: 0 in dumps
    b.attr_str(ifla::IFNAME, i.name);
    b.attr(ifla::TXQLEN, &TXQLEN.to_ne_bytes());
    let oper = if i.hw_type == crate::net::iface::ARPHRD_LOOPBACK {
        IF_OPER_UNKNOWN
    } else {
        IF_OPER_UP
    };
    b.attr(ifla::OPERSTATE, &[oper]);
    b.attr(ifla::LINKMODE, &[0]);
    b.attr(ifla::MTU, &i.mtu.to_ne_bytes());
    b.attr(ifla::CARRIER, &[1]);
    b.attr(ifla::ADDRESS, &i.mac);
    let brd = if i.broadcast { [0xff; 6] } else { [0; 6] };
    b.attr(ifla::BROADCAST, &brd);
    b.attr(ifla::STATS, &[0; LINK_STATS_LEN]);
    b.finish()
}

/// RTM_NEWADDR for address `a` of `i`, with the attributes in Linux's
/// order: IPv4 (inet_fill_ifaddr) IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST
/// (when the interface has one), IFA_LABEL, IFA_FLAGS, IFA_CACHEINFO;
/// IPv6 (inet6_fill_ifaddr) IFA_ADDRESS, IFA_CACHEINFO, IFA_FLAGS. Every
/// address is permanent (infinite lifetimes).
pub fn addr(i: &Interface, a: &IfAddr, flags: u16, seq: u32, pid: u32) -> Vec<u8> {
    let mut b = Builder::new(RTM_NEWADDR, flags, seq, pid);
    let family = if a.addr.is_ipv4() { AF_INET } else { AF_INET6 };
    b.raw(&[family, a.prefix, IFA_F_PERMANENT, a.scope()]);
    b.raw(&i.index.to_ne_bytes());
    // struct ifa_cacheinfo: preferred, valid (INFINITY_LIFE_TIME), cstamp, tstamp.
    let mut cache = [0u8; 16];
    cache[..8].fill(0xff);
    let fl = u32::from(IFA_F_PERMANENT).to_ne_bytes();
    match a.addr {
        IpAddr::V4(v4) => {
            b.attr(ifa::ADDRESS, &v4.octets());
            b.attr(ifa::LOCAL, &v4.octets());
            if let Some(brd) = i.broadcast_v4(a) {
                b.attr(ifa::BROADCAST, &brd);
            }
            b.attr_str(ifa::LABEL, i.name);
            b.attr(ifa::FLAGS, &fl);
            b.attr(ifa::CACHEINFO, &cache);
        }
        IpAddr::V6(v6) => {
            b.attr(ifa::ADDRESS, &v6.octets());
            b.attr(ifa::CACHEINFO, &cache);
            b.attr(ifa::FLAGS, &fl);
        }
    }
    b.finish()
}

/// NLMSG_DONE ending a dump: NLM_F_MULTI, payload the dump's status (0).
pub fn done(seq: u32, pid: u32) -> Vec<u8> {
    let mut b = Builder::new(NLMSG_DONE, NLM_F_MULTI, seq, pid);
    b.raw(&0i32.to_ne_bytes());
    b.finish()
}

/// NLMSG_ERROR answering `req` (the request message, `nlmsg_len` bytes
/// or fewer) with `errno` (0: an acknowledgement), as `netlink_ack`
/// builds it: `struct nlmsgerr` holds the negated errno and the request's
/// header; the request's payload follows only for an error on a socket
/// without NETLINK_CAP_ACK, otherwise the message is NLM_F_CAPPED.
pub fn error(req: &[u8], errno: i32, cap_ack: bool, pid: u32) -> Vec<u8> {
    let h = Hdr::parse(req).unwrap_or(Hdr {
        len: 0,
        ty: 0,
        flags: 0,
        seq: 0,
        pid: 0,
    });
    let whole = errno != 0 && !cap_ack;
    let mut b = Builder::new(
        NLMSG_ERROR,
        if whole { 0 } else { NLM_F_CAPPED },
        h.seq,
        pid,
    );
    b.raw(&(-errno).to_ne_bytes());
    if whole {
        b.raw(req);
    } else {
        b.raw(&req[..HDRLEN.min(req.len())]);
    }
    b.finish()
}

/// Iterates over the messages of a datagram as `netlink_rcv_skb` does:
/// stops at a header shorter than 16 bytes or one whose `nlmsg_len` is
/// below the header size or beyond the data. Yields each message's
/// header and its `nlmsg_len` bytes.
pub fn messages(buf: &[u8]) -> impl Iterator<Item = (Hdr, &[u8])> {
    let mut rest = buf;
    core::iter::from_fn(move || {
        let h = Hdr::parse(rest)?;
        let len = usize::try_from(h.len).ok()?;
        if len < HDRLEN || len > rest.len() {
            return None;
        }
        let m = &rest[..len];
        rest = &rest[align(len).min(rest.len())..];
        Some((h, m))
    })
}

/// Iterates over the `struct rtattr`s in `b` (`RTA_OK`/`RTA_NEXT`):
/// `(type, payload)`; `None` as the last item if one is malformed.
pub fn attrs(b: &[u8]) -> impl Iterator<Item = Option<(u16, &[u8])>> {
    let mut rest = b;
    let mut bad = false;
    core::iter::from_fn(move || {
        if bad || rest.len() < 4 {
            return None;
        }
        let len = usize::from(u16::from_ne_bytes([rest[0], rest[1]]));
        let ty = u16::from_ne_bytes([rest[2], rest[3]]);
        if len < 4 || len > rest.len() {
            bad = true;
            return Some(None);
        }
        let payload = &rest[4..len];
        rest = &rest[align(len).min(rest.len())..];
        Some(Some((ty, payload)))
    })
}
