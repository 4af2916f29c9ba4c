//! The two smoltcp devices: [`LoopDev`] (a queue: what the loopback
//! interface sends it receives, as Linux's `lo`) and [`NicDev`] (a thin
//! adapter over the kernel's `net::NetDevice`). Received packets are
//! staged one at a time by the stack, which first looks at bare SYNs
//! ([`syn_tuple`]): one to a port whose accept queue is full is dropped,
//! as Linux drops a SYN when `sk_acceptq_is_full` (net/ipv4/tcp_input.c
//! `tcp_conn_request`), so the client retransmits instead of being
//! refused; a retransmitted SYN of a handshake under way is dropped too,
//! since smoltcp would hand it to a listening socket and open a second
//! connection for the same 4-tuple. Neighbour: `stack`.

use alloc::boxed::Box;
use alloc::collections::{BTreeSet, VecDeque};
use alloc::vec;
use alloc::vec::Vec;

use smoltcp::phy::{self, ChecksumCapabilities, Device, DeviceCapabilities, Medium};
use smoltcp::time::Instant;
use smoltcp::wire::{
    EthernetFrame, EthernetProtocol, IpAddress, IpProtocol, Ipv4Packet, Ipv6Packet, TcpPacket,
};

use crate::net::{NetDevice, Offload, RxChecksum, RxFrame};

/// Returns (source address, source port, destination port) of a bare
/// SYN (SYN without ACK) in an IP packet, if that is what it is.
fn syn_tuple_ip(ip: &[u8]) -> Option<(IpAddress, u16, u16)> {
    let (src, proto, payload) = match ip.first()? >> 4 {
        4 => {
            let p = Ipv4Packet::new_checked(ip).ok()?;
            let hl = usize::from(p.header_len());
            let total = usize::from(p.total_len()).min(ip.len());
            (
                IpAddress::Ipv4(p.src_addr()),
                p.next_header(),
                ip.get(hl..total)?,
            )
        }
        6 => {
            let p = Ipv6Packet::new_checked(ip).ok()?;
            (
                IpAddress::Ipv6(p.src_addr()),
                p.next_header(),
                ip.get(40..)?,
            )
        }
        _ => return None,
    };
    if proto != IpProtocol::Tcp {
        return None;
    }
    let t = TcpPacket::new_checked(payload).ok()?;
    (t.syn() && !t.ack()).then(|| (src, t.src_port(), t.dst_port()))
}

/// Returns the bare-SYN tuple of a received packet (`eth`: an Ethernet
/// frame, else an IP packet).
pub(super) fn syn_tuple(pkt: &[u8], eth: bool) -> Option<(IpAddress, u16, u16)> {
    if !eth {
        return syn_tuple_ip(pkt);
    }
    let f = EthernetFrame::new_checked(pkt).ok()?;
    match f.ethertype() {
        EthernetProtocol::Ipv4 | EthernetProtocol::Ipv6 => syn_tuple_ip(f.payload()),
        _ => None,
    }
}

/// The loopback device: transmitted packets are received in order.
#[derive(Debug, Default)]
pub(super) struct LoopDev {
    /// Packets sent and not yet received.
    pub queue: VecDeque<Vec<u8>>,
    /// Ports whose SYNs are dropped (full accept queues).
    pub drop_syn: BTreeSet<u16>,
    /// The packet the next `receive` hands to smoltcp.
    pub staged: Option<Vec<u8>>,
}

/// One received packet.
pub(super) struct Rx(Vec<u8>);

impl phy::RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

/// A transmit slot on the loopback queue.
pub(super) struct LoopTx<'a>(&'a mut VecDeque<Vec<u8>>);

impl phy::TxToken for LoopTx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut buf = vec![0; len];
        let r = f(&mut buf);
        self.0.push_back(buf);
        r
    }
}

impl Device for LoopDev {
    type RxToken<'a> = Rx;
    type TxToken<'a> = LoopTx<'a>;

    fn receive(&mut self, _now: Instant) -> Option<(Rx, LoopTx<'_>)> {
        let p = self.staged.take()?;
        Some((Rx(p), LoopTx(&mut self.queue)))
    }

    fn transmit(&mut self, _now: Instant) -> Option<LoopTx<'_>> {
        Some(LoopTx(&mut self.queue))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ip;
        caps.max_transmission_unit = 65_535;
        caps.checksum = ChecksumCapabilities::ignored();
        caps
    }
}

/// The NIC as a smoltcp device.
pub(super) struct NicDev {
    /// The kernel's device.
    pub dev: Box<dyn NetDevice>,
    /// The IP MTU in use (config override or the device's).
    pub mtu: usize,
    /// Ports whose SYNs are dropped (full accept queues).
    pub drop_syn: BTreeSet<u16>,
    /// The frame the next `receive` hands to smoltcp.
    pub staged: Option<Vec<u8>>,
    /// What the device offloads (read once at attach, as smoltcp reads
    /// the capabilities once per interface).
    pub offload: Offload,
    /// Frames dropped by [`NicDev::checksum_ok`] (what smoltcp's own
    /// check would have dropped silently).
    pub bad_checksums: u64,
}

impl NicDev {
    /// Wraps a device.
    pub fn new(dev: Box<dyn NetDevice>, mtu: usize) -> NicDev {
        let offload = dev.offload();
        NicDev {
            dev,
            mtu,
            drop_syn: BTreeSet::new(),
            staged: None,
            offload,
            bad_checksums: 0,
        }
    }

    fn tx(&mut self) -> NicTx<'_> {
        NicTx {
            dev: &mut *self.dev,
            tx_offload: self.offload.tx_checksum,
        }
    }

    /// Whether a received frame may go to smoltcp as far as its TCP/UDP
    /// checksum goes: always when smoltcp checks it, else when the device
    /// vouched for it or [`super::csum::verify`] does.
    pub fn checksum_ok(&self, f: &RxFrame) -> bool {
        !self.offload.rx_checksum
            || f.checksum == RxChecksum::Verified
            || super::csum::verify(&f.data)
    }
}

/// A transmit slot on the NIC.
pub(super) struct NicTx<'a> {
    dev: &'a mut dyn NetDevice,
    /// The device completes TCP/UDP checksums (smoltcp left them 0).
    tx_offload: bool,
}

impl phy::TxToken for NicTx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut buf = vec![0; len];
        let r = f(&mut buf);
        let csum = if self.tx_offload {
            super::csum::request(&mut buf)
        } else {
            None
        };
        // A full device queue drops the frame; TCP retransmits.
        let _ = self.dev.transmit(&buf, csum);
        r
    }
}

impl Device for NicDev {
    type RxToken<'a> = Rx;
    type TxToken<'a> = NicTx<'a>;

    fn receive(&mut self, _now: Instant) -> Option<(Rx, NicTx<'_>)> {
        let f = self.staged.take()?;
        Some((Rx(f), self.tx()))
    }

    fn transmit(&mut self, _now: Instant) -> Option<NicTx<'_>> {
        if self.dev.can_transmit() {
            Some(self.tx())
        } else {
            None
        }
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        // smoltcp's Ethernet MTU counts the 14-byte header.
        caps.max_transmission_unit = self.mtu + 14;
        caps.checksum = super::csum::caps(self.offload);
        caps
    }
}
