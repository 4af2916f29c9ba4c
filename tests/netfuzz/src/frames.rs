//! Frame generation for the receive-path fuzzers: a seeded PRNG
//! ([`Rng`], splitmix64), builders of well-formed frames (Ethernet II with
//! ARP, IPv4 and IPv6 carrying TCP, UDP, DHCP, ICMP and ICMPv6/NDP, with
//! correct checksums most of the time so that frames reach the deeper
//! layers) and mutations (truncation, bit flips, byte overwrites, length
//! field lies). Formats: RFC 826 (ARP), RFC 791 (IPv4), RFC 8200 (IPv6),
//! RFC 9293 (TCP), RFC 768 (UDP), RFC 2131/2132 (DHCP), RFC 4861 (NDP).

/// A frame: plain bytes.
pub type Vec8 = Vec<u8>;

/// The guest's MAC and addresses the frames aim at (the stack under test
/// is configured with these by `fuzz_receive`; other values are mixed in).
pub const GUEST_MAC: [u8; 6] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
/// The guest's IPv4 address under QEMU user networking.
pub const GUEST_IP: [u8; 4] = [10, 0, 2, 15];
/// The static IPv6 address `fuzz_receive` gives its NIC (2001:db8::15).
pub const GUEST_IP6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15];
/// The gateway / DHCP server under QEMU user networking.
pub const GW_IP: [u8; 4] = [10, 0, 2, 2];
/// The gateway's MAC (QEMU slirp's).
pub const GW_MAC: [u8; 6] = [0x52, 0x55, 0x0a, 0x00, 0x02, 0x02];
/// Ports a test stack may listen on, and DHCP's client port.
pub const PORTS: [u16; 6] = [7, 80, 68, 1234, 8080, 53];

/// A seeded pseudo-random generator (splitmix64): the same seed gives the
/// same frames on every machine, so a printed seed replays a failure.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Returns a generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Returns the next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// Returns true with probability `num`/`den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den < num
    }

    /// Returns a random byte.
    pub fn byte(&mut self) -> u8 {
        self.next_u64() as u8
    }

    /// Returns a random 16-bit value.
    pub fn u16(&mut self) -> u16 {
        self.next_u64() as u16
    }

    /// Returns one of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Returns `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec8 {
        (0..n).map(|_| self.byte()).collect()
    }
}

/// Returns the Internet checksum (RFC 1071) of `data` added to `sum`.
pub fn checksum(mut sum: u32, data: &[u8]) -> u16 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Returns the partial sum of a pseudo-header (IPv4 or IPv6).
fn pseudo_sum(src: &[u8], dst: &[u8], proto: u8, len: usize) -> u32 {
    let mut s = 0u32;
    for c in src.chunks(2).chain(dst.chunks(2)) {
        s += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    s + u32::from(proto) + (len as u32 & 0xffff) + (len as u32 >> 16)
}

/// Which addresses a frame uses.
struct Ends {
    src_mac: [u8; 6],
    dst_mac: [u8; 6],
}

fn ends(r: &mut Rng) -> Ends {
    let dst_mac = match r.below(8) {
        0 => [0xff; 6],
        1 => {
            let mut m = [0u8; 6];
            m.copy_from_slice(&r.bytes(6));
            m
        }
        2 => [0x33, 0x33, 0xff, 0x12, 0x34, 0x56], // IPv6 solicited-node multicast
        _ => GUEST_MAC,
    };
    let src_mac = if r.chance(7, 8) {
        GW_MAC
    } else {
        let mut m = [0u8; 6];
        m.copy_from_slice(&r.bytes(6));
        m
    };
    Ends { src_mac, dst_mac }
}

/// Wraps `payload` in an Ethernet II header.
fn ethernet(e: &Ends, ethertype: u16, payload: &[u8]) -> Vec8 {
    let mut f = Vec::with_capacity(14 + payload.len());
    f.extend_from_slice(&e.dst_mac);
    f.extend_from_slice(&e.src_mac);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn ipv4_addr(r: &mut Rng, ours: bool) -> [u8; 4] {
    if ours {
        return GUEST_IP;
    }
    match r.below(6) {
        0 => [255, 255, 255, 255],
        1 => [127, 0, 0, 1],
        2 => [224, 0, 0, 1],
        3 => [0, 0, 0, 0],
        _ => {
            let b = r.bytes(4);
            [b[0], b[1], b[2], b[3]]
        }
    }
}

/// Returns an IPv4 packet around `payload` (protocol `proto`), with a
/// correct header checksum unless the dice say otherwise; options and
/// fragment fields are sometimes set.
fn ipv4(r: &mut Rng, src: [u8; 4], dst: [u8; 4], proto: u8, payload: &[u8]) -> Vec8 {
    let opts = if r.chance(1, 10) {
        let n = 4 * r.below(11);
        r.bytes(n)
    } else {
        Vec::new()
    };
    let hl = 20 + opts.len();
    let total = hl + payload.len();
    let mut h = vec![0u8; hl];
    h[0] = 0x40 | (hl / 4) as u8;
    h[1] = if r.chance(1, 8) { r.byte() } else { 0 };
    h[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    h[4..6].copy_from_slice(&r.u16().to_be_bytes());
    let frag: u16 = match r.below(10) {
        0 => r.u16(),                     // anything
        1 => 0x2000 | (r.u16() & 0x1fff), // more fragments, some offset
        2 => r.u16() & 0x1fff,            // last fragment
        _ => 0x4000,                      // don't fragment
    };
    h[6..8].copy_from_slice(&frag.to_be_bytes());
    h[8] = if r.chance(1, 10) { r.byte() } else { 64 };
    h[9] = proto;
    h[12..16].copy_from_slice(&src);
    h[16..20].copy_from_slice(&dst);
    h[20..].copy_from_slice(&opts);
    let c = if r.chance(1, 16) {
        r.u16()
    } else {
        checksum(0, &h)
    };
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h.extend_from_slice(payload);
    h
}

/// Returns an IPv6 packet around `payload`, sometimes behind a hop-by-hop
/// or fragment extension header.
fn ipv6(r: &mut Rng, src: [u8; 16], dst: [u8; 16], proto: u8, payload: &[u8]) -> Vec8 {
    let mut body = Vec::new();
    let next = match r.below(8) {
        0 => {
            // Hop-by-hop options: next header, length, PadN / router alert / junk.
            body.push(proto);
            let extra = r.below(3);
            body.push(extra as u8);
            let mut opts = r.bytes(6 + 8 * extra);
            if r.chance(1, 2) {
                opts[0] = 1; // PadN
                opts[1] = (opts.len() - 2) as u8;
            }
            body.extend_from_slice(&opts);
            0
        }
        1 => {
            // Fragment header.
            body.push(proto);
            body.push(0);
            body.extend_from_slice(&(r.u16() & 0xfff9).to_be_bytes());
            body.extend_from_slice(&r.bytes(4));
            44
        }
        _ => proto,
    };
    body.extend_from_slice(payload);
    let mut h = vec![0u8; 40];
    h[0] = 0x60;
    h[4..6].copy_from_slice(&(body.len() as u16).to_be_bytes());
    h[6] = next;
    h[7] = if r.chance(1, 8) { r.byte() } else { 255 };
    h[8..24].copy_from_slice(&src);
    h[24..40].copy_from_slice(&dst);
    h.extend_from_slice(&body);
    h
}

fn ipv6_addr(r: &mut Rng, ours: bool) -> [u8; 16] {
    let mut a = [0u8; 16];
    match (ours, r.below(4)) {
        (true, 0) => {
            // link-local from the MAC (EUI-64)
            a[0] = 0xfe;
            a[1] = 0x80;
            a[8..11].copy_from_slice(&[GUEST_MAC[0] ^ 2, GUEST_MAC[1], GUEST_MAC[2]]);
            a[11] = 0xff;
            a[12] = 0xfe;
            a[13..16].copy_from_slice(&GUEST_MAC[3..6]);
        }
        (true, 1) => {
            a[0] = 0xff;
            a[1] = 0x02;
            a[15] = 1; // all nodes
        }
        (true, 2) => {
            a[0..2].copy_from_slice(&[0xfe, 0xc0]); // slirp's site prefix fec0::/64
            a[8..16].copy_from_slice(&r.bytes(8));
        }
        (true, _) => a = GUEST_IP6,
        (false, 0) => a[15] = 1, // ::1
        (false, _) => {
            a[0] = 0xfe;
            a[1] = 0x80;
            a[8..16].copy_from_slice(&r.bytes(8));
        }
    }
    a
}

/// Returns TCP options: MSS, window scale, SACK-permitted, SACK blocks,
/// timestamps, NOPs, EOL and junk with lying lengths.
fn tcp_options(r: &mut Rng) -> Vec8 {
    let mut o = Vec::new();
    for _ in 0..r.below(6) {
        match r.below(8) {
            0 => o.extend_from_slice(&[2, 4, r.byte(), r.byte()]),
            1 => o.extend_from_slice(&[3, 3, r.byte()]),
            2 => o.extend_from_slice(&[4, 2]),
            3 => {
                let n = 1 + r.below(4);
                o.push(5);
                o.push((2 + 8 * n) as u8);
                o.extend_from_slice(&r.bytes(8 * n));
            }
            4 => {
                o.extend_from_slice(&[8, 10]);
                o.extend_from_slice(&r.bytes(8));
            }
            5 => o.push(1),
            6 => o.push(0),
            _ => {
                o.push(r.byte());
                o.push(r.byte()); // a length that may lie
                let n = r.below(6);
                o.extend_from_slice(&r.bytes(n));
            }
        }
    }
    o.truncate(40);
    while o.len() % 4 != 0 {
        o.push(1);
    }
    o
}

/// Returns a TCP segment with a pseudo-header checksum over `sum_src`/`sum_dst`.
fn tcp(r: &mut Rng, src: &[u8], dst: &[u8]) -> Vec8 {
    let opts = tcp_options(r);
    let payload = if r.chance(1, 3) {
        let n = r.below(1400);
        r.bytes(n)
    } else {
        Vec::new()
    };
    let hl = 20 + opts.len();
    let mut t = vec![0u8; hl];
    // From the port a test stack connects to (8080), or anywhere.
    let sport = if r.chance(1, 4) { 8080 } else { r.u16() };
    t[0..2].copy_from_slice(&sport.to_be_bytes());
    let dport = if r.chance(3, 4) {
        r.pick(&PORTS)
    } else {
        r.u16()
    };
    t[2..4].copy_from_slice(&dport.to_be_bytes());
    // Sequence numbers near zero and near the wrap point, or anywhere.
    let seq = match r.below(3) {
        0 => r.next_u64() as u32 % 4096,
        1 => u32::MAX - (r.next_u64() as u32 % 4096),
        _ => r.next_u64() as u32,
    };
    t[4..8].copy_from_slice(&seq.to_be_bytes());
    t[8..12].copy_from_slice(&(r.next_u64() as u32).to_be_bytes());
    let off = if r.chance(1, 20) {
        r.byte() >> 4
    } else {
        (hl / 4) as u8
    };
    t[12] = off << 4 | (r.byte() & 1);
    // SYN, SYN|ACK, ACK, FIN|ACK, RST, PSH|ACK, or any combination.
    t[13] = match r.below(8) {
        0 => 0x02,
        1 => 0x12,
        2 => 0x10,
        3 => 0x11,
        4 => 0x04,
        5 => 0x18,
        _ => r.byte(),
    };
    t[14..16].copy_from_slice(&r.u16().to_be_bytes());
    t[18..20].copy_from_slice(&(if r.chance(1, 8) { r.u16() } else { 0 }).to_be_bytes());
    t[20..].copy_from_slice(&opts);
    t.extend_from_slice(&payload);
    if !r.chance(1, 16) {
        let c = checksum(pseudo_sum(src, dst, 6, t.len()), &t);
        t[16..18].copy_from_slice(&c.to_be_bytes());
    }
    t
}

/// Returns a DHCP (BOOTP) reply for the client: OFFER, ACK, NAK or junk
/// options, some with lying lengths or no END.
fn dhcp(r: &mut Rng) -> Vec8 {
    let mut d = vec![0u8; 236];
    d[0] = if r.chance(7, 8) { 2 } else { r.byte() }; // BOOTREPLY
    d[1] = 1;
    d[2] = 6;
    d[4..8].copy_from_slice(&(r.next_u64() as u32).to_be_bytes()); // xid
    d[16..20].copy_from_slice(&GUEST_IP); // yiaddr
    d[20..24].copy_from_slice(&GW_IP);
    d[28..34].copy_from_slice(&GUEST_MAC);
    d.extend_from_slice(&[99, 130, 83, 99]); // magic cookie
    let any = r.byte();
    let kind = r.pick(&[2u8, 5, 6, 1, 3, 4, 7, 8, any]);
    d.extend_from_slice(&[53, 1, kind]);
    for _ in 0..r.below(10) {
        match r.below(9) {
            0 => d.extend_from_slice(&[54, 4, 10, 0, 2, 2]),
            1 => d.extend_from_slice(&[1, 4, 255, 255, r.pick(&[255, 0, 128]), r.byte()]),
            2 => {
                let n = r.below(4);
                d.push(3);
                d.push((4 * n) as u8);
                d.extend_from_slice(&r.bytes(4 * n));
            }
            3 => {
                let n = r.below(5);
                d.push(6);
                d.push((4 * n) as u8);
                d.extend_from_slice(&r.bytes(4 * n));
            }
            4 => {
                d.extend_from_slice(&[51, 4]);
                d.extend_from_slice(&(r.next_u64() as u32).to_be_bytes());
            }
            5 => d.push(0), // pad
            6 => {
                d.push(r.byte());
                d.push(r.byte()); // lying length
            }
            7 => {
                d.extend_from_slice(&[26, 2]);
                d.extend_from_slice(&r.u16().to_be_bytes()); // MTU
            }
            _ => {
                let n = r.below(40);
                d.push(r.byte());
                d.push(n as u8);
                d.extend_from_slice(&r.bytes(n));
            }
        }
    }
    if r.chance(7, 8) {
        d.push(255);
    }
    d
}

/// Returns a UDP datagram (DHCP server to client port, or anything).
fn udp(r: &mut Rng, src: &[u8], dst: &[u8]) -> Vec8 {
    let (sport, dport, payload) = if r.chance(1, 3) {
        (67u16, 68u16, dhcp(r))
    } else {
        let p = if r.chance(3, 4) {
            r.pick(&PORTS)
        } else {
            r.u16()
        };
        let n = r.below(1200);
        (r.u16(), p, r.bytes(n))
    };
    let len = 8 + payload.len();
    let mut u = vec![0u8; 8];
    u[0..2].copy_from_slice(&sport.to_be_bytes());
    u[2..4].copy_from_slice(&dport.to_be_bytes());
    let stated = if r.chance(1, 16) { r.u16() } else { len as u16 };
    u[4..6].copy_from_slice(&stated.to_be_bytes());
    u.extend_from_slice(&payload);
    if r.chance(3, 4) {
        let c = checksum(pseudo_sum(src, dst, 17, len), &u);
        u[6..8].copy_from_slice(&c.to_be_bytes());
    }
    u
}

/// Returns an ICMP (v4) message: echo request, unreachable quoting a
/// packet, or junk.
fn icmp4(r: &mut Rng) -> Vec8 {
    let (ty, code) = r.pick(&[(8u8, 0u8), (0, 0), (3, 3), (3, 4), (11, 0), (5, 1)]);
    let mut m = vec![ty, code, 0, 0];
    m.extend_from_slice(&r.bytes(4));
    if ty == 3 || ty == 11 || ty == 5 {
        // The quoted packet: an IPv4 header of ours and 8 bytes of TCP/UDP.
        let proto = r.pick(&[6u8, 17]);
        let quoted = r.bytes(8);
        let inner = ipv4(r, GUEST_IP, GW_IP, proto, &quoted);
        m.extend_from_slice(&inner);
    } else {
        let n = r.below(100);
        m.extend_from_slice(&r.bytes(n));
    }
    let c = checksum(0, &m);
    m[2..4].copy_from_slice(&c.to_be_bytes());
    m
}

/// Returns an ICMPv6 message: router advertisement with prefix/MTU/source
/// link-layer options, neighbour solicitation/advertisement, echo, junk.
fn icmp6(r: &mut Rng, src: &[u8], dst: &[u8]) -> Vec8 {
    let any = r.byte();
    let ty = r.pick(&[134u8, 135, 136, 128, 129, 1, 2, any]);
    let mut m = vec![ty, 0, 0, 0];
    match ty {
        134 => {
            m.extend_from_slice(&[64, r.byte()]);
            m.extend_from_slice(&r.u16().to_be_bytes()); // lifetime
            m.extend_from_slice(&r.bytes(8)); // reachable, retrans
        }
        135 | 136 => {
            m.extend_from_slice(&r.bytes(4));
            m.extend_from_slice(&ipv6_addr(r, true));
        }
        _ => {
            let n = r.below(64);
            m.extend_from_slice(&r.bytes(n));
        }
    }
    for _ in 0..r.below(4) {
        match r.below(4) {
            0 => {
                // Prefix information: length 4 (32 bytes).
                let any = r.byte();
                let flags = r.pick(&[0xc0u8, 0x40, 0x80, any]);
                m.extend_from_slice(&[3, 4, 64, flags]);
                m.extend_from_slice(&r.bytes(8)); // lifetimes
                m.extend_from_slice(&[0; 4]);
                m.extend_from_slice(&[0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            }
            1 => {
                m.extend_from_slice(&[1, 1]);
                m.extend_from_slice(&GW_MAC);
            }
            2 => {
                m.extend_from_slice(&[5, 1, 0, 0]);
                m.extend_from_slice(&(r.next_u64() as u32).to_be_bytes()); // MTU
            }
            _ => {
                m.push(r.byte());
                m.push(r.byte() % 4); // length in 8-byte units, may be 0 or lie
                let n = r.below(14);
                m.extend_from_slice(&r.bytes(n));
            }
        }
    }
    let c = checksum(pseudo_sum(src, dst, 58, m.len()), &m);
    m[2..4].copy_from_slice(&c.to_be_bytes());
    m
}

/// Returns an ARP request or reply about the guest's or the gateway's address.
fn arp(r: &mut Rng) -> Vec8 {
    let any = r.byte();
    let op = r.pick(&[1u8, 2, any]);
    let mut a = vec![0, 1, 8, 0, 6, 4, 0, op];
    if r.chance(1, 10) {
        a[4] = r.byte();
        a[5] = r.byte();
    }
    a.extend_from_slice(&GW_MAC);
    let spa = if r.chance(3, 4) {
        GW_IP
    } else {
        ipv4_addr(r, false)
    };
    a.extend_from_slice(&spa);
    a.extend_from_slice(&GUEST_MAC);
    a.extend_from_slice(&if r.chance(3, 4) { GUEST_IP } else { GW_IP });
    a
}

/// Returns one well-formed (mostly) frame of any kind.
pub fn valid_frame(r: &mut Rng) -> Vec8 {
    let e = ends(r);
    match r.below(10) {
        0 | 1 => ethernet(&e, 0x0806, &arp(r)),
        2..=6 => {
            let src = if r.chance(7, 8) {
                GW_IP
            } else {
                ipv4_addr(r, false)
            };
            let ours = r.chance(3, 4);
            let dst = ipv4_addr(r, ours);
            let (proto, l4) = match r.below(5) {
                0 | 1 => (6u8, tcp(r, &src, &dst)),
                2 | 3 => (17, udp(r, &src, &dst)),
                _ => (1, icmp4(r)),
            };
            ethernet(&e, 0x0800, &ipv4(r, src, dst, proto, &l4))
        }
        7..=8 => {
            let src = ipv6_addr(r, false);
            let ours = r.chance(3, 4);
            let dst = ipv6_addr(r, ours);
            let (proto, l4) = match r.below(3) {
                0 => (6u8, tcp(r, &src, &dst)),
                1 => (17, udp(r, &src, &dst)),
                _ => (58, icmp6(r, &src, &dst)),
            };
            ethernet(&e, 0x86dd, &ipv6(r, src, dst, proto, &l4))
        }
        _ => {
            let any = r.u16();
            let ty = r.pick(&[0x0800u16, 0x86dd, 0x0806, 0x8100, any]);
            let n = r.below(1514);
            ethernet(&e, ty, &r.bytes(n))
        }
    }
}

/// Applies 1-4 random mutations: truncation, bit flips, byte overwrites,
/// inserted or removed bytes, a grown frame (up to 9000 bytes).
pub fn mutate(r: &mut Rng, f: &mut Vec8) {
    for _ in 0..1 + r.below(4) {
        match r.below(6) {
            0 => {
                let n = r.below(f.len() + 1);
                f.truncate(n);
            }
            1 => {
                for _ in 0..1 + r.below(8) {
                    if !f.is_empty() {
                        let i = r.below(f.len());
                        f[i] ^= 1 << r.below(8);
                    }
                }
            }
            2 => {
                if !f.is_empty() {
                    let i = r.below(f.len());
                    let any = r.byte();
                    f[i] = r.pick(&[0u8, 0xff, 0x7f, 0x80, any]);
                }
            }
            3 => {
                let i = r.below(f.len() + 1);
                let n = 1 + r.below(16);
                let b = r.bytes(n);
                f.splice(i..i, b);
            }
            4 => {
                if !f.is_empty() {
                    let i = r.below(f.len());
                    let j = (i + 1 + r.below(16)).min(f.len());
                    f.drain(i..j);
                }
            }
            _ => {
                let n = r.below(9000usize.saturating_sub(f.len()) + 1);
                let b = r.bytes(n);
                f.extend_from_slice(&b);
            }
        }
    }
}

/// Returns one test case: 1-16 frames, each valid, mutated, or random bytes.
pub fn case(r: &mut Rng) -> Vec<Vec8> {
    (0..1 + r.below(16))
        .map(|_| match r.below(10) {
            0..=4 => valid_frame(r),
            5..=8 => {
                let mut f = valid_frame(r);
                mutate(r, &mut f);
                f
            }
            _ => {
                let n = r.below(1600);
                r.bytes(n)
            }
        })
        .collect()
}

/// Splits raw fuzzer input into frames: each frame is a 2-byte big-endian
/// length then that many bytes (the last one takes what is left), the
/// format of the cargo-fuzz target's corpus.
pub fn split_frames(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while data.len() >= 2 && out.len() < 64 {
        let n = usize::from(u16::from_be_bytes([data[0], data[1]]));
        data = &data[2..];
        let take = n.min(data.len());
        out.push(&data[..take]);
        data = &data[take..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_frames() {
        let a = case(&mut Rng::new(42));
        let b = case(&mut Rng::new(42));
        assert_eq!(a, b);
        assert_ne!(a, case(&mut Rng::new(43)));
    }

    #[test]
    fn checksums_verify() {
        // An IPv4 header with its checksum sums to zero (RFC 1071).
        let mut r = Rng::new(1);
        let good = (0..200)
            .filter(|_| {
                let h = ipv4(&mut r, GW_IP, GUEST_IP, 6, &[]);
                let hl = usize::from(h[0] & 15) * 4;
                checksum(0, &h[..hl]) == 0
            })
            .count();
        // One header in 16 carries a wrong checksum on purpose.
        assert!((160..200).contains(&good), "{good}");
        let h = [
            0x45u8, 0, 0, 0x54, 0, 0, 0x40, 0, 0x40, 1, 0, 0, 10, 0, 2, 2, 10, 0, 2, 15,
        ];
        let c = checksum(0, &h);
        let mut h2 = h;
        h2[10..12].copy_from_slice(&c.to_be_bytes());
        assert_eq!(checksum(0, &h2), 0);
    }

    #[test]
    fn kinds_are_all_generated() {
        let mut r = Rng::new(7);
        let mut types = std::collections::BTreeSet::new();
        for _ in 0..2000 {
            let f = valid_frame(&mut r);
            assert!(f.len() >= 14);
            types.insert(u16::from_be_bytes([f[12], f[13]]));
        }
        for t in [0x0800, 0x86dd, 0x0806] {
            assert!(types.contains(&t), "{t:#x}");
        }
    }

    #[test]
    fn split_frames_reads_length_prefixes() {
        let d = [0, 2, 9, 9, 0, 5, 1];
        assert_eq!(split_frames(&d), vec![&[9u8, 9][..], &[1][..]]);
        assert!(split_frames(&[7]).is_empty());
    }
}
