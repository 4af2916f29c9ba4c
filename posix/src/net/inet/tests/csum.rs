//! Checksum offload's frame logic (`inet::csum`) on hand-built frames: a
//! transmit request, completed the way a virtio device does (virtio 1.2
//! §5.1.6.2: sum from `csum_start` to the end, complement stored at
//! `csum_start + csum_offset`), must give a checksum smoltcp accepts; the
//! receive check must reject what smoltcp would and pass what is not ours.

use alloc::vec;
use alloc::vec::Vec;

use smoltcp::phy::Checksum;
use smoltcp::wire::{IpAddress, Ipv4Address, Ipv4Packet, Ipv6Address, TcpPacket, UdpPacket};

use super::super::csum::{caps, request, verify};
use crate::net::{Offload, TxChecksum};

const TCP: u8 = 6;
const UDP: u8 = 17;
const ICMP: u8 = 1;

/// An Ethernet header with `ethertype`.
fn eth(ethertype: u16) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 2, 0x52, 0x54, 0, 0x12, 0x34, 0x56];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f
}

/// A TCP header (no options, checksum 0) and `payload`.
fn tcp_seg(payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0u8; 20];
    s[0..2].copy_from_slice(&40000u16.to_be_bytes());
    s[2..4].copy_from_slice(&80u16.to_be_bytes());
    s[4..8].copy_from_slice(&0x1234_5678u32.to_be_bytes());
    s[12] = 5 << 4;
    s[13] = 0x18; // PSH, ACK
    s[14..16].copy_from_slice(&0xffffu16.to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// A UDP header (checksum 0) and `payload`.
fn udp_seg(payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0u8; 8];
    s[0..2].copy_from_slice(&5353u16.to_be_bytes());
    s[2..4].copy_from_slice(&53u16.to_be_bytes());
    let len = u16::try_from(8 + payload.len()).unwrap();
    s[4..6].copy_from_slice(&len.to_be_bytes());
    s.extend_from_slice(payload);
    s
}

const SRC4: [u8; 4] = [10, 0, 2, 15];
const DST4: [u8; 4] = [10, 0, 2, 2];
const SRC6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15];
const DST6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// An IPv4 frame (20-byte header, header checksum filled) carrying `seg`.
fn v4(proto: u8, seg: &[u8], frag: u16) -> Vec<u8> {
    let mut f = eth(0x0800);
    let mut ip = vec![0u8; 20];
    ip[0] = 0x45;
    let total = u16::try_from(20 + seg.len()).unwrap();
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    ip[6..8].copy_from_slice(&frag.to_be_bytes());
    ip[8] = 64;
    ip[9] = proto;
    ip[12..16].copy_from_slice(&SRC4);
    ip[16..20].copy_from_slice(&DST4);
    Ipv4Packet::new_unchecked(&mut ip[..]).fill_checksum();
    f.extend_from_slice(&ip);
    f.extend_from_slice(seg);
    f
}

/// An IPv6 frame whose header chain is `chain` (extension headers, each
/// `(next header it names, its bytes)`) then `seg` of protocol `proto`.
fn v6(proto: u8, chain: &[(u8, Vec<u8>)], seg: &[u8]) -> Vec<u8> {
    let mut f = eth(0x86dd);
    let mut body = Vec::new();
    let first = chain.first().map_or(proto, |(kind, _)| *kind);
    for (i, (_, h)) in chain.iter().enumerate() {
        let mut h = h.clone();
        h[0] = chain.get(i + 1).map_or(proto, |(k, _)| *k);
        body.extend_from_slice(&h);
    }
    body.extend_from_slice(seg);
    let mut ip = vec![0u8; 40];
    ip[0] = 0x60;
    ip[4..6].copy_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    ip[6] = first;
    ip[7] = 64;
    ip[8..24].copy_from_slice(&SRC6);
    ip[24..40].copy_from_slice(&DST6);
    f.extend_from_slice(&ip);
    f.extend_from_slice(&body);
    f
}

/// A Hop-by-Hop or Destination Options header of 8 * (1 + `units`)
/// bytes, all PadN (RFC 8200 §4.2).
fn opts_header(units: u8) -> Vec<u8> {
    let len = 8 * (1 + usize::from(units));
    let mut h = vec![0u8; len];
    h[1] = units;
    h[2] = 1; // PadN
    h[3] = u8::try_from(len - 4).unwrap();
    h
}

/// Completes a requested checksum as the device does: RFC 1071 over
/// the frame from `start`, written independently of smoltcp's code.
pub(super) fn device_completes(frame: &mut [u8], req: TxChecksum) {
    let start = usize::from(req.start);
    let mut sum: u32 = 0;
    for pair in frame[start..].chunks(2) {
        let hi = u32::from(pair[0]) << 8;
        let lo = pair.get(1).map_or(0, |&b| u32::from(b));
        sum += hi | lo;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let at = start + usize::from(req.offset);
    let c = !(sum as u16);
    frame[at..at + 2].copy_from_slice(&c.to_be_bytes());
}

fn v4_addrs() -> (IpAddress, IpAddress) {
    (
        IpAddress::Ipv4(Ipv4Address::from(SRC4)),
        IpAddress::Ipv4(Ipv4Address::from(DST4)),
    )
}

fn v6_addrs() -> (IpAddress, IpAddress) {
    (
        IpAddress::Ipv6(Ipv6Address::from(SRC6)),
        IpAddress::Ipv6(Ipv6Address::from(DST6)),
    )
}

/// Asserts smoltcp accepts the segment at `start` of `frame`.
fn smoltcp_accepts(frame: &[u8], start: usize, proto: u8, addrs: (IpAddress, IpAddress)) {
    let seg = &frame[start..];
    let ok = if proto == TCP {
        TcpPacket::new_checked(seg)
            .unwrap()
            .verify_checksum(&addrs.0, &addrs.1)
    } else {
        UdpPacket::new_checked(seg)
            .unwrap()
            .verify_checksum(&addrs.0, &addrs.1)
    };
    assert!(ok, "smoltcp rejects the completed checksum");
}

#[test]
fn requests_completed_by_the_device_give_checksums_smoltcp_accepts() {
    // Odd and even payload lengths, empty segments, both protocols, both
    // IP versions, and IPv6 with extension headers before the segment.
    for payload in [&b""[..], b"x", b"hello, offload", &[0xffu8; 1401][..]] {
        for proto in [TCP, UDP] {
            let seg = if proto == TCP {
                tcp_seg(payload)
            } else {
                udp_seg(payload)
            };
            let field = if proto == TCP { 16 } else { 6 };
            let hbh = (0u8, opts_header(0));
            let dst_opts = (60u8, opts_header(2));
            let cases = [
                (v4(proto, &seg, 0), 34, v4_addrs()),
                (v6(proto, &[], &seg), 54, v6_addrs()),
                (v6(proto, &[hbh, dst_opts], &seg), 54 + 8 + 24, v6_addrs()),
            ];
            for (mut f, start, addrs) in cases {
                let req = request(&mut f).expect("a TCP/UDP frame gets a request");
                assert_eq!(
                    req,
                    TxChecksum {
                        start: start as u16,
                        offset: field
                    }
                );
                // The field holds the pseudo-header sum, not the 0 smoltcp
                // left there (it is never 0 for these addresses).
                assert_ne!(&f[start + usize::from(field)..][..2], &[0, 0]);
                assert!(!verify(&f), "an incomplete checksum is not valid");
                device_completes(&mut f, req);
                smoltcp_accepts(&f, start, proto, addrs);
                assert!(verify(&f));
            }
        }
    }
}

#[test]
fn frames_that_are_not_tcp_or_udp_get_no_request_and_stay_untouched() {
    let icmp = v4(ICMP, &[8, 0, 0xf7, 0xff, 0, 0, 0, 0], 0);
    let mut arp = eth(0x0806);
    arp.extend_from_slice(&[0u8; 28]);
    // A first fragment (MF set): the device would sum only this piece.
    let frag = v4(UDP, &udp_seg(b"part"), 0x2000);
    let v6_frag = v6(UDP, &[(44u8, vec![0u8; 8])], &udp_seg(b"part"));
    let mut runt = v4(TCP, &tcp_seg(b""), 0);
    runt.truncate(40); // 6 bytes of TCP header
    let unknown_ext = v6(UDP, &[(51u8, vec![0u8; 8])], &udp_seg(b"ah"));
    for f in [icmp, arp, frag, v6_frag, runt, unknown_ext, vec![0u8; 10]] {
        let mut g = f.clone();
        assert_eq!(request(&mut g), None);
        assert_eq!(g, f);
    }
}

/// A frame with a correct checksum, built through request + device.
fn good(mut f: Vec<u8>) -> Vec<u8> {
    let req = request(&mut f).unwrap();
    device_completes(&mut f, req);
    f
}

#[test]
fn receive_check_rejects_bad_checksums_and_passes_what_is_not_ours() {
    let tcp4 = good(v4(TCP, &tcp_seg(b"data"), 0));
    let udp6 = good(v6(UDP, &[(0u8, opts_header(0))], &udp_seg(b"data")));
    assert!(verify(&tcp4));
    assert!(verify(&udp6));
    for (f, field) in [(&tcp4, 34 + 16), (&udp6, 54 + 8 + 6)] {
        // Any flipped bit, in the data or the field, is caught.
        for at in [field, f.len() - 1] {
            let mut bad = f.clone();
            bad[at] ^= 0x04;
            assert!(!verify(&bad), "bit flip at {at} passed");
        }
    }
    // Ethernet padding past the IP length is not summed (RFC 894).
    let mut padded = tcp4.clone();
    padded.extend_from_slice(&[0xaa; 9]);
    assert!(verify(&padded));
    // A UDP checksum of 0 over IPv4 means "none" (RFC 768).
    let udp4 = v4(UDP, &udp_seg(b"no checksum"), 0);
    assert!(verify(&udp4));
    // Not TCP/UDP, or not IP: smoltcp's business.
    assert!(verify(&v4(ICMP, &[8, 0, 0, 0, 0, 0, 0, 0], 0)));
    assert!(verify(&eth(0x0806)));
    assert!(verify(&[0u8; 3]));
    // Fragments cannot be checked (and are not reassembled); a segment
    // shorter than its header is malformed.
    assert!(!verify(&v4(UDP, &udp_seg(b"part"), 0x2000)));
    assert!(!verify(&v4(TCP, &[0u8; 10], 0)));
    assert!(!verify(&v6(UDP, &[(44u8, vec![0u8; 8])], &udp_seg(b"x"))));
    // An extension header running past the payload.
    let mut cut = v6(UDP, &[(60u8, opts_header(3))], &[]);
    cut.truncate(cut.len() - 8);
    let n = u16::try_from(cut.len() - 54).unwrap();
    cut[18..20].copy_from_slice(&n.to_be_bytes());
    assert!(!verify(&cut));
}

#[test]
fn smoltcp_is_told_to_skip_only_what_the_device_does() {
    let c = |tx, rx| {
        let c = caps(Offload {
            tx_checksum: tx,
            rx_checksum: rx,
        });
        assert!(matches!(c.ipv4, Checksum::Both));
        assert!(matches!(c.icmpv4, Checksum::Both));
        assert!(matches!(c.icmpv6, Checksum::Both));
        (c.tcp.tx(), c.tcp.rx(), c.udp.tx(), c.udp.rx())
    };
    assert_eq!(c(false, false), (true, true, true, true));
    assert_eq!(c(true, false), (false, true, false, true));
    assert_eq!(c(false, true), (true, false, true, false));
    assert_eq!(c(true, true), (false, false, false, false));
}
