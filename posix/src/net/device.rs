//! The network device as the socket layer sees it: something that moves
//! whole Ethernet frames (no virtio header, no FCS), each with the
//! checksum state virtio's per-packet header carries (virtio 1.2 §5.1.6,
//! `struct virtio_net_hdr`: NEEDS_CSUM, DATA_VALID) but in our own terms.
//! The kernel implements it over virtio-net (`rumprun-rs/src/net/nic.rs`);
//! host tests implement it with in-memory fakes. Neighbours: `net::inet`
//! (the only user; `inet::csum` turns these marks into smoltcp's
//! checksum capabilities).

use alloc::vec::Vec;

/// Checksum work the device does for us (virtio 1.2 §5.1.3 feature bits
/// `VIRTIO_NET_F_CSUM` and `VIRTIO_NET_F_GUEST_CSUM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offload {
    /// The device completes TCP/UDP checksums of frames we transmit with
    /// a [`TxChecksum`] request, so the stack leaves them to it.
    pub tx_checksum: bool,
    /// The device may deliver frames marked [`RxChecksum::Verified`].
    /// Frames it leaves [`RxChecksum::Unverified`] are still checked by
    /// the stack.
    pub rx_checksum: bool,
}

/// What the device says about a received frame's TCP/UDP checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RxChecksum {
    /// Nothing: the stack must check it (always so without rx offload).
    #[default]
    Unverified,
    /// The device validated it (virtio DATA_VALID), or the frame came
    /// from the host with the checksum still to be completed (virtio
    /// NEEDS_CSUM: the data was validated, the field holds only the
    /// pseudo-header sum). Either way the stack must not check it.
    Verified,
}

/// A received frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RxFrame {
    /// The Ethernet frame.
    pub data: Vec<u8>,
    /// Its TCP/UDP checksum state.
    pub checksum: RxChecksum,
}

impl RxFrame {
    /// A frame the device says nothing about.
    pub fn unverified(data: Vec<u8>) -> RxFrame {
        RxFrame {
            data,
            checksum: RxChecksum::Unverified,
        }
    }
}

/// A request that the device complete a transmitted frame's checksum
/// (virtio NEEDS_CSUM with `csum_start`/`csum_offset`): it sums the
/// frame from `start` to its end in ones' complement and stores the
/// complement at `start + offset`, where the stack has already put the
/// folded (uncomplemented) pseudo-header sum. Only sent when the device
/// reports [`Offload::tx_checksum`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxChecksum {
    /// Offset of the TCP/UDP header in the frame.
    pub start: u16,
    /// Offset of the checksum field in that header (16 TCP, 6 UDP).
    pub offset: u16,
}

/// A NIC moving Ethernet frames.
pub trait NetDevice: Send {
    /// The device's MAC address.
    fn mac(&self) -> [u8; 6];
    /// The largest IP packet (Ethernet payload) the device carries.
    fn mtu(&self) -> usize;
    /// Which checksums the device computes or checks.
    fn offload(&self) -> Offload {
        Offload::default()
    }
    /// Takes the next received frame, if one is waiting.
    fn receive(&mut self) -> Option<RxFrame>;
    /// Whether [`NetDevice::transmit`] can queue a frame now.
    fn can_transmit(&mut self) -> bool;
    /// Queues one frame, asking the device to complete its checksum if
    /// `csum` is given; returns false if the device queue is full (the
    /// frame is dropped, as a full NIC queue drops on Linux).
    fn transmit(&mut self, frame: &[u8], csum: Option<TxChecksum>) -> bool;
}
