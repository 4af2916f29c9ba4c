//! Host tests of AF_NETLINK: the socket object against a stack with
//! loopback and a fake NIC (dumps, pacing, errors, ports), the message
//! layouts byte by byte against what Linux 6.x sends (captured natively).

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use rumprun_config::net::{Ipv4Mode, Ipv6Mode, NetConfig};

use super::msg::{self, Hdr, NLMSG_DONE, NLMSG_ERROR, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR};
use super::{socket, Ports, AF_NETLINK, SOCK_RAW};
use crate::errno::Errno;
use crate::fd::FileOps;
use crate::net::inet::Net;
use crate::net::{MsgFlags, NetDevice, RxFrame, SockAddr, SockEnv, Socket, TxChecksum};
use crate::vfs::etc::EtcConfig;
use crate::wait::WaitHub;

const MAC: [u8; 6] = [0x52, 0x54, 0, 0x12, 0x34, 0x56];

/// A NIC that never receives and swallows what is sent.
struct QuietNic;

impl NetDevice for QuietNic {
    fn mac(&self) -> [u8; 6] {
        MAC
    }
    fn mtu(&self) -> usize {
        1500
    }
    fn receive(&mut self) -> Option<RxFrame> {
        None
    }
    fn can_transmit(&mut self) -> bool {
        true
    }
    fn transmit(&mut self, _frame: &[u8], _csum: Option<TxChecksum>) -> bool {
        true
    }
}

struct T {
    hub: Arc<WaitHub>,
    net: Arc<Net>,
    ports: Ports,
    files: crate::files::Files,
}

impl T {
    fn new(nic: bool) -> T {
        let hub = WaitHub::new();
        hub.set_now(1_000_000_000);
        let etc = EtcConfig::new("box", 0, 0);
        let cfg = NetConfig {
            ipv4: Ipv4Mode::Static {
                addr: [10, 0, 2, 15],
                prefix: 24,
                gateway: Some([10, 0, 2, 2]),
            },
            ipv6: Ipv6Mode::Off,
            dns: vec![],
            mtu: None,
        };
        let net = Net::new(&hub, "box", cfg, etc.net.clone());
        if nic {
            net.attach(Box::new(QuietNic), 7, hub.now_ns());
        }
        let files = crate::files::Files::new(etc, 64 << 20);
        T {
            hub,
            net,
            ports: Ports::default(),
            files,
        }
    }

    fn sock(&self) -> Arc<dyn FileOps> {
        socket(&self.hub, &self.net, &self.ports, SOCK_RAW, 0, true).expect("a netlink socket")
    }

    fn send(&mut self, f: &Arc<dyn FileOps>, m: &[u8]) -> Result<usize, Errno> {
        let mut env = SockEnv {
            files: &mut self.files,
        };
        so(f)
            .send(&mut env, m, None, MsgFlags(0))
            .map_err(|e| e.errno)
    }

    fn bind(&mut self, f: &Arc<dyn FileOps>, pid: u32) -> Result<(), Errno> {
        let mut env = SockEnv {
            files: &mut self.files,
        };
        so(f)
            .bind(&mut env, &SockAddr::Netlink { pid, groups: 0 })
            .map_err(|e| e.errno)
    }
}

fn so(f: &Arc<dyn FileOps>) -> &dyn Socket {
    f.as_socket().expect("a socket")
}

/// A request: header and payload, `nlmsg_len` set to the whole.
fn req(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    let len = u32::try_from(16 + payload.len()).unwrap();
    v.extend_from_slice(&len.to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(&0u32.to_ne_bytes());
    v.extend_from_slice(payload);
    v
}

/// musl's dump request: an rtgenmsg padded to 4 bytes.
fn dump_req(ty: u16, family: u8, seq: u32) -> Vec<u8> {
    req(ty, 0x301, seq, &[family, 0, 0, 0])
}

/// Receives one datagram (nonblocking).
fn recv(f: &Arc<dyn FileOps>) -> Result<Vec<u8>, Errno> {
    let mut b = vec![0u8; 8192];
    let r = so(f).recv(&mut b, MsgFlags(0)).map_err(|e| e.errno)?;
    assert_eq!(r.from, Some(SockAddr::Netlink { pid: 0, groups: 0 }));
    b.truncate(r.len);
    Ok(b)
}

/// The messages of a datagram.
fn msgs(d: &[u8]) -> Vec<(Hdr, Vec<u8>)> {
    msg::messages(d).map(|(h, m)| (h, m.to_vec())).collect()
}

/// The attributes of a message after its fixed part of `fixed` bytes.
fn attrs(m: &[u8], fixed: usize) -> Vec<(u16, Vec<u8>)> {
    msg::attrs(&m[16 + fixed..])
        .map(|a| a.expect("well-formed attributes"))
        .map(|(t, p)| (t, p.to_vec()))
        .collect()
}

fn attr(m: &[u8], fixed: usize, ty: u16) -> Option<Vec<u8>> {
    attrs(m, fixed)
        .into_iter()
        .find(|(t, _)| *t == ty)
        .map(|(_, p)| p)
}

#[test]
fn getlink_dump_sends_links_then_done_alone() {
    let mut t = T::new(true);
    let s = t.sock();
    assert_eq!(u32::from(s.poll().0) & 1, 0);
    let r = dump_req(RTM_GETLINK, 0, 1);
    assert_eq!(t.send(&s, &r), Ok(r.len()));
    assert_eq!(u32::from(s.poll().0) & 1, 1, "readable once answered");
    let d = recv(&s).unwrap();
    let m = msgs(&d);
    assert_eq!(m.len(), 2);
    let me = match so(&s).local_addr().unwrap() {
        SockAddr::Netlink { pid, .. } => pid,
        a => panic!("{a:?}"),
    };
    assert_eq!(me, 1, "the first port is the pid");
    for (h, _) in &m {
        assert_eq!((h.ty, h.flags, h.seq, h.pid), (16, 2, 1, me));
    }
    // lo: ifinfomsg { AF_UNSPEC, ARPHRD_LOOPBACK, index 1, flags 0x10049 }.
    let lo = &m[0].1;
    assert_eq!(&lo[16..20], &[0, 0, 0x04, 0x03]);
    assert_eq!(&lo[20..28], &[1, 0, 0, 0, 0x49, 0, 1, 0]);
    assert_eq!(attr(lo, 16, msg::ifla::IFNAME).unwrap(), b"lo\0");
    assert_eq!(
        attr(lo, 16, msg::ifla::MTU).unwrap(),
        65536u32.to_ne_bytes()
    );
    assert_eq!(attr(lo, 16, msg::ifla::ADDRESS).unwrap(), [0; 6]);
    assert_eq!(attr(lo, 16, msg::ifla::STATS).unwrap().len(), 96);
    let eth = &m[1].1;
    assert_eq!(&eth[18..24], &[1, 0, 2, 0, 0, 0]);
    assert_eq!(&eth[24..28], &0x11043u32.to_ne_bytes());
    assert_eq!(attr(eth, 16, msg::ifla::IFNAME).unwrap(), b"eth0\0");
    assert_eq!(attr(eth, 16, msg::ifla::ADDRESS).unwrap(), MAC);
    assert_eq!(attr(eth, 16, msg::ifla::BROADCAST).unwrap(), [0xff; 6]);
    assert_eq!(
        attr(eth, 16, msg::ifla::MTU).unwrap(),
        1500u32.to_ne_bytes()
    );
    // Linux: NLMSG_DONE comes in a datagram of its own, queued by the
    // receive that took the last data.
    let d = recv(&s).unwrap();
    assert_eq!(
        d,
        [
            &20u32.to_ne_bytes()[..],
            &[3, 0, 2, 0],
            &1u32.to_ne_bytes(),
            &me.to_ne_bytes(),
            &[0; 4]
        ]
        .concat()
    );
    assert_eq!(recv(&s), Err(Errno::EAGAIN));
    assert_eq!(u32::from(s.poll().0), 0x104, "POLLOUT|POLLWRNORM when idle");
}

#[test]
fn getaddr_dump_filters_by_family_in_linux_attribute_order() {
    let mut t = T::new(true);
    let s = t.sock();
    t.send(&s, &dump_req(RTM_GETADDR, 2, 5)).unwrap();
    let m = msgs(&recv(&s).unwrap());
    assert_eq!(recv(&s).map(|d| msgs(&d)[0].0.ty), Ok(NLMSG_DONE));
    assert_eq!(m.len(), 2);
    let lo = &m[0].1;
    assert_eq!(m[0].0.ty, RTM_NEWADDR);
    // ifaddrmsg { AF_INET, /8, IFA_F_PERMANENT, RT_SCOPE_HOST, index 1 }.
    assert_eq!(&lo[16..24], &[2, 8, 0x80, 254, 1, 0, 0, 0]);
    let types: Vec<u16> = attrs(lo, 8).iter().map(|a| a.0).collect();
    assert_eq!(
        types,
        [1, 2, 3, 8, 6],
        "ADDRESS LOCAL LABEL FLAGS CACHEINFO"
    );
    assert_eq!(attr(lo, 8, msg::ifa::LOCAL).unwrap(), [127, 0, 0, 1]);
    assert_eq!(attr(lo, 8, msg::ifa::LABEL).unwrap(), b"lo\0");
    let eth = &m[1].1;
    assert_eq!(&eth[16..24], &[2, 24, 0x80, 0, 2, 0, 0, 0]);
    assert_eq!(attr(eth, 8, msg::ifa::BROADCAST).unwrap(), [10, 0, 2, 255]);
    assert_eq!(attr(eth, 8, msg::ifa::ADDRESS).unwrap(), [10, 0, 2, 15]);

    // AF_UNSPEC: IPv4 of every interface, then IPv6 (::1, eth0's fe80::).
    t.send(&s, &dump_req(RTM_GETADDR, 0, 6)).unwrap();
    let m = msgs(&recv(&s).unwrap());
    let fams: Vec<(u8, u8, u8)> = m.iter().map(|(_, b)| (b[16], b[17], b[19])).collect();
    assert_eq!(
        fams,
        [(2, 8, 254), (2, 24, 0), (10, 128, 254), (10, 64, 253)]
    );
    let ll = attr(&m[3].1, 8, msg::ifa::ADDRESS).unwrap();
    assert_eq!(&ll[..2], &[0xfe, 0x80]);
    assert_eq!(&ll[8..], &[0x50, 0x54, 0, 0xff, 0xfe, 0x12, 0x34, 0x56]);
}

#[test]
fn unsupported_requests_get_eopnotsupp_with_the_request_echoed() {
    let mut t = T::new(false);
    let s = t.sock();
    let r = req(1000, 1, 7, &[0xaa, 0, 0, 0]);
    t.send(&s, &r).unwrap();
    let d = recv(&s).unwrap();
    // What Linux 6.18 sent for this request (pid aside).
    assert_eq!(d.len(), 40);
    let h = Hdr::parse(&d).unwrap();
    assert_eq!(
        (h.len, h.ty, h.flags, h.seq, h.pid),
        (40, NLMSG_ERROR, 0, 7, 1)
    );
    assert_eq!(&d[16..20], &(-95i32).to_ne_bytes());
    assert_eq!(&d[20..], &r[..]);
    // RTM_GETROUTE dumps are not kept: EOPNOTSUPP too, no dump started.
    t.send(&s, &dump_req(26, 0, 8)).unwrap();
    let d = recv(&s).unwrap();
    assert_eq!(&d[16..20], &(-95i32).to_ne_bytes());
    assert_eq!(recv(&s), Err(Errno::EAGAIN));
    // NETLINK_CAP_ACK: only the header comes back, NLM_F_CAPPED.
    so(&s).set_option(270, 10, &1i32.to_ne_bytes()).unwrap();
    assert_eq!(so(&s).get_option(270, 10).unwrap(), 1i32.to_ne_bytes());
    t.send(&s, &r).unwrap();
    let d = recv(&s).unwrap();
    assert_eq!(d.len(), 36);
    assert_eq!(Hdr::parse(&d).unwrap().flags, 0x100);
}

#[test]
fn acks_short_messages_and_single_getlink() {
    let mut t = T::new(true);
    let s = t.sock();
    // No NLM_F_REQUEST: only acknowledged (error 0, header only, CAPPED).
    t.send(&s, &req(RTM_GETLINK, 4, 7, &[0; 4])).unwrap();
    let d = recv(&s).unwrap();
    assert_eq!(d.len(), 36);
    assert_eq!(&d[4..8], &[2, 0, 0, 1]);
    assert_eq!(&d[16..20], &[0; 4]);
    // A header claiming 12 bytes ends the datagram: no answer at all.
    let mut short = req(RTM_GETLINK, 1, 7, &[0; 4]);
    short[0] = 12;
    t.send(&s, &short).unwrap();
    assert_eq!(recv(&s), Err(Errno::EAGAIN));
    // An empty payload: nothing to answer, acknowledged if asked.
    t.send(&s, &req(RTM_GETLINK, 1, 7, &[])).unwrap();
    assert_eq!(recv(&s), Err(Errno::EAGAIN));
    // GETLINK without NLM_F_DUMP needs an ifinfomsg (EINVAL), an index
    // (ENODEV if unknown) or a name.
    let mut m = req(RTM_GETLINK, 1, 3, &[0; 1]);
    m[0] = 17;
    t.send(&s, &m).unwrap();
    let d = recv(&s).unwrap();
    assert_eq!((d.len(), &d[16..20]), (40, &(-22i32).to_ne_bytes()[..]));
    let ifi = |index: i32| {
        let mut p = vec![0u8; 16];
        p[4..8].copy_from_slice(&index.to_ne_bytes());
        p
    };
    t.send(&s, &req(RTM_GETLINK, 5, 3, &ifi(1))).unwrap();
    let d = recv(&s).unwrap();
    let h = Hdr::parse(&d).unwrap();
    assert_eq!((h.ty, h.flags, h.seq), (16, 0, 3));
    let ack = recv(&s).unwrap();
    assert_eq!(&ack[16..20], &[0; 4]);
    t.send(&s, &req(RTM_GETLINK, 1, 3, &ifi(99))).unwrap();
    assert_eq!(&recv(&s).unwrap()[16..20], &(-19i32).to_ne_bytes());
    t.send(&s, &req(RTM_GETLINK, 1, 3, &ifi(0))).unwrap();
    assert_eq!(&recv(&s).unwrap()[16..20], &(-22i32).to_ne_bytes());
    let mut p = ifi(0);
    p.extend_from_slice(&[9, 0, 3, 0, b'e', b't', b'h', b'0', 0, 0, 0, 0]);
    t.send(&s, &req(RTM_GETLINK, 1, 3, &p)).unwrap();
    let d = recv(&s).unwrap();
    assert_eq!(&d[20..24], &2i32.to_ne_bytes());
}

#[test]
fn a_second_dump_before_the_first_is_read_is_ebusy() {
    let mut t = T::new(false);
    let s = t.sock();
    let r = dump_req(RTM_GETLINK, 0, 7);
    t.send(&s, &r).unwrap();
    t.send(&s, &r).unwrap();
    assert_eq!(msgs(&recv(&s).unwrap())[0].0.ty, 16);
    let e = recv(&s).unwrap();
    assert_eq!(&e[16..20], &(-16i32).to_ne_bytes());
    assert_eq!(msgs(&recv(&s).unwrap())[0].0.ty, NLMSG_DONE);
    // Over now: a new dump starts.
    t.send(&s, &r).unwrap();
    assert_eq!(msgs(&recv(&s).unwrap())[0].0.ty, 16);
}

#[test]
fn peek_and_truncation_follow_datagram_rules() {
    let mut t = T::new(true);
    let s = t.sock();
    t.send(&s, &dump_req(RTM_GETADDR, 2, 1)).unwrap();
    let mut b = [0u8; 10];
    let r = so(&s).recv(&mut b, MsgFlags(MsgFlags::PEEK)).unwrap();
    assert_eq!(r.len, 10);
    assert!(r.full_len > 10);
    assert_eq!(so(&s).readable_bytes(), r.full_len);
    let r2 = so(&s).recv(&mut b, MsgFlags(0)).unwrap();
    assert_eq!(r2.full_len, r.full_len, "the peeked datagram again");
    // The rest of a truncated datagram is gone; DONE follows.
    assert_eq!(msgs(&recv(&s).unwrap())[0].0.ty, NLMSG_DONE);
}

#[test]
fn ports_bind_autobind_and_release() {
    let mut t = T::new(false);
    let a = t.sock();
    assert_eq!(
        so(&a).local_addr().unwrap(),
        SockAddr::Netlink { pid: 0, groups: 0 }
    );
    t.bind(&a, 0).unwrap();
    assert_eq!(
        so(&a).local_addr().unwrap(),
        SockAddr::Netlink { pid: 1, groups: 0 }
    );
    assert_eq!(t.bind(&a, 5), Err(Errno::EINVAL));
    assert_eq!(t.bind(&a, 1), Ok(()));
    let b = t.sock();
    assert_eq!(t.bind(&b, 1), Err(Errno::EADDRINUSE));
    t.bind(&b, 0).unwrap();
    assert_eq!(
        so(&b).local_addr().unwrap(),
        SockAddr::Netlink {
            pid: (-4096i32) as u32,
            groups: 0
        }
    );
    // A datagram to another port reaches that socket; an unbound port
    // is ECONNREFUSED.
    let mut env = SockEnv {
        files: &mut t.files,
    };
    let to = SockAddr::Netlink { pid: 1, groups: 0 };
    assert_eq!(so(&b).send(&mut env, b"hi", Some(&to), MsgFlags(0)), Ok(2));
    let mut buf = [0u8; 8];
    let r = so(&a).recv(&mut buf, MsgFlags(0)).unwrap();
    assert_eq!(
        r.from,
        Some(SockAddr::Netlink {
            pid: (-4096i32) as u32,
            groups: 0
        })
    );
    let nobody = SockAddr::Netlink { pid: 77, groups: 0 };
    let e = so(&b).send(&mut env, b"hi", Some(&nobody), MsgFlags(0));
    assert_eq!(e.unwrap_err().errno, Errno::ECONNREFUSED);
    let inet = SockAddr::Inet {
        addr: [127, 0, 0, 1],
        port: 1,
    };
    let e = so(&b).send(&mut env, b"hi", Some(&inet), MsgFlags(0));
    assert_eq!(e.unwrap_err().errno, Errno::EINVAL);
    // Closing frees the port.
    drop(a);
    let c = t.sock();
    assert_eq!(t.bind(&c, 1), Ok(()));
    assert_eq!(
        so(&c)
            .shutdown(crate::net::Shutdown::Both)
            .unwrap_err()
            .errno,
        Errno::EOPNOTSUPP
    );
    assert_eq!(so(&c).listen(1).unwrap_err().errno, Errno::EOPNOTSUPP);
}

#[test]
fn a_full_receive_queue_drops_replies_and_reports_enobufs() {
    let mut t = T::new(false);
    let s = t.sock();
    s.as_socket().unwrap().common().opts.lock().rcvbuf = 100;
    let r = req(1000, 1, 7, &[0; 4]);
    for _ in 0..4 {
        t.send(&s, &r).unwrap();
    }
    assert_eq!(recv(&s), Err(Errno::ENOBUFS));
    assert_eq!(recv(&s).map(|d| d.len()), Ok(40));
}

#[test]
fn socket_checks_type_and_protocol() {
    let t = T::new(false);
    let e = |ty, proto| {
        socket(&t.hub, &t.net, &t.ports, ty, proto, false)
            .map(|_| ())
            .unwrap_err()
            .errno
    };
    assert_eq!(e(1, 0), Errno::ESOCKTNOSUPPORT);
    assert_eq!(e(SOCK_RAW, 99), Errno::EPROTONOSUPPORT);
    assert_eq!(e(SOCK_RAW, 16), Errno::EPROTONOSUPPORT);
    let s = socket(&t.hub, &t.net, &t.ports, 2, 0, false).unwrap();
    assert_eq!((so(&s).domain(), so(&s).sock_type()), (AF_NETLINK, 2));
}

#[test]
fn arbitrary_bytes_never_panic_and_every_reply_is_well_formed() {
    let mut t = T::new(true);
    let s = t.sock();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..3000 {
        let len = usize::try_from(next() % 96).unwrap();
        let mut b: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // Make most datagrams start with a plausible header so the
        // request paths run, not only the framing checks.
        if round % 4 != 0 && len >= 16 {
            let l = u32::try_from(16 + next() % u64::try_from(len - 15).unwrap()).unwrap();
            b[..4].copy_from_slice(&l.to_ne_bytes());
            let ty = [2u16, 3, 16, 18, 20, 22, 26, 1000][usize::try_from(next() % 8).unwrap()];
            b[4..6].copy_from_slice(&ty.to_ne_bytes());
            b[6] |= 1;
        }
        assert_eq!(t.send(&s, &b), Ok(b.len()));
        while let Ok(d) = recv(&s) {
            let m = msgs(&d);
            assert!(!m.is_empty(), "a reply datagram holds messages");
            let total: usize = m.iter().map(|(h, _)| msg::align(h.len as usize)).sum();
            assert_eq!(total, d.len());
        }
    }
}
