//! The NIC path: our stack wired (through a fake `NetDevice`) to a second
//! smoltcp stack at 10.0.2.2 playing the host — TCP both ways with ARP,
//! UDP, DHCP from a small DHCP server on that peer, static configuration;
//! the same with checksum offload, the fake completing and vouching for
//! checksums as a virtio device does.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use rumprun_config::net::{Ipv4Mode, Ipv6Mode, NetConfig};
use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
use smoltcp::socket::{tcp, udp};
use smoltcp::time::Instant;
use smoltcp::wire::{
    DhcpMessageType, DhcpPacket, DhcpRepr, EthernetAddress, HardwareAddress, IpAddress, IpCidr,
    Ipv4Address,
};
use spin::Mutex;

use super::*;
use crate::net::{MsgFlags, NetDevice, Offload, RxChecksum, RxFrame, TxChecksum};

/// Frames in flight both ways.
#[derive(Default)]
pub(crate) struct Wire {
    /// Frames for the guest (our stack).
    pub to_guest: VecDeque<Vec<u8>>,
    /// Frames the guest sent.
    pub from_guest: VecDeque<Vec<u8>>,
    /// How each frame for the guest is marked with receive offload (the
    /// mark is dropped without); it may change the frame, as a device
    /// handing over a NEEDS_CSUM frame leaves the checksum incomplete, or
    /// a corrupted one. The frame's number is passed.
    pub rx_mark: Option<fn(usize, &mut [u8]) -> RxChecksum>,
    /// Frames received so far.
    pub received: usize,
    /// Transmit checksums the fake device completed.
    pub completed: usize,
    /// TCP/UDP frames sent without a request although tx offload is on.
    pub unrequested: usize,
}

/// Our side of the wire.
pub(crate) struct FakeNic(Arc<Mutex<Wire>>, Offload);

impl FakeNic {
    pub fn new() -> (FakeNic, Arc<Mutex<Wire>>) {
        FakeNic::with_offload(Offload::default())
    }

    /// A fake that offers `offload`.
    pub fn with_offload(offload: Offload) -> (FakeNic, Arc<Mutex<Wire>>) {
        let w = Arc::new(Mutex::new(Wire::default()));
        (FakeNic(w.clone(), offload), w)
    }
}

/// The checksum field of an IPv4 TCP/UDP frame (what the tests send).
fn l4_checksum_at(f: &[u8]) -> Option<usize> {
    if f.get(12..14)? != [8, 0] {
        return None;
    }
    let start = 14 + usize::from(f.get(14)? & 0xf) * 4;
    match f.get(23)? {
        6 => Some(start + 16),
        17 => Some(start + 6),
        _ => None,
    }
}

/// Marks every TCP/UDP frame Verified and breaks its checksum, as a
/// NEEDS_CSUM frame arrives with only the pseudo-header sum: a stack that
/// still checked would never get a segment through.
fn verified_broken(_n: usize, f: &mut [u8]) -> RxChecksum {
    match l4_checksum_at(f) {
        Some(at) => {
            f[at] ^= 0x5a;
            RxChecksum::Verified
        }
        None => RxChecksum::Unverified,
    }
}

/// Marks every other frame as [`verified_broken`] does; the others go
/// unmarked and intact (the stack checks those itself).
fn alternate_marks(n: usize, f: &mut [u8]) -> RxChecksum {
    if n.is_multiple_of(2) {
        verified_broken(n, f)
    } else {
        RxChecksum::Unverified
    }
}

impl NetDevice for FakeNic {
    fn mac(&self) -> [u8; 6] {
        [0x52, 0x54, 0, 0x12, 0x34, 0x56]
    }
    fn mtu(&self) -> usize {
        1500
    }
    fn offload(&self) -> Offload {
        self.1
    }
    fn receive(&mut self) -> Option<RxFrame> {
        let mut w = self.0.lock();
        let mut data = w.to_guest.pop_front()?;
        let n = w.received;
        w.received += 1;
        // A device without receive offload marks nothing.
        let checksum = match w.rx_mark.map(|mark| mark(n, &mut data)) {
            Some(c) if self.1.rx_checksum => c,
            _ => RxChecksum::Unverified,
        };
        Some(RxFrame { data, checksum })
    }
    fn can_transmit(&mut self) -> bool {
        true
    }
    fn transmit(&mut self, frame: &[u8], csum: Option<TxChecksum>) -> bool {
        let mut w = self.0.lock();
        let mut f = frame.to_vec();
        match csum {
            Some(req) => {
                assert!(self.1.tx_checksum, "a checksum request without tx offload");
                super::csum::device_completes(&mut f, req);
                w.completed += 1;
            }
            None if self.1.tx_checksum && l4_checksum_at(&f).is_some() => w.unrequested += 1,
            None => {}
        }
        w.from_guest.push_back(f);
        true
    }
}

/// The peer's side of the wire as a smoltcp device.
struct PeerDev(Arc<Mutex<Wire>>);

struct Rx(Vec<u8>);
impl phy::RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}
struct Tx(Arc<Mutex<Wire>>);
impl phy::TxToken for Tx {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut b = vec![0; len];
        let r = f(&mut b);
        self.0.lock().to_guest.push_back(b);
        r
    }
}

impl Device for PeerDev {
    type RxToken<'a> = Rx;
    type TxToken<'a> = Tx;
    fn receive(&mut self, _t: Instant) -> Option<(Rx, Tx)> {
        let f = self.0.lock().from_guest.pop_front()?;
        Some((Rx(f), Tx(self.0.clone())))
    }
    fn transmit(&mut self, _t: Instant) -> Option<Tx> {
        Some(Tx(self.0.clone()))
    }
    fn capabilities(&self) -> DeviceCapabilities {
        let mut c = DeviceCapabilities::default();
        c.medium = Medium::Ethernet;
        c.max_transmission_unit = 1514;
        c
    }
}

/// The host: a smoltcp stack at 10.0.2.2/24 on the wire.
struct Peer {
    iface: Interface,
    dev: PeerDev,
    set: SocketSet<'static>,
}

impl Peer {
    fn new(wire: &Arc<Mutex<Wire>>, now: u64) -> Peer {
        let mut dev = PeerDev(wire.clone());
        let c = Config::new(HardwareAddress::Ethernet(EthernetAddress([
            2, 0, 0, 0, 0, 2,
        ])));
        let mut iface = Interface::new(c, &mut dev, super::super::stack::instant(now));
        iface.update_ip_addrs(|a| {
            let _ = a.push(IpCidr::new(IpAddress::v4(10, 0, 2, 2), 24));
        });
        Peer {
            iface,
            dev,
            set: SocketSet::new(Vec::new()),
        }
    }

    fn poll(&mut self, now: u64) {
        self.iface.poll(
            super::super::stack::instant(now),
            &mut self.dev,
            &mut self.set,
        );
    }

    fn tcp(&mut self) -> SocketHandle {
        let s = tcp::Socket::new(
            tcp::SocketBuffer::new(vec![0; 65536]),
            tcp::SocketBuffer::new(vec![0; 65536]),
        );
        self.set.add(s)
    }
}

fn static_cfg() -> NetConfig {
    NetConfig {
        ipv4: Ipv4Mode::Static {
            addr: [10, 0, 2, 15],
            prefix: 24,
            gateway: Some([10, 0, 2, 2]),
        },
        ipv6: Ipv6Mode::Off,
        dns: vec![vec![10, 0, 2, 3]],
        mtu: None,
    }
}

/// Runs both stacks for `ms` milliseconds of simulated time.
fn run(t: &T, peer: &mut Peer, ms: u64) {
    for _ in 0..ms {
        t.tick(1);
        peer.poll(t.hub.now_ns());
        let _ = t.net.poll(t.hub.now_ns());
    }
}

/// Both offloads.
const BOTH: Offload = Offload {
    tx_checksum: true,
    rx_checksum: true,
};

/// A NIC offering `offload` and, if that includes receive offload,
/// marking received frames with `mark`, attached to a stack configured
/// by `cfg`.
fn attached(
    cfg: NetConfig,
    offload: Offload,
    mark: fn(usize, &mut [u8]) -> RxChecksum,
) -> (T, Arc<Mutex<Wire>>) {
    let t = T::with_cfg(cfg);
    let (nic, wire) = FakeNic::with_offload(offload);
    if offload.rx_checksum {
        wire.lock().rx_mark = Some(mark);
    }
    t.net.attach(Box::new(nic), 7, t.hub.now_ns());
    (t, wire)
}

/// Checks the offload counters after a test: with tx offload every
/// TCP/UDP frame was left to the device, without it none was.
fn check_offload_use(wire: &Arc<Mutex<Wire>>, offload: Offload) {
    let w = wire.lock();
    assert_eq!(w.unrequested, 0, "TCP/UDP frames sent with no request");
    assert_eq!(w.completed > 0, offload.tx_checksum);
}

#[test]
fn tcp_both_ways_across_the_nic_every_byte_checked() {
    tcp_both_ways(Offload::default());
}

#[test]
fn tcp_both_ways_with_checksum_offload() {
    tcp_both_ways(BOTH);
}

fn tcp_both_ways(offload: Offload) {
    let (t, wire) = attached(static_cfg(), offload, verified_broken);
    let (line, _) = (t.net.poll(t.hub.now_ns()).1, ());
    assert_eq!(
        line.as_deref(),
        Some("rumprun: eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3\n")
    );
    let mut peer = Peer::new(&wire, t.hub.now_ns());
    // Guest listens on 80, the host connects.
    let l = t.tcp4();
    l.bind_to(&a4([0; 4], 80)).unwrap();
    l.listen(16).unwrap();
    let h = peer.tcp();
    let cx = peer.iface.context();
    peer.set
        .get_mut::<tcp::Socket>(h)
        .connect(cx, (IpAddress::v4(10, 0, 2, 15), 80), 40000)
        .unwrap();
    run(&t, &mut peer, 50);
    let (s, from) = l.accept(true).unwrap();
    assert_eq!(from, a4([10, 0, 2, 2], 40000));
    assert_eq!(so(&s).local_addr().unwrap(), a4([10, 0, 2, 15], 80));
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let mut sent = 0;
    let mut got = Vec::new();
    let mut buf = vec![0u8; 8192];
    for _ in 0..20_000 {
        if sent < data.len() {
            if let Ok(n) = s.write(&data[sent..]) {
                sent += n;
            }
        }
        let ps = peer.set.get_mut::<tcp::Socket>(h);
        if ps.can_recv() {
            let n = ps.recv_slice(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        if got.len() == data.len() {
            break;
        }
        run(&t, &mut peer, 1);
    }
    assert_eq!(got.len(), data.len());
    assert!(got == data);
    // Guest connects out to the host's 8080.
    let h2 = peer.tcp();
    peer.set.get_mut::<tcp::Socket>(h2).listen(8080).unwrap();
    let c = t.tcp4();
    c.connect_to(&a4([10, 0, 2, 2], 8080)).unwrap();
    assert_eq!(c.finish_connect(), None);
    run(&t, &mut peer, 20);
    assert_eq!(c.finish_connect(), Some(Ok(())));
    peer.set
        .get_mut::<tcp::Socket>(h2)
        .send_slice(b"from host")
        .unwrap();
    run(&t, &mut peer, 5);
    let mut b = [0u8; 16];
    assert_eq!(c.read(&mut b).unwrap(), 9);
    assert_eq!(&b[..9], b"from host");
    // Our own address goes through loopback.
    let me = t.tcp4();
    me.connect_to(&a4([10, 0, 2, 15], 80)).unwrap();
    assert_eq!(me.finish_connect(), Some(Ok(())));
    assert!(l.accept(true).is_ok());
    // A RST from the host refuses a connect.
    let r = t.tcp4();
    r.connect_to(&a4([10, 0, 2, 2], 9)).unwrap();
    run(&t, &mut peer, 5);
    assert_eq!(
        r.finish_connect().unwrap().unwrap_err().errno,
        Errno::ECONNREFUSED
    );
    check_offload_use(&wire, offload);
}

#[test]
fn udp_across_the_nic() {
    udp_across(Offload::default());
}

#[test]
fn udp_with_checksum_offload() {
    udp_across(BOTH);
}

fn udp_across(offload: Offload) {
    let (t, wire) = attached(static_cfg(), offload, alternate_marks);
    let mut peer = Peer::new(&wire, t.hub.now_ns());
    let mut us = udp::Socket::new(
        udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 16], vec![0; 65536]),
        udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 16], vec![0; 65536]),
    );
    us.bind(5353).unwrap();
    let uh = peer.set.add(us);
    let u = t.udp4();
    u.send_to(b"ping", Some(&a4([10, 0, 2, 2], 5353)), MsgFlags::default())
        .unwrap();
    run(&t, &mut peer, 10);
    let (n, meta) = {
        let mut b = [0u8; 16];
        let (n, m) = peer
            .set
            .get_mut::<udp::Socket>(uh)
            .recv_slice(&mut b)
            .unwrap();
        assert_eq!(&b[..n], b"ping");
        (n, m)
    };
    assert_eq!(n, 4);
    peer.set
        .get_mut::<udp::Socket>(uh)
        .send_slice(b"pong", meta.endpoint)
        .unwrap();
    run(&t, &mut peer, 10);
    let mut b = [0u8; 16];
    let r = u.recv(&mut b, MsgFlags::default()).unwrap();
    assert_eq!(&b[..r.len], b"pong");
    assert_eq!(r.from, Some(a4([10, 0, 2, 2], 5353)));
    let big = vec![0u8; 1473];
    assert_eq!(
        errno(u.send_to(&big, Some(&a4([10, 0, 2, 2], 5353)), MsgFlags::default())),
        Errno::EMSGSIZE
    );
    check_offload_use(&wire, offload);
}

/// Answers DHCPDISCOVER with an offer and DHCPREQUEST with an ack
/// (RFC 2131 §3.1) from a UDP socket on the peer's port 67.
fn dhcp_server(peer: &mut Peer, h: SocketHandle) -> usize {
    let mut answered = 0;
    loop {
        let mut b = vec![0u8; 1500];
        let Ok((n, _)) = peer.set.get_mut::<udp::Socket>(h).recv_slice(&mut b) else {
            return answered;
        };
        let pkt = DhcpPacket::new_checked(&b[..n]).unwrap();
        let req = DhcpRepr::parse(&pkt).unwrap();
        let kind = match req.message_type {
            DhcpMessageType::Discover => DhcpMessageType::Offer,
            DhcpMessageType::Request => DhcpMessageType::Ack,
            _ => continue,
        };
        let mut rep = DhcpRepr {
            message_type: kind,
            transaction_id: req.transaction_id,
            secs: 0,
            client_hardware_address: req.client_hardware_address,
            client_ip: Ipv4Address::UNSPECIFIED,
            your_ip: Ipv4Address::new(10, 0, 2, 15),
            server_ip: Ipv4Address::new(10, 0, 2, 2),
            router: Some(Ipv4Address::new(10, 0, 2, 2)),
            subnet_mask: Some(Ipv4Address::new(255, 255, 255, 0)),
            relay_agent_ip: Ipv4Address::UNSPECIFIED,
            broadcast: false,
            requested_ip: None,
            client_identifier: None,
            server_identifier: Some(Ipv4Address::new(10, 0, 2, 2)),
            parameter_request_list: None,
            dns_servers: Some(core::default::Default::default()),
            max_size: None,
            lease_duration: Some(86_400),
            renew_duration: None,
            rebind_duration: None,
            additional_options: &[],
        };
        if let Some(d) = rep.dns_servers.as_mut() {
            let _ = d.push(Ipv4Address::new(10, 0, 2, 3));
        }
        let mut out = vec![0u8; rep.buffer_len()];
        rep.emit(&mut DhcpPacket::new_unchecked(&mut out[..]))
            .unwrap();
        peer.set
            .get_mut::<udp::Socket>(h)
            .send_slice(&out, (IpAddress::v4(255, 255, 255, 255), 68))
            .unwrap();
        answered += 1;
    }
}

#[test]
fn dhcp_configures_the_nic_hosts_and_resolv_conf() {
    dhcp(Offload::default());
}

#[test]
fn dhcp_with_checksum_offload() {
    dhcp(BOTH);
}

fn dhcp(offload: Offload) {
    let (t, wire) = attached(NetConfig::default(), offload, alternate_marks);
    assert!(!t.net.ready());
    let mut peer = Peer::new(&wire, t.hub.now_ns());
    let mut s = udp::Socket::new(
        udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0; 8192]),
        udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0; 8192]),
    );
    s.bind(67).unwrap();
    let h = peer.set.add(s);
    let mut line = None;
    let mut answered = 0;
    for _ in 0..5000 {
        t.tick(1);
        peer.poll(t.hub.now_ns());
        answered += dhcp_server(&mut peer, h);
        peer.poll(t.hub.now_ns());
        let (_, l) = t.net.poll(t.hub.now_ns());
        if l.is_some() {
            line = l;
            break;
        }
    }
    assert!(answered >= 2, "offer and ack");
    assert_eq!(
        line.as_deref(),
        Some("rumprun: eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3\n")
    );
    assert!(t.net.ready());
    assert_eq!(&*t.etc.net.resolv.get(), b"nameserver 10.0.2.3\n");
    assert_eq!(
        &*t.etc.net.hosts.get(),
        b"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.0.2.15\tbox\n"
    );
    // The leased address works: the host connects to a guest listener.
    let l = t.tcp4();
    l.bind_to(&a4([10, 0, 2, 15], 8000)).unwrap();
    l.listen(4).unwrap();
    let ph = peer.tcp();
    let cx = peer.iface.context();
    peer.set
        .get_mut::<tcp::Socket>(ph)
        .connect(cx, (IpAddress::v4(10, 0, 2, 15), 8000), 40001)
        .unwrap();
    run(&t, &mut peer, 30);
    assert!(l.accept(true).is_ok());
    check_offload_use(&wire, offload);
}

#[test]
fn static_ipv6_and_mtu_override() {
    let mut cfg = static_cfg();
    cfg.ipv6 = Ipv6Mode::Static {
        addr: [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15],
        prefix: 64,
        gateway: None,
    };
    cfg.mtu = Some(1400);
    cfg.dns = vec![
        vec![1, 1, 1, 1],
        vec![0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53],
    ];
    let t = T::with_cfg(cfg);
    let (nic, _wire) = FakeNic::new();
    t.net.attach(Box::new(nic), 7, t.hub.now_ns());
    assert!(t.net.ready());
    let (_, line) = t.net.poll(t.hub.now_ns());
    assert_eq!(
        line.as_deref(),
        Some("rumprun: eth0 10.0.2.15/24 gw 10.0.2.2 2001:db8::15/64 dns 1.1.1.1 2001:db8::53\n")
    );
    assert_eq!(
        &*t.etc.net.resolv.get(),
        b"nameserver 1.1.1.1\nnameserver 2001:db8::53\n"
    );
    // Connecting to our own IPv6 address goes through loopback.
    let l = t.sock(
        crate::net::socket::AF_INET6,
        crate::net::socket::SOCK_STREAM,
    );
    let me6 = SockAddr::Inet6 {
        addr: [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15],
        port: 9090,
        flowinfo: 0,
        scope_id: 0,
    };
    l.bind_to(&me6).unwrap();
    l.listen(1).unwrap();
    let c = t.sock(
        crate::net::socket::AF_INET6,
        crate::net::socket::SOCK_STREAM,
    );
    c.connect_to(&me6).unwrap();
    assert_eq!(c.finish_connect(), Some(Ok(())));
    // MSS follows the MTU override.
    let u = t.udp4();
    let big = vec![0u8; 1373];
    assert_eq!(
        errno(u.send_to(&big, Some(&a4([10, 0, 2, 2], 53)), MsgFlags::default())),
        Errno::EMSGSIZE
    );
}

#[test]
fn fuzz_entry_survives_garbage_and_plausible_frames() {
    let mut frames: Vec<Vec<u8>> = vec![vec![], vec![0xff; 14], vec![0; 60]];
    // An ARP request for our address and a few mangled copies of it.
    let mut arp = vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 2, 8, 6];
    arp.extend_from_slice(&[0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 2, 10, 0, 2, 2]);
    arp.extend_from_slice(&[0, 0, 0, 0, 0, 0, 10, 0, 2, 15]);
    frames.push(arp.clone());
    let mut x = 0x1234_5678u32;
    for i in 0..200 {
        let mut f = arp.clone();
        f.resize(60 + i % 40, 0);
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let k = (x as usize) % f.len();
            f[k] = (x >> 8) as u8;
        }
        if i % 3 == 0 {
            // Make it IPv4/TCP-looking.
            f[12] = 8;
            f[13] = 0;
            f[14] = 0x45;
            f[23] = 6;
        }
        frames.push(f);
    }
    let refs: Vec<&[u8]> = frames.iter().map(|f| &f[..]).collect();
    crate::net::inet::fuzz_receive(&refs);
}

/// A router advertisement from fe80::2 announcing 2001:db8:0:1::/64 for
/// autoconfiguration (RFC 4861 §4.2, prefix option §4.6.2).
fn router_advert() -> Vec<u8> {
    use smoltcp::phy::ChecksumCapabilities;
    use smoltcp::time::Duration;
    use smoltcp::wire::{
        EthernetFrame, EthernetProtocol, EthernetRepr, Icmpv6Packet, Icmpv6Repr, IpProtocol,
        Ipv6Address, Ipv6Packet, Ipv6Repr, NdiscPrefixInfoFlags, NdiscPrefixInformation, NdiscRepr,
        NdiscRouterFlags,
    };
    let router = EthernetAddress([2, 0, 0, 0, 0, 2]);
    let src = Ipv6Address::new(0xfe80, 0, 0, 0, 0, 0, 0, 2);
    let dst = Ipv6Address::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
    let ra = Icmpv6Repr::Ndisc(NdiscRepr::RouterAdvert {
        hop_limit: 64,
        flags: NdiscRouterFlags::empty(),
        router_lifetime: Duration::from_secs(1800),
        reachable_time: Duration::from_millis(0),
        retrans_time: Duration::from_millis(0),
        lladdr: Some(router.into()),
        mtu: None,
        prefix_info: Some(NdiscPrefixInformation {
            prefix_len: 64,
            flags: NdiscPrefixInfoFlags::ON_LINK | NdiscPrefixInfoFlags::ADDRCONF,
            valid_lifetime: Duration::from_secs(86_400),
            preferred_lifetime: Duration::from_secs(14_400),
            prefix: Ipv6Address::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, 0),
        }),
    });
    let ip = Ipv6Repr {
        src_addr: src,
        dst_addr: dst,
        next_header: IpProtocol::Icmpv6,
        payload_len: ra.buffer_len(),
        hop_limit: 255,
    };
    let eth = EthernetRepr {
        src_addr: router,
        dst_addr: EthernetAddress([0x33, 0x33, 0, 0, 0, 1]),
        ethertype: EthernetProtocol::Ipv6,
    };
    let mut buf = vec![0u8; 14 + 40 + ra.buffer_len()];
    let mut f = EthernetFrame::new_unchecked(&mut buf[..]);
    eth.emit(&mut f);
    let mut p = Ipv6Packet::new_unchecked(f.payload_mut());
    ip.emit(&mut p);
    ra.emit(
        &src,
        &dst,
        &mut Icmpv6Packet::new_unchecked(p.payload_mut()),
        &ChecksumCapabilities::default(),
    );
    buf
}

#[test]
fn slaac_forms_an_address_from_a_router_advertisement() {
    let mut cfg = static_cfg();
    cfg.ipv6 = Ipv6Mode::Slaac;
    let t = T::with_cfg(cfg);
    let (nic, wire) = FakeNic::new();
    t.net.attach(Box::new(nic), 7, t.hub.now_ns());
    wire.lock().to_guest.push_back(router_advert());
    t.tick(1);
    t.tick(1);
    // EUI-64 of 52:54:00:12:34:56 under the advertised prefix.
    let me = [
        0x20, 1, 0xd, 0xb8, 0, 0, 0, 1, 0x50, 0x54, 0, 0xff, 0xfe, 0x12, 0x34, 0x56,
    ];
    t.net.look(|s| {
        let n = s.ifs.nic.as_ref().unwrap();
        assert_eq!(n.v6.map(|(a, p)| (a.octets(), p)), Some((me, 64)));
    });
    // Our SLAAC address is local: connecting to it goes through loopback.
    let l = t.sock(
        crate::net::socket::AF_INET6,
        crate::net::socket::SOCK_STREAM,
    );
    let a = SockAddr::Inet6 {
        addr: me,
        port: 7777,
        flowinfo: 0,
        scope_id: 0,
    };
    l.bind_to(&a).unwrap();
    l.listen(1).unwrap();
    let c = t.sock(
        crate::net::socket::AF_INET6,
        crate::net::socket::SOCK_STREAM,
    );
    c.connect_to(&a).unwrap();
    assert_eq!(c.finish_connect(), Some(Ok(())));
}

#[test]
fn many_host_connections_echo_across_the_nic() {
    let t = T::with_cfg(static_cfg());
    let (nic, wire) = FakeNic::new();
    t.net.attach(Box::new(nic), 7, t.hub.now_ns());
    let mut peer = Peer::new(&wire, t.hub.now_ns());
    let l = t.tcp4();
    l.bind_to(&a4([0; 4], 7)).unwrap();
    l.listen(512).unwrap();
    const N: usize = 60;
    const LEN: usize = 40_000;
    let hs: Vec<SocketHandle> = (0..N)
        .map(|i| {
            let h = peer.tcp();
            let cx = peer.iface.context();
            peer.set
                .get_mut::<tcp::Socket>(h)
                .connect(cx, (IpAddress::v4(10, 0, 2, 15), 7), 41000 + i as u16)
                .unwrap();
            h
        })
        .collect();
    let mut servers: Vec<(Arc<dyn FileOps>, Vec<u8>)> = Vec::new();
    let mut sent = vec![0usize; N];
    let mut got = vec![0usize; N];
    let mut buf = vec![0u8; 16384];
    for _ in 0..6000 {
        while let Ok((s, _)) = l.accept(true) {
            servers.push((s, Vec::new()));
        }
        for (s, pend) in servers.iter_mut() {
            if !pend.is_empty() {
                if let Ok(n) = s.write(pend) {
                    pend.drain(..n);
                }
            }
            match s.read(&mut buf) {
                Ok(n) => pend.extend_from_slice(&buf[..n]),
                Err(e) => assert_eq!(e.errno, Errno::EAGAIN, "server read"),
            }
        }
        for (i, &h) in hs.iter().enumerate() {
            let ps = peer.set.get_mut::<tcp::Socket>(h);
            assert_ne!(
                ps.state(),
                tcp::State::Closed,
                "conn {i} reset (got {})",
                got[i]
            );
            if ps.can_send() && sent[i] < LEN {
                let chunk: Vec<u8> = (sent[i]..LEN.min(sent[i] + 4000))
                    .map(|j| (j % 251) as u8)
                    .collect();
                sent[i] += ps.send_slice(&chunk).unwrap();
            }
            if ps.can_recv() {
                let n = ps.recv_slice(&mut buf).unwrap();
                for (k, b) in buf[..n].iter().enumerate() {
                    assert_eq!(*b, ((got[i] + k) % 251) as u8);
                }
                got[i] += n;
            }
        }
        if got.iter().all(|&g| g == LEN) {
            break;
        }
        run(&t, &mut peer, 1);
    }
    assert!(got.iter().all(|&g| g == LEN), "{got:?}");
}

/// Breaks the checksum of frames ending in "broken" (corrupted on the
/// way) and leaves every frame unmarked.
fn break_broken(_n: usize, f: &mut [u8]) -> RxChecksum {
    if let Some(at) = l4_checksum_at(f).filter(|_| f.ends_with(b"broken")) {
        f[at] ^= 0x5a;
    }
    RxChecksum::Unverified
}

#[test]
fn unmarked_frames_with_bad_checksums_are_dropped_under_receive_offload() {
    let rx_only = Offload {
        tx_checksum: false,
        rx_checksum: true,
    };
    // With receive offload `csum::verify` catches it; without, smoltcp.
    for offload in [rx_only, Offload::default()] {
        let (t, wire) = attached(static_cfg(), offload, break_broken);
        wire.lock().rx_mark = Some(break_broken);
        let mut peer = Peer::new(&wire, t.hub.now_ns());
        let u = t.udp4();
        u.bind_to(&a4([0; 4], 5353)).unwrap();
        let mut us = udp::Socket::new(
            udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 4], vec![0; 4096]),
            udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 4], vec![0; 4096]),
        );
        us.bind(53).unwrap();
        let uh = peer.set.add(us);
        let to_us = (IpAddress::v4(10, 0, 2, 15), 5353);
        for msg in [&b"broken"[..], b"intact"] {
            peer.set
                .get_mut::<udp::Socket>(uh)
                .send_slice(msg, to_us)
                .unwrap();
            run(&t, &mut peer, 5);
        }
        let mut got = Vec::new();
        let mut b = [0u8; 16];
        while let Ok(r) = u.recv(&mut b, MsgFlags::default()) {
            got.push(b[..r.len].to_vec());
        }
        assert_eq!(got, vec![b"intact".to_vec()], "offload {offload:?}");
        assert!(wire.lock().received >= 3, "ARP and both datagrams");
    }
}
