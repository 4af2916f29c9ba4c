//! The virtio-net card as `posix::net::NetDevice`: our own small device
//! over virtio-drivers' transports (`SomeTransport`: PCI or MMIO) and
//! split virtqueues (`VirtQueue`), so that we choose the features
//! (`drivers::virtio_net::DRIVER_FEATURES`, which has the header layout
//! and its tests). Every receive descriptor always owns one heap buffer
//! (re-posted as soon as its frame is copied out); each transmitted frame
//! is copied into its own buffer behind the virtio header, freed when the
//! device returns it. The socket layer sees whole Ethernet frames, never
//! the virtio header.
//!
//! Checksum offload (virtio 1.2 §5.1.6.2, §5.1.6.4): when the device
//! offers VIRTIO_NET_F_CSUM (QEMU's tap backend with vnet_hdr does, slirp
//! does not) a frame sent with a [`TxChecksum`] goes out with NEEDS_CSUM
//! and the device completes its checksum; with VIRTIO_NET_F_GUEST_CSUM
//! received frames marked DATA_VALID or NEEDS_CSUM reach the stack as
//! [`RxChecksum::Verified`]. [`NetDevice::offload`] reports what was
//! negotiated.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

use bitflags::bitflags;
use drivers::virtio_net::{self as vnet, feature, Negotiated, QUEUE_RECEIVE, QUEUE_TRANSMIT};
use posix::net::{NetDevice, Offload, RxChecksum, RxFrame, TxChecksum};
use virtio_drivers::queue::VirtQueue;
use virtio_drivers::transport::{DeviceStatus, SomeTransport, Transport};
use virtio_drivers::Error;

use super::hal::KernelHal;

/// Descriptors per queue (a power of two; QEMU offers 256).
pub const QUEUE_SIZE: usize = 64;
/// Receive buffer size: the header (12 bytes) plus a 1514-byte frame, as
/// virtio 1.2 §5.1.6.3.1 asks without GSO or MRG_RXBUF (1526), rounded
/// up so a VLAN-tagged frame fits too.
const RX_BUF: usize = 2048;
/// The IP MTU: 1500 (VIRTIO_NET_F_MTU is not negotiated).
pub const MTU: usize = 1500;
/// Largest frame we send: MTU plus the 14-byte Ethernet header.
const MAX_FRAME: usize = MTU + 14;

bitflags! {
    /// The feature bits in the form virtio-drivers' `Transport::begin_init`
    /// takes; their meaning and citations are in `drivers::virtio_net`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Features: u64 {
        const CSUM = feature::CSUM;
        const GUEST_CSUM = feature::GUEST_CSUM;
        const MAC = feature::MAC;
        const STATUS = feature::STATUS;
        const RING_EVENT_IDX = feature::RING_EVENT_IDX;
        const VERSION_1 = feature::VERSION_1;
    }
}

/// A split virtqueue (virtio 1.2 §2.7) of our size.
type Queue = VirtQueue<KernelHal, QUEUE_SIZE>;

/// Set once a transmit asked for a checksum the device cannot complete.
static REFUSED_TX_CSUM: AtomicBool = AtomicBool::new(false);

/// A virtio-net card and the buffers lent to it.
pub struct VirtioNic {
    transport: SomeTransport<'static>,
    features: Negotiated,
    mac: [u8; 6],
    rxq: Queue,
    txq: Queue,
    /// Receive buffers, indexed by the token (descriptor head) they are
    /// posted under.
    rx: Vec<Option<Box<[u8]>>>,
    /// Transmit buffers in flight, by token.
    tx: Vec<Option<Box<[u8]>>>,
}

// SAFETY: the kernel runs on one CPU and the card is only reached through
// the `spin::Mutex` in `net` (never concurrently); the MMIO pointers in
// the transport and the DMA pointers in the queues stay valid for the
// kernel's life wherever the value lives.
unsafe impl Send for VirtioNic {}

impl VirtioNic {
    /// Initialises the device behind `transport` (virtio 1.2 §3.1.1 and
    /// §5.1.5), sets up its two queues and posts its receive buffers.
    ///
    /// # Errors
    /// virtio-drivers' error when the device refuses our features or a
    /// queue cannot be set up; the device is then reset and marked FAILED.
    pub fn new(mut transport: SomeTransport<'static>) -> Result<VirtioNic, Error> {
        // §3.1.1 steps 1-5: reset, ACKNOWLEDGE, DRIVER, features,
        // FEATURES_OK (begin_init writes what both sides have).
        let wanted = Features::from_bits_truncate(vnet::DRIVER_FEATURES);
        let features = Negotiated::new(transport.begin_init(wanted).bits());
        match Self::set_up(&mut transport, features) {
            Ok((mac, rxq, txq)) => {
                // §3.1.1 step 8: the device is live; only now may it be
                // notified of buffers.
                transport.finish_init();
                let mut nic = VirtioNic {
                    transport,
                    features,
                    mac,
                    rxq,
                    txq,
                    rx: (0..QUEUE_SIZE).map(|_| None).collect(),
                    tx: (0..QUEUE_SIZE).map(|_| None).collect(),
                };
                // §5.1.5 step 3: fill the receive queue, one notification.
                for _ in 0..QUEUE_SIZE {
                    nic.post_rx(vec![0u8; RX_BUF].into_boxed_slice());
                }
                nic.transport.notify(QUEUE_RECEIVE);
                Ok(nic)
            }
            Err(e) => {
                // §3.1.1: give up with FAILED, after a reset (§2.4) so the
                // device forgets any queue whose rings are about to be
                // freed.
                transport.set_status(DeviceStatus::empty());
                transport.set_status(DeviceStatus::FAILED);
                Err(e)
            }
        }
    }

    /// §3.1.1 steps 6-7 and the device configuration (§5.1.4).
    fn set_up(
        transport: &mut SomeTransport<'static>,
        features: Negotiated,
    ) -> Result<([u8; 6], Queue, Queue), Error> {
        // Step 6: a 1.x device clears FEATURES_OK if it rejects the set
        // (legacy devices have no such bit, §3.1.1.1).
        if features.has(feature::VERSION_1)
            && !transport.get_status().contains(DeviceStatus::FEATURES_OK)
        {
            return Err(Error::Unsupported);
        }
        // §5.1.4: `mac` is the first field of the configuration, valid
        // with VIRTIO_NET_F_MAC. QEMU always offers it; without it use a
        // fixed locally administered address (no random source here yet).
        let mac = if features.has(feature::MAC) {
            transport.read_consistent(|| transport.read_config_space::<[u8; 6]>(0))?
        } else {
            [0x02, 0, 0, 0, 0, 0x01]
        };
        let event_idx = features.has(feature::RING_EVENT_IDX);
        // Step 7: the virtqueues (receiveq1 = 0, transmitq1 = 1, §5.1.2);
        // no indirect descriptors, every request is one buffer.
        let rxq = VirtQueue::new(transport, QUEUE_RECEIVE, false, event_idx)?;
        let txq = VirtQueue::new(transport, QUEUE_TRANSMIT, false, event_idx)?;
        Ok((mac, rxq, txq))
    }

    /// Lends `buf` to the receive queue (the caller notifies).
    fn post_rx(&mut self, mut buf: Box<[u8]>) {
        // SAFETY: the buffer is moved into `self.rx` under its token right
        // after and not touched until `receive` pops that token; a Box's
        // heap memory does not move with the Box.
        let Ok(token) = (unsafe { self.rxq.add(&[], &mut [&mut buf[..]]) }) else {
            // Queue full: cannot happen, one buffer per descriptor and
            // only re-posted after its pop. The buffer is simply freed.
            return;
        };
        match self.rx.get_mut(usize::from(token)) {
            Some(slot) => *slot = Some(buf),
            // Cannot happen (tokens are descriptor indices); keep the
            // buffer alive rather than free memory the device may write.
            None => {
                Box::leak(buf);
            }
        }
    }

    /// Notifies the device of new receive buffers unless it said (through
    /// EVENT_IDX or its flags, §2.7.10) it does not need to hear of them.
    fn kick_rx(&mut self) {
        if self.rxq.should_notify() {
            self.transport.notify(QUEUE_RECEIVE);
        }
    }

    /// Frees transmit buffers the device has finished with.
    fn reclaim_tx(&mut self) {
        while let Some(token) = self.txq.peek_used() {
            let Some(buf) = self.tx.get_mut(usize::from(token)).and_then(Option::take) else {
                break;
            };
            // SAFETY: `buf` is the buffer `add` was given for this token
            // (stored under it in `transmit`).
            let _ = unsafe { self.txq.pop_used(token, &[&buf[..]], &mut []) };
        }
    }

    /// Acknowledges the card's interrupt (reads the ISR status, which also
    /// lowers an INTx or virtio-mmio line; harmless with MSI-X).
    pub fn ack_interrupt(&mut self) {
        let _ = self.transport.ack_interrupt();
    }

    /// Tells whether a received frame is waiting in the ring.
    pub fn rx_pending(&self) -> bool {
        self.rxq.can_pop()
    }

    /// Returns the MAC address the device reports.
    pub fn mac_address(&self) -> [u8; 6] {
        self.mac
    }
}

impl Drop for VirtioNic {
    /// The card lives in a `static` and is never dropped once attached;
    /// this covers an attach that fails later. The device must stop using
    /// the rings and buffers before they are freed (right after this, with
    /// the fields): unset the queues as virtio-drivers' own devices do
    /// (MMIO; a no-op on PCI) and reset it (§2.4), which also covers PCI.
    fn drop(&mut self) {
        self.transport.queue_unset(QUEUE_RECEIVE);
        self.transport.queue_unset(QUEUE_TRANSMIT);
        self.transport.set_status(DeviceStatus::empty());
    }
}

/// Maps the driver's offload to the socket layer's.
fn offload_of(o: vnet::Offload) -> Offload {
    Offload {
        tx_checksum: o.tx_checksum,
        rx_checksum: o.rx_checksum,
    }
}

impl NetDevice for VirtioNic {
    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn mtu(&self) -> usize {
        MTU
    }

    fn offload(&self) -> Offload {
        offload_of(self.features.offload())
    }

    fn receive(&mut self) -> Option<RxFrame> {
        let features = self.features;
        loop {
            let token = self.rxq.peek_used()?;
            let mut buf = self.rx.get_mut(usize::from(token)).and_then(Option::take)?;
            // SAFETY: `buf` is the buffer posted under this token (post_rx).
            let used = unsafe { self.rxq.pop_used(token, &[], &mut [&mut buf[..]]) };
            let frame = used
                .ok()
                .and_then(|len| buf.get(..usize::try_from(len).ok()?))
                .and_then(|b| features.parse_rx(b))
                .and_then(|r| {
                    // An exhausted heap drops the frame, not the kernel.
                    let mut data = Vec::new();
                    data.try_reserve_exact(r.frame.len()).ok()?;
                    data.extend_from_slice(r.frame);
                    let checksum = match r.checksum {
                        vnet::RxChecksum::Verified => RxChecksum::Verified,
                        vnet::RxChecksum::Unverified => RxChecksum::Unverified,
                    };
                    Some(RxFrame { data, checksum })
                });
            self.post_rx(buf);
            self.kick_rx();
            if let Some(f) = frame {
                return Some(f);
            }
        }
    }

    fn can_transmit(&mut self) -> bool {
        self.reclaim_tx();
        self.txq.available_desc() > 0
    }

    /// Queues `frame` behind its header. A `csum` request the device
    /// cannot honour (CSUM not negotiated, or a checksum field outside the
    /// frame) is a bug in the caller, which must ask only when
    /// [`NetDevice::offload`] says so: the frame is dropped (false, noted
    /// once on the console) rather than sent with a zero header, which
    /// would put a frame with a known-bad checksum on the wire for the
    /// peer to discard silently.
    fn transmit(&mut self, frame: &[u8], csum: Option<TxChecksum>) -> bool {
        self.reclaim_tx();
        if frame.len() > MAX_FRAME || self.txq.available_desc() == 0 {
            return false;
        }
        let request = csum.map(|c| vnet::TxChecksum {
            start: c.start,
            offset: c.offset,
        });
        let Some(hdr) = self.features.tx_header(frame.len(), request) else {
            if !REFUSED_TX_CSUM.swap(true, Ordering::Relaxed) {
                kprintln!(
                    "net: a frame asked for checksum offload the device cannot do ({:?}); dropped",
                    csum
                );
            }
            return false;
        };
        let hdr = hdr.as_bytes();
        let mut buf = Vec::new();
        if buf.try_reserve_exact(hdr.len() + frame.len()).is_err() {
            return false;
        }
        buf.extend_from_slice(hdr);
        buf.extend_from_slice(frame);
        let buf = buf.into_boxed_slice();
        // SAFETY: the buffer is stored under its token below and neither
        // written nor freed until `reclaim_tx` sees the device return it.
        let Ok(token) = (unsafe { self.txq.add(&[&buf[..]], &mut []) }) else {
            return false;
        };
        match self.tx.get_mut(usize::from(token)) {
            Some(slot) => *slot = Some(buf),
            // Cannot happen (tokens are descriptor indices); keep the
            // buffer alive rather than free memory the device may read.
            None => {
                Box::leak(buf);
            }
        }
        if self.txq.should_notify() {
            self.transport.notify(QUEUE_TRANSMIT);
        }
        true
    }
}
