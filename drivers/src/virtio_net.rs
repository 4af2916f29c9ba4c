//! Virtio-net without the rings (virtio 1.2 §5.1): the feature bits we
//! negotiate, the per-packet `struct virtio_net_hdr` in front of every
//! frame (encoded for transmit, decoded on receive) and the checksum
//! offload those features give. Key types: [`Negotiated`], [`TxHeader`],
//! [`Received`]. The kernel's `net::nic` drives the queues and maps these
//! types to `posix::net`'s; this crate does not know `posix`.

/// Feature bits (virtio 1.2 §5.1.3 for the device-specific ones, §6 for
/// the reserved, device-independent ones).
pub mod feature {
    /// §5.1.3: the device completes checksums of frames sent with
    /// NEEDS_CSUM ("checksum offload" for transmit).
    pub const CSUM: u64 = 1 << 0;
    /// §5.1.3: the driver accepts frames whose checksum is incomplete or
    /// already validated (flags NEEDS_CSUM / DATA_VALID on receive).
    pub const GUEST_CSUM: u64 = 1 << 1;
    /// §5.1.3: the device reports an MTU in its configuration.
    pub const MTU: u64 = 1 << 3;
    /// §5.1.3: the device has a MAC address in its configuration.
    pub const MAC: u64 = 1 << 5;
    /// §5.1.3: the driver can receive TSOv4 (frames above the MTU).
    pub const GUEST_TSO4: u64 = 1 << 7;
    /// §5.1.3: the driver can receive TSOv6.
    pub const GUEST_TSO6: u64 = 1 << 8;
    /// §5.1.3: the driver can receive UFO.
    pub const GUEST_UFO: u64 = 1 << 10;
    /// §5.1.3: the device accepts TSOv4 (we would send frames above the MTU).
    pub const HOST_TSO4: u64 = 1 << 11;
    /// §5.1.3: the device accepts TSOv6.
    pub const HOST_TSO6: u64 = 1 << 12;
    /// §5.1.3: the device accepts UFO.
    pub const HOST_UFO: u64 = 1 << 14;
    /// §5.1.3: the driver merges receive buffers (one frame in several).
    pub const MRG_RXBUF: u64 = 1 << 15;
    /// §5.1.3: the configuration has a link status field.
    pub const STATUS: u64 = 1 << 16;
    /// §6: chains may use indirect descriptor tables.
    pub const RING_INDIRECT_DESC: u64 = 1 << 28;
    /// §6: `used_event`/`avail_event` suppress notifications (§2.7.10).
    pub const RING_EVENT_IDX: u64 = 1 << 29;
    /// §6: the device follows virtio 1.x (not the legacy interface).
    pub const VERSION_1: u64 = 1 << 32;
}

/// The features the driver asks for (the device grants their
/// intersection with what it offers). No GSO/TSO/UFO and no MRG_RXBUF:
/// every frame then fits one buffer and stays within 1514 bytes, and the
/// header has a fixed size. No RING_INDIRECT_DESC: each request is one
/// descriptor (header and frame in one buffer). RING_EVENT_IDX stays: the
/// kernel re-polls a ring it left frames in, as the device will not
/// interrupt for them again.
pub const DRIVER_FEATURES: u64 = feature::VERSION_1
    | feature::MAC
    | feature::STATUS
    | feature::CSUM
    | feature::GUEST_CSUM
    | feature::RING_EVENT_IDX;

/// The receive queue's index (virtio 1.2 §5.1.2: receiveq1 is 0).
pub const QUEUE_RECEIVE: u16 = 0;
/// The transmit queue's index (§5.1.2: transmitq1 is 1).
pub const QUEUE_TRANSMIT: u16 = 1;

/// Size of `struct virtio_net_hdr` with VERSION_1 (§5.1.6: flags,
/// gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers).
pub const HEADER_LEN: usize = 12;
/// Size of the legacy header without MRG_RXBUF: no `num_buffers`
/// (§5.1.6.1, "2 bytes shorter").
pub const LEGACY_HEADER_LEN: usize = 10;

/// `virtio_net_hdr.flags` bits (§5.1.6).
pub mod flags {
    /// The checksum from `csum_start` on is incomplete: the field at
    /// `csum_start + csum_offset` holds only the pseudo-header sum.
    pub const NEEDS_CSUM: u8 = 1;
    /// Receive only: the device validated the checksum(s).
    pub const DATA_VALID: u8 = 2;
}

/// Checksum work the device does for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offload {
    /// CSUM: frames may be sent with a [`TxChecksum`] request.
    pub tx_checksum: bool,
    /// GUEST_CSUM: frames may arrive [`RxChecksum::Verified`].
    pub rx_checksum: bool,
}

/// A request that the device complete a frame's TCP/UDP checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxChecksum {
    /// Offset of the TCP/UDP header in the frame (`csum_start`).
    pub start: u16,
    /// Offset of the checksum field in that header (`csum_offset`).
    pub offset: u16,
}

/// What the header says about a received frame's checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RxChecksum {
    /// Nothing: the stack checks it.
    Unverified,
    /// DATA_VALID or NEEDS_CSUM: the stack must not check it.
    Verified,
}

/// An encoded transmit header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxHeader {
    bytes: [u8; HEADER_LEN],
    len: usize,
}

impl TxHeader {
    /// Returns the header's bytes (10 or 12 of them).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// A received buffer, header removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received<'a> {
    /// The Ethernet frame.
    pub frame: &'a [u8],
    /// Its checksum state.
    pub checksum: RxChecksum,
}

/// The feature bits the device accepted (bits we never ask for are
/// dropped, so a confused transport cannot switch on a header layout we
/// do not speak).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated(u64);

impl Negotiated {
    /// Wraps the features `begin_init` returned.
    pub fn new(bits: u64) -> Negotiated {
        Negotiated(bits & DRIVER_FEATURES)
    }

    /// Returns the raw bits.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// Tells whether every bit of `feature` was negotiated.
    pub fn has(self, feature: u64) -> bool {
        self.0 & feature == feature
    }

    /// Returns the size of the header in front of every frame: 12 with
    /// VERSION_1 (§5.1.6), 10 for a legacy device (§5.1.6.1; MRG_RXBUF,
    /// the other case with `num_buffers`, is never negotiated).
    pub fn header_len(self) -> usize {
        if self.has(feature::VERSION_1) {
            HEADER_LEN
        } else {
            LEGACY_HEADER_LEN
        }
    }

    /// Returns the checksum offload these features give.
    pub fn offload(self) -> Offload {
        Offload {
            tx_checksum: self.has(feature::CSUM),
            rx_checksum: self.has(feature::GUEST_CSUM),
        }
    }

    /// Encodes the header for a frame of `frame_len` bytes (§5.1.6.2):
    /// all zeros without `csum`; with it flags NEEDS_CSUM, gso_type NONE,
    /// `csum_start`/`csum_offset` from the request, little-endian (the
    /// legacy header is guest-endian, also little on x86). `hdr_len`,
    /// `gso_size` and `num_buffers` stay 0 (no GSO; §5.1.6.2 leaves
    /// `num_buffers` unused on transmit).
    ///
    /// Returns `None` for a request the device must not see: CSUM not
    /// negotiated (§5.1.6.2.1: the driver MUST then set flags to zero), or
    /// a checksum field that does not lie inside the frame.
    pub fn tx_header(self, frame_len: usize, csum: Option<TxChecksum>) -> Option<TxHeader> {
        let mut bytes = [0u8; HEADER_LEN];
        if let Some(c) = csum {
            let field_end = usize::from(c.start) + usize::from(c.offset) + 2;
            if !self.has(feature::CSUM) || field_end > frame_len {
                return None;
            }
            bytes[0] = flags::NEEDS_CSUM;
            bytes[6..8].copy_from_slice(&c.start.to_le_bytes());
            bytes[8..10].copy_from_slice(&c.offset.to_le_bytes());
        }
        Some(TxHeader {
            bytes,
            len: self.header_len(),
        })
    }

    /// Splits a received buffer (the bytes the device wrote) into header
    /// and frame (§5.1.6.4). The frame is Verified iff GUEST_CSUM was
    /// negotiated and flags carry DATA_VALID or NEEDS_CSUM (the latter:
    /// validated, checksum left incomplete by a local sender); other flag
    /// bits are ignored (§5.1.6.4.2), and without GUEST_CSUM the device
    /// must send zero flags (§5.1.6.4.1), so none are trusted.
    ///
    /// Returns `None` for a buffer shorter than the header.
    pub fn parse_rx(self, buf: &[u8]) -> Option<Received<'_>> {
        let frame = buf.get(self.header_len()..)?;
        let marked = buf[0] & (flags::DATA_VALID | flags::NEEDS_CSUM) != 0;
        let checksum = if marked && self.has(feature::GUEST_CSUM) {
            RxChecksum::Verified
        } else {
            RxChecksum::Unverified
        };
        Some(Received { frame, checksum })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use feature::*;

    const ALL: u64 = VERSION_1 | MAC | STATUS | CSUM | GUEST_CSUM | RING_EVENT_IDX;

    #[test]
    fn driver_features_leave_out_gso_mergeable_and_indirect() {
        for bit in [
            GUEST_TSO4,
            GUEST_TSO6,
            GUEST_UFO,
            HOST_TSO4,
            HOST_TSO6,
            HOST_UFO,
            MRG_RXBUF,
            MTU,
            RING_INDIRECT_DESC,
        ] {
            assert_eq!(DRIVER_FEATURES & bit, 0, "{bit:#x}");
        }
        assert_eq!(DRIVER_FEATURES, ALL);
    }

    #[test]
    fn negotiated_drops_bits_never_asked_for() {
        let n = Negotiated::new(ALL | MRG_RXBUF | HOST_TSO4 | RING_INDIRECT_DESC);
        assert_eq!(n.bits(), ALL);
        assert!(n.has(CSUM | GUEST_CSUM));
        assert!(!n.has(MRG_RXBUF));
    }

    #[test]
    fn header_is_12_bytes_with_version_1_and_10_for_legacy() {
        assert_eq!(Negotiated::new(ALL).header_len(), 12);
        assert_eq!(Negotiated::new(ALL & !VERSION_1).header_len(), 10);
        // MRG_RXBUF would add num_buffers to a legacy header; it is never
        // negotiated, so it changes nothing.
        assert_eq!(Negotiated::new(MAC | MRG_RXBUF).header_len(), 10);
    }

    #[test]
    fn offload_follows_csum_and_guest_csum() {
        let o = |bits| Negotiated::new(bits).offload();
        assert_eq!(
            o(ALL),
            Offload {
                tx_checksum: true,
                rx_checksum: true
            }
        );
        assert_eq!(
            o(VERSION_1 | CSUM),
            Offload {
                tx_checksum: true,
                rx_checksum: false
            }
        );
        assert_eq!(
            o(VERSION_1 | GUEST_CSUM),
            Offload {
                tx_checksum: false,
                rx_checksum: true
            }
        );
        assert_eq!(o(VERSION_1 | MAC | STATUS), Offload::default());
    }

    #[test]
    fn tx_header_without_request_is_zeros() {
        let h = Negotiated::new(ALL)
            .tx_header(60, None)
            .expect("no request");
        assert_eq!(h.as_bytes(), &[0u8; 12]);
        let h = Negotiated::new(MAC)
            .tx_header(60, None)
            .expect("no request");
        assert_eq!(h.as_bytes(), &[0u8; 10]);
    }

    #[test]
    fn tx_header_with_request_sets_needs_csum_and_offsets_little_endian() {
        // A TCP segment after Ethernet (14) and IPv4 (20): start 34,
        // checksum field 16 into the TCP header.
        let c = TxChecksum {
            start: 34,
            offset: 16,
        };
        let h = Negotiated::new(ALL).tx_header(54, Some(c)).expect("fits");
        assert_eq!(h.as_bytes(), &[1, 0, 0, 0, 0, 0, 34, 0, 16, 0, 0, 0]);
        // UDP over IPv6 with a start above 255 to see both bytes.
        let c = TxChecksum {
            start: 0x0136,
            offset: 6,
        };
        let h = Negotiated::new(ALL & !VERSION_1)
            .tx_header(0x0136 + 8, Some(c))
            .expect("fits");
        assert_eq!(h.as_bytes(), &[1, 0, 0, 0, 0, 0, 0x36, 0x01, 6, 0]);
    }

    #[test]
    fn tx_header_refuses_a_request_the_device_cannot_take() {
        let c = TxChecksum {
            start: 34,
            offset: 16,
        };
        // CSUM not negotiated.
        assert_eq!(Negotiated::new(ALL & !CSUM).tx_header(54, Some(c)), None);
        // The 2-byte field would end past the frame (34 + 16 + 2 = 52).
        assert_eq!(Negotiated::new(ALL).tx_header(51, Some(c)), None);
        assert!(Negotiated::new(ALL).tx_header(52, Some(c)).is_some());
    }

    fn rx(flags: u8, hdr_len: usize) -> [u8; 16] {
        let mut b = [0xaau8; 16];
        b[..hdr_len].fill(0);
        b[0] = flags;
        b
    }

    #[test]
    fn rx_splits_header_by_version() {
        let b = rx(0, 12);
        let r = Negotiated::new(ALL).parse_rx(&b).expect("long enough");
        assert_eq!(r.frame, &[0xaa; 4]);
        let b = rx(0, 10);
        let r = Negotiated::new(ALL & !VERSION_1)
            .parse_rx(&b)
            .expect("long enough");
        assert_eq!(r.frame, &[0xaa; 6]);
    }

    #[test]
    fn rx_rejects_buffers_shorter_than_the_header() {
        assert_eq!(Negotiated::new(ALL).parse_rx(&[0; 11]), None);
        assert_eq!(Negotiated::new(ALL & !VERSION_1).parse_rx(&[0; 9]), None);
        assert_eq!(Negotiated::new(ALL).parse_rx(&[]), None);
        // A header alone is an empty frame, not an error here.
        let r = Negotiated::new(ALL).parse_rx(&[0; 12]).expect("header");
        assert!(r.frame.is_empty());
    }

    #[test]
    fn rx_verified_iff_data_valid_or_needs_csum() {
        let n = Negotiated::new(ALL);
        let state = |f| n.parse_rx(&rx(f, 12)).map(|r| r.checksum);
        assert_eq!(state(0), Some(RxChecksum::Unverified));
        assert_eq!(state(flags::NEEDS_CSUM), Some(RxChecksum::Verified));
        assert_eq!(state(flags::DATA_VALID), Some(RxChecksum::Verified));
        assert_eq!(state(3), Some(RxChecksum::Verified));
        // RSC_INFO (4) and unknown bits say nothing about the checksum.
        assert_eq!(state(4), Some(RxChecksum::Unverified));
        assert_eq!(state(0xf8), Some(RxChecksum::Unverified));
    }

    #[test]
    fn rx_flags_are_not_trusted_without_guest_csum() {
        let n = Negotiated::new(ALL & !GUEST_CSUM);
        let r = n.parse_rx(&rx(flags::DATA_VALID, 12)).map(|r| r.checksum);
        assert_eq!(r, Some(RxChecksum::Unverified));
    }
}
