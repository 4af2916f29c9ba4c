//! The NETLINK_ROUTE protocol as the kernel side answers it, following
//! `netlink_rcv_skb` and `rtnetlink_rcv_msg` (net/core/rtnetlink.c):
//! RTM_GETLINK and RTM_GETADDR dumps (what getifaddrs(3),
//! if_nameindex(3), Go's net.Interfaces and libuv send), RTM_GETLINK for
//! one interface by index or name; every other request is answered
//! NLMSG_ERROR -EOPNOTSUPP (as Linux answers a type without a handler:
//! RTM_GETROUTE, RTM_GETNEIGH, ... are not kept here, and configuration
//! requests are refused the same way). Pure: the socket passes a
//! [`Sink`]. Neighbours: `msg` (encoding), `sock` (queues the replies).

use alloc::vec::Vec;

use super::msg::{
    self, Hdr, AF_INET, AF_INET6, HDRLEN, NLMSG_MIN_TYPE, NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI,
    NLM_F_REQUEST, RTM_GETADDR, RTM_GETLINK,
};
use crate::errno::Errno;
use crate::net::iface::{by_index, by_name, Interface};

/// `RTM_MAX` (linux/rtnetlink.h, up to RTM_GETTUNNEL): larger types are
/// EOPNOTSUPP before anything else is looked at.
const RTM_MAX: u16 = 123;
/// `RTM_BASE`.
const RTM_BASE: u16 = 16;
/// `sizeof(struct ifinfomsg)`.
const IFINFOMSG_LEN: usize = 16;

/// Where the answers go: the requesting socket.
pub trait Sink {
    /// Queues one reply datagram (a message, or an error/ack).
    fn reply(&mut self, msg: Vec<u8>);
    /// Starts a dump of `msgs`, to be followed by NLMSG_DONE with `seq`.
    ///
    /// # Errors
    /// EBUSY while an earlier dump of this socket is still running
    /// (`netlink_dump_start`).
    fn dump(&mut self, msgs: Vec<Vec<u8>>, seq: u32) -> Result<(), Errno>;
}

/// What one request came to.
enum Outcome {
    /// Handled; acknowledged if NLM_F_ACK asked for it.
    Ack,
    /// A dump started: no acknowledgement (netlink_dump_start's -EINTR).
    Dumping,
}

/// Processes the messages of one datagram sent by port `pid` to the
/// kernel (`netlink_rcv_skb`): requests are answered; a message without
/// NLM_F_REQUEST or of a control type is only acknowledged (if NLM_F_ACK);
/// an error is answered NLMSG_ERROR; a truncated message ends the
/// datagram silently.
pub fn receive(buf: &[u8], pid: u32, cap_ack: bool, ifs: &[Interface], out: &mut dyn Sink) {
    for (h, m) in msg::messages(buf) {
        let r = if h.flags & NLM_F_REQUEST == 0 || h.ty < NLMSG_MIN_TYPE {
            Ok(Outcome::Ack)
        } else {
            request(&h, m, pid, ifs, out)
        };
        match r {
            Ok(Outcome::Dumping) => {}
            Ok(Outcome::Ack) if h.flags & NLM_F_ACK == 0 => {}
            Ok(Outcome::Ack) => out.reply(msg::error(m, 0, cap_ack, pid)),
            Err(e) => out.reply(msg::error(m, e as i32, cap_ack, pid)),
        }
    }
}

/// One request (`rtnetlink_rcv_msg`).
fn request(
    h: &Hdr,
    m: &[u8],
    pid: u32,
    ifs: &[Interface],
    out: &mut dyn Sink,
) -> Result<Outcome, Errno> {
    if h.ty > RTM_MAX {
        return Err(Errno::EOPNOTSUPP);
    }
    // "All the messages must have at least 1 byte length" (the family).
    let Some(&family) = m.get(HDRLEN) else {
        return Ok(Outcome::Ack);
    };
    let get = (h.ty - RTM_BASE) & 3 == 2;
    if get && h.flags & NLM_F_DUMP != 0 {
        let msgs = match h.ty {
            RTM_GETLINK => ifs
                .iter()
                .map(|i| msg::link(i, NLM_F_MULTI, h.seq, pid))
                .collect(),
            RTM_GETADDR => addr_dump(ifs, family, h.seq, pid),
            _ => return Err(Errno::EOPNOTSUPP),
        };
        out.dump(msgs, h.seq)?;
        return Ok(Outcome::Dumping);
    }
    match h.ty {
        RTM_GETLINK => {
            let i = getlink(m, ifs)?;
            out.reply(msg::link(i, 0, h.seq, pid));
            Ok(Outcome::Ack)
        }
        _ => Err(Errno::EOPNOTSUPP),
    }
}

/// The RTM_NEWADDR messages of a GETADDR dump: AF_INET or AF_INET6 alone
/// when asked, else every family in order (`rtnl_dump_all`), each over
/// the interfaces by index.
fn addr_dump(ifs: &[Interface], family: u8, seq: u32, pid: u32) -> Vec<Vec<u8>> {
    let fams: &[u8] = match family {
        AF_INET => &[AF_INET],
        AF_INET6 => &[AF_INET6],
        _ => &[AF_INET, AF_INET6],
    };
    let mut v = Vec::new();
    for &f in fams {
        for i in ifs {
            for a in i
                .addrs
                .iter()
                .filter(|a| a.addr.is_ipv4() == (f == AF_INET))
            {
                v.push(msg::addr(i, a, NLM_F_MULTI, seq, pid));
            }
        }
    }
    v
}

/// RTM_GETLINK without NLM_F_DUMP (`rtnl_getlink`): the interface named
/// by `ifi_index`, else by IFLA_IFNAME.
///
/// # Errors
/// EINVAL for a message shorter than an `ifinfomsg` or naming no
/// interface; ENODEV when none matches.
fn getlink<'a>(m: &[u8], ifs: &'a [Interface]) -> Result<&'a Interface, Errno> {
    let Some(fixed) = m.get(HDRLEN..HDRLEN + IFINFOMSG_LEN) else {
        return Err(Errno::EINVAL);
    };
    let index = i32::from_ne_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
    if index > 0 {
        return by_index(ifs, i64::from(index)).ok_or(Errno::ENODEV);
    }
    let name = msg::attrs(&m[HDRLEN + IFINFOMSG_LEN..])
        .map_while(|a| a)
        .find(|&(ty, _)| ty == msg::ifla::IFNAME)
        .map(|(_, p)| &p[..p.iter().position(|&c| c == 0).unwrap_or(p.len())]);
    match name {
        Some(n) => by_name(ifs, n).ok_or(Errno::ENODEV),
        None => Err(Errno::EINVAL),
    }
}
