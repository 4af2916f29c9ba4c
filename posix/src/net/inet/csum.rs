//! TCP/UDP checksum offload on the NIC: what the stack leaves to the
//! device, and what it still checks itself. The device's part is virtio's
//! (virtio 1.2 §5.1.6.2 and §5.1.6.4): on transmit a frame marked
//! NEEDS_CSUM carries the folded pseudo-header sum in its checksum field
//! and the device sums the rest from `csum_start`; on receive a frame
//! marked DATA_VALID or NEEDS_CSUM was validated by the device (the latter
//! still has only the pseudo-header sum in its field, as Linux's
//! CHECKSUM_PARTIAL). `NetDevice` carries these marks as `TxChecksum` and
//! `RxChecksum`.
//!
//! smoltcp takes its checksum capabilities once per interface, not per
//! frame, so with receive offload it checks no TCP/UDP checksum at all
//! and [`verify`] checks the frames the device left unmarked before they
//! reach it; with transmit offload smoltcp writes 0 in the field and
//! [`request`] puts the pseudo-header sum there and asks the device for
//! the rest. IPv4 header and ICMP checksums stay with smoltcp (virtio does
//! not offload them). Neighbours: `device` (the smoltcp adapter that calls
//! these), `stack` (drops what `verify` rejects).

use smoltcp::phy::{Checksum, ChecksumCapabilities};
use smoltcp::wire::{
    checksum, EthernetFrame, EthernetProtocol, IpAddress, IpProtocol, Ipv4Packet, Ipv6ExtHeader,
    Ipv6Packet, TcpPacket, UdpPacket,
};

use crate::net::{Offload, TxChecksum};

/// Offset of the checksum field in a TCP header (RFC 9293 §3.1).
const TCP_CHECKSUM_AT: u16 = 16;
/// Offset of the checksum field in a UDP header (RFC 768).
const UDP_CHECKSUM_AT: u16 = 6;

/// smoltcp's checksum capabilities for the NIC given what the device
/// offloads: TCP and UDP are neither computed on transmit (tx offload)
/// nor checked on receive (rx offload, [`verify`] instead) by smoltcp;
/// everything else is done in both directions.
pub(super) fn caps(off: Offload) -> ChecksumCapabilities {
    let l4 = match (off.tx_checksum, off.rx_checksum) {
        (false, false) => Checksum::Both,
        (true, false) => Checksum::Rx,
        (false, true) => Checksum::Tx,
        (true, true) => Checksum::None,
    };
    let mut c = ChecksumCapabilities::default();
    c.tcp = l4;
    c.udp = l4;
    c
}

/// Where a frame's transport header is.
struct L4 {
    src: IpAddress,
    dst: IpAddress,
    proto: IpProtocol,
    /// Offset of the TCP/UDP header in the frame.
    start: usize,
    /// Length of the transport segment (from the IP header, so Ethernet
    /// padding is not counted).
    len: usize,
}

/// What [`locate`] found in a frame.
enum Found {
    /// A TCP or UDP segment, or another IP payload.
    L4(L4),
    /// No IP packet (ARP, another ethertype, a frame too short to tell):
    /// nothing for us to check; smoltcp parses or drops it.
    NotIp,
    /// An IP fragment, or a header chain we cannot follow: its transport
    /// checksum cannot be checked here.
    Opaque,
}

/// Finds the transport segment of an Ethernet frame carrying IPv4
/// (RFC 791: IHL and total length, fragments excluded) or IPv6 (RFC 8200
/// §4: following Hop-by-Hop, Routing and Destination Options headers;
/// a Fragment header or any other extension makes it opaque).
fn locate(frame: &[u8]) -> Found {
    let Ok(eth) = EthernetFrame::new_checked(frame) else {
        return Found::NotIp;
    };
    let ip_at = EthernetFrame::<&[u8]>::header_len();
    match eth.ethertype() {
        EthernetProtocol::Ipv4 => {
            let Ok(p) = Ipv4Packet::new_checked(eth.payload()) else {
                return Found::Opaque;
            };
            if p.more_frags() || p.frag_offset() != 0 {
                return Found::Opaque;
            }
            let hl = usize::from(p.header_len());
            Found::L4(L4 {
                src: IpAddress::Ipv4(p.src_addr()),
                dst: IpAddress::Ipv4(p.dst_addr()),
                proto: p.next_header(),
                start: ip_at + hl,
                len: usize::from(p.total_len()).saturating_sub(hl),
            })
        }
        EthernetProtocol::Ipv6 => {
            let Ok(p) = Ipv6Packet::new_checked(eth.payload()) else {
                return Found::Opaque;
            };
            let mut proto = p.next_header();
            let mut at = 40;
            let end = 40 + usize::from(p.payload_len());
            loop {
                match proto {
                    IpProtocol::HopByHop | IpProtocol::Ipv6Route | IpProtocol::Ipv6Opts => {
                        let Some(Ok(h)) = p
                            .payload()
                            .get(at - 40..end - 40)
                            .map(Ipv6ExtHeader::new_checked)
                        else {
                            return Found::Opaque;
                        };
                        // RFC 8200 §4.3: Hdr Ext Len in 8-octet units,
                        // not counting the first 8.
                        let len = 8 + 8 * usize::from(h.header_len());
                        if at + len > end {
                            return Found::Opaque;
                        }
                        proto = h.next_header();
                        at += len;
                    }
                    IpProtocol::Ipv6Frag => return Found::Opaque,
                    _ => break,
                }
            }
            Found::L4(L4 {
                src: IpAddress::Ipv6(p.src_addr()),
                dst: IpAddress::Ipv6(p.dst_addr()),
                proto,
                start: ip_at + at,
                len: end - at,
            })
        }
        _ => Found::NotIp,
    }
}

/// Prepares a frame smoltcp emitted without its TCP/UDP checksum (it
/// wrote 0 there: transmit offload is on) for the device: stores the
/// folded pseudo-header sum (RFC 9293 §3.1, RFC 768, RFC 8200 §8.1) in
/// the checksum field, as Linux's `__tcp_v4_send_check` does for
/// CHECKSUM_PARTIAL, and returns the request the device completes.
/// Returns `None` for anything else (ARP, ICMP, fragments), whose
/// checksums smoltcp computed.
pub(super) fn request(frame: &mut [u8]) -> Option<TxChecksum> {
    let Found::L4(l4) = locate(frame) else {
        return None;
    };
    let offset = match l4.proto {
        IpProtocol::Tcp => TCP_CHECKSUM_AT,
        IpProtocol::Udp => UDP_CHECKSUM_AT,
        _ => return None,
    };
    let field = l4.start + usize::from(offset);
    // The segment must hold the field (smoltcp's always do).
    if field + 2 > l4.start + l4.len || l4.start + l4.len > frame.len() {
        return None;
    }
    let len = u32::try_from(l4.len).ok()?;
    let sum = checksum::pseudo_header(&l4.src, &l4.dst, l4.proto, len);
    frame[field..field + 2].copy_from_slice(&sum.to_be_bytes());
    Some(TxChecksum {
        start: u16::try_from(l4.start).ok()?,
        offset,
    })
}

/// Checks the TCP/UDP checksum of a received frame the device did not
/// vouch for, when smoltcp has been told not to (receive offload on).
/// True for frames with no TCP/UDP segment (smoltcp checks or drops them
/// itself) and for good checksums (a UDP checksum of 0 means none, RFC
/// 768, as smoltcp's `verify_checksum` takes it); false for bad ones, for
/// segments too short for their header, and for fragments and header
/// chains we cannot follow (which smoltcp, built without reassembly,
/// drops anyway).
pub(super) fn verify(frame: &[u8]) -> bool {
    let l4 = match locate(frame) {
        Found::L4(l4) => l4,
        Found::NotIp => return true,
        Found::Opaque => return false,
    };
    let Some(seg) = frame.get(l4.start..l4.start + l4.len) else {
        return false;
    };
    match l4.proto {
        IpProtocol::Tcp => {
            TcpPacket::new_checked(seg).is_ok_and(|t| t.verify_checksum(&l4.src, &l4.dst))
        }
        IpProtocol::Udp => {
            UdpPacket::new_checked(seg).is_ok_and(|u| u.verify_checksum(&l4.src, &l4.dst))
        }
        _ => true,
    }
}
