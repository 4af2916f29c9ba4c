//! The virtio-net card as `posix::net::NetDevice`: virtio-drivers'
//! `VirtIONetRaw` plus the buffer ownership it leaves to us. Every receive
//! descriptor always owns one heap buffer (re-posted as soon as its frame
//! is copied out); each transmitted frame is copied into its own buffer
//! with the virtio header in front, freed when the device returns it.
//! The socket layer sees whole Ethernet frames, never the virtio header.
//!
//! Checksum offload: virtio-drivers 0.13 negotiates a fixed feature set
//! (MAC, STATUS, RING_EVENT_IDX, RING_INDIRECT_DESC; `SUPPORTED_FEATURES` in
//! its `device/net/mod.rs`), with no way to ask for VIRTIO_NET_F_CSUM or
//! VIRTIO_NET_F_GUEST_CSUM (virtio 1.2 §5.1.3). Without them every header
//! we send and get is zero, so the stack computes and checks all checksums
//! itself: [`NetDevice::offload`] keeps its default (none).

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use posix::net::{NetDevice, RxFrame, TxChecksum};
use virtio_drivers::device::net::VirtIONetRaw;
use virtio_drivers::transport::SomeTransport;

use super::hal::KernelHal;

/// Descriptors per queue (a power of two; QEMU offers 256).
pub const QUEUE_SIZE: usize = 64;
/// Receive buffer size: the largest header (12 bytes) plus a 1514-byte
/// frame fits, and virtio-drivers wants at least 1526.
const RX_BUF: usize = 2048;
/// The IP MTU: 1500, as no VIRTIO_NET_F_MTU can be negotiated either.
pub const MTU: usize = 1500;
/// Largest frame we send: MTU plus the 14-byte Ethernet header.
const MAX_FRAME: usize = MTU + 14;

type Raw = VirtIONetRaw<KernelHal, SomeTransport<'static>, QUEUE_SIZE>;

/// A virtio-net card and the buffers lent to it.
pub struct VirtioNic {
    raw: Raw,
    /// Receive buffers, indexed by the token (descriptor head) they are
    /// posted under.
    rx: Vec<Option<Box<[u8]>>>,
    /// Transmit buffers in flight, by token.
    tx: Vec<Option<Box<[u8]>>>,
}

// SAFETY: the kernel runs on one CPU and the card is only reached through
// the `spin::Mutex` in `net` (never concurrently); the MMIO pointers inside
// the transport stay valid for the kernel's life wherever the value lives.
unsafe impl Send for VirtioNic {}

impl VirtioNic {
    /// Takes an initialised device and posts its receive buffers.
    pub fn new(raw: Raw) -> VirtioNic {
        let mut nic = VirtioNic {
            raw,
            rx: (0..QUEUE_SIZE).map(|_| None).collect(),
            tx: (0..QUEUE_SIZE).map(|_| None).collect(),
        };
        for _ in 0..QUEUE_SIZE {
            nic.post_rx(vec![0u8; RX_BUF].into_boxed_slice());
        }
        nic
    }

    fn post_rx(&mut self, mut buf: Box<[u8]>) {
        // SAFETY: the buffer is moved into `self.rx` under its token right
        // after and not touched until `receive_complete` hands it back; a
        // Box's heap memory does not move with the Box.
        if let Ok(token) = unsafe { self.raw.receive_begin(&mut buf) } {
            if let Some(slot) = self.rx.get_mut(usize::from(token)) {
                *slot = Some(buf);
            }
        }
    }

    /// Frees transmit buffers the device has finished with.
    fn reclaim_tx(&mut self) {
        while let Some(token) = self.raw.poll_transmit() {
            let Some(buf) = self.tx.get_mut(usize::from(token)).and_then(Option::take) else {
                break;
            };
            // SAFETY: `buf` is the buffer `transmit_begin` was given for
            // this token (stored under it in `transmit`).
            let _ = unsafe { self.raw.transmit_complete(token, &buf) };
        }
    }

    /// Acknowledges the card's interrupt (reads the ISR status, which also
    /// lowers an INTx or virtio-mmio line; harmless with MSI-X).
    pub fn ack_interrupt(&mut self) {
        let _ = self.raw.ack_interrupt();
    }

    /// Tells whether a received frame is waiting in the ring.
    pub fn rx_pending(&self) -> bool {
        self.raw.poll_receive().is_some()
    }

    /// Returns the MAC address the device reports.
    pub fn mac_address(&self) -> [u8; 6] {
        self.raw.mac_address()
    }
}

impl NetDevice for VirtioNic {
    fn mac(&self) -> [u8; 6] {
        self.mac_address()
    }

    fn mtu(&self) -> usize {
        MTU
    }

    fn receive(&mut self) -> Option<RxFrame> {
        loop {
            let token = self.raw.poll_receive()?;
            let mut buf = self.rx.get_mut(usize::from(token)).and_then(Option::take)?;
            // SAFETY: `buf` is the buffer posted under this token (post_rx).
            let done = unsafe { self.raw.receive_complete(token, &mut buf) };
            let frame = done
                .ok()
                .and_then(|(hdr, len)| buf.get(hdr..hdr + len))
                .map(<[u8]>::to_vec);
            self.post_rx(buf);
            if let Some(f) = frame {
                return Some(RxFrame::unverified(f));
            }
        }
    }

    fn can_transmit(&mut self) -> bool {
        self.reclaim_tx();
        self.raw.can_send()
    }

    fn transmit(&mut self, frame: &[u8], _csum: Option<TxChecksum>) -> bool {
        self.reclaim_tx();
        if frame.len() > MAX_FRAME || !self.raw.can_send() {
            return false;
        }
        let mut buf = vec![0u8; 12 + frame.len()];
        let Ok(hdr) = self.raw.fill_buffer_header(&mut buf) else {
            return false;
        };
        buf.truncate(hdr + frame.len());
        buf[hdr..].copy_from_slice(frame);
        let buf = buf.into_boxed_slice();
        // SAFETY: the buffer is stored under its token below and neither
        // read nor freed until `reclaim_tx` sees the device return it.
        match unsafe { self.raw.transmit_begin(&buf) } {
            Ok(token) => match self.tx.get_mut(usize::from(token)) {
                Some(slot) => {
                    *slot = Some(buf);
                    true
                }
                None => {
                    // Cannot happen (tokens are descriptor indices); keep
                    // the buffer alive rather than free memory the device
                    // may still read.
                    Box::leak(buf);
                    false
                }
            },
            Err(_) => false,
        }
    }
}
