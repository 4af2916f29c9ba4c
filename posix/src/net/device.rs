//! The network device as the socket layer sees it: something that moves
//! whole Ethernet frames (no virtio header, no FCS). The kernel implements
//! it over virtio-net (`rumprun-rs/src/net.rs`); host tests implement it
//! with in-memory fakes. Neighbours: `net::inet` (the only user).

use alloc::vec::Vec;

/// Checksum work the device does for us (virtio 1.x, 5.1.3 feature bits
/// `VIRTIO_NET_F_CSUM` and `VIRTIO_NET_F_GUEST_CSUM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offload {
    /// The device completes TCP/UDP checksums of frames we transmit, so
    /// the stack leaves them for the device (the driver marks each frame).
    pub tx_checksum: bool,
    /// The device has validated TCP/UDP checksums of frames it delivers.
    pub rx_checksum: bool,
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
    fn receive(&mut self) -> Option<Vec<u8>>;
    /// Whether [`NetDevice::transmit`] can queue a frame now.
    fn can_transmit(&mut self) -> bool;
    /// Queues one frame; returns false if the device queue is full (the
    /// frame is dropped, as a full NIC queue drops on Linux).
    fn transmit(&mut self, frame: &[u8]) -> bool;
}
