//! Layout of a baked image (DESIGN.md decision 4).
//!
//! A baked image is the kernel ELF plus one extra `PT_LOAD` segment, the
//! *payload*, placed above the kernel in physical memory. The kernel finds the
//! payload through [`PayloadDesc`], a 24-byte slot in the kernel's
//! [`DESC_SECTION`] section that `rumprun bake` patches with the payload's
//! physical address and length. The payload itself is
//! `PAYLOAD_MAGIC | abi: u32 le | manifest_len: u32 le | manifest | regions`,
//! where the manifest (postcard) names the regions by offset from the payload
//! start: the program ELF, the optional root filesystem and the kernel's
//! symbol table. Neighbours: `rootfs` and `symbols` parse two of the regions,
//! `cmdline` carries the run-time overrides of [`ImageConfig`].

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Name of the kernel section holding the [`PayloadDesc`] slot.
pub const DESC_SECTION: &str = ".rumprun_payload";
/// Magic that opens the descriptor slot, so bake can check it found the right bytes.
pub const DESC_MAGIC: [u8; 8] = *b"RRPDESC1";
/// Size in bytes of the descriptor slot.
pub const DESC_LEN: usize = 24;
/// Magic that opens the payload.
pub const PAYLOAD_MAGIC: [u8; 8] = *b"RRIMAGE1";
/// Alignment of the payload's physical address and of every region in it.
pub const PAYLOAD_ALIGN: u64 = 4096;

/// The descriptor slot: where the payload is in guest-physical memory.
/// An unbaked kernel has `phys_addr == 0` and refuses to boot a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayloadDesc {
    /// Guest-physical address of the payload's first byte.
    pub phys_addr: u64,
    /// Length of the payload in bytes.
    pub len: u64,
}

impl PayloadDesc {
    /// Encodes the slot as it sits in the kernel image (little endian).
    pub fn to_bytes(self) -> [u8; DESC_LEN] {
        let mut out = [0u8; DESC_LEN];
        out[..8].copy_from_slice(&DESC_MAGIC);
        out[8..16].copy_from_slice(&self.phys_addr.to_le_bytes());
        out[16..24].copy_from_slice(&self.len.to_le_bytes());
        out
    }

    /// Decodes a slot; `None` if the magic is wrong.
    pub fn from_bytes(b: &[u8; DESC_LEN]) -> Option<Self> {
        if b[..8] != DESC_MAGIC {
            return None;
        }
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[8..16]);
        let phys_addr = u64::from_le_bytes(w);
        w.copy_from_slice(&b[16..24]);
        Some(PayloadDesc {
            phys_addr,
            len: u64::from_le_bytes(w),
        })
    }
}

/// What the program sees when it starts, as baked by `rumprun bake` and
/// possibly overridden by `rumprun run` (see [`crate::cmdline`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ImageConfig {
    /// `argv[0]` and the AT_EXECFN string: the path the program is known by.
    pub program_name: String,
    /// Default arguments after `argv[0]`.
    pub args: Vec<String>,
    /// Default environment, each entry `KEY=VALUE`.
    pub env: Vec<String>,
    /// The one identity's user id (0 unless the image says otherwise).
    pub uid: u32,
    /// The one identity's group id.
    pub gid: u32,
    /// Hostname reported by uname and /etc/hostname.
    pub hostname: String,
    /// Memory the launcher gives the VM unless `-m` says otherwise, in MiB.
    pub memory_mib: u32,
    /// Network settings of the first NIC.
    pub net: crate::net::NetConfig,
}

/// A byte range inside the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    /// Offset from the payload's first byte.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
}

/// The manifest at the head of the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Boot configuration.
    pub config: ImageConfig,
    /// The program's ELF file.
    pub program: Region,
    /// The read-only root filesystem (see [`crate::rootfs`]), if any.
    pub rootfs: Option<Region>,
    /// The kernel's symbol table (see [`crate::symbols`]), if any.
    pub symbols: Option<Region>,
}

/// A payload parsed in place: the manifest and borrowed region bytes.
#[derive(Debug)]
pub struct Payload<'a> {
    /// The decoded manifest.
    pub manifest: Manifest,
    /// The program ELF bytes.
    pub program: &'a [u8],
    /// Root filesystem bytes, if any.
    pub rootfs: Option<&'a [u8]>,
    /// Symbol table bytes, if any.
    pub symbols: Option<&'a [u8]>,
}

/// Why a payload could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageError {
    /// The payload does not start with [`PAYLOAD_MAGIC`].
    BadMagic,
    /// The payload was made for another ABI version.
    AbiMismatch {
        /// Version found in the payload.
        found: u32,
    },
    /// The payload is shorter than its header says.
    Truncated,
    /// The manifest could not be decoded.
    BadManifest,
    /// A region lies outside the payload.
    RegionOutOfBounds,
}

impl core::fmt::Display for ImageError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ImageError::BadMagic => write!(f, "payload magic missing (not a rumprun image?)"),
            ImageError::AbiMismatch { found } => write!(
                f,
                "image ABI version {found}, this kernel speaks {}: re-bake with a matching rumprun",
                crate::ABI_VERSION
            ),
            ImageError::Truncated => write!(f, "payload truncated"),
            ImageError::BadManifest => write!(f, "payload manifest cannot be decoded"),
            ImageError::RegionOutOfBounds => write!(f, "payload region outside the payload"),
        }
    }
}

fn region(bytes: &[u8], r: Region) -> Result<&[u8], ImageError> {
    let start = usize::try_from(r.offset).map_err(|_| ImageError::RegionOutOfBounds)?;
    let len = usize::try_from(r.len).map_err(|_| ImageError::RegionOutOfBounds)?;
    let end = start
        .checked_add(len)
        .ok_or(ImageError::RegionOutOfBounds)?;
    bytes.get(start..end).ok_or(ImageError::RegionOutOfBounds)
}

/// Parses a payload; every offset is checked against `bytes`.
pub fn parse_payload(bytes: &[u8]) -> Result<Payload<'_>, ImageError> {
    if bytes.len() < 16 {
        return Err(ImageError::Truncated);
    }
    if bytes[..8] != PAYLOAD_MAGIC {
        return Err(ImageError::BadMagic);
    }
    let abi = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if abi != crate::ABI_VERSION {
        return Err(ImageError::AbiMismatch { found: abi });
    }
    let mlen = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
    let mbytes = bytes.get(16..16 + mlen).ok_or(ImageError::Truncated)?;
    let manifest: Manifest = postcard::from_bytes(mbytes).map_err(|_| ImageError::BadManifest)?;
    let program = region(bytes, manifest.program)?;
    let rootfs = manifest.rootfs.map(|r| region(bytes, r)).transpose()?;
    let symbols = manifest.symbols.map(|r| region(bytes, r)).transpose()?;
    Ok(Payload {
        manifest,
        program,
        rootfs,
        symbols,
    })
}

/// Builds a payload from its parts; regions are placed at
/// [`PAYLOAD_ALIGN`]-aligned offsets after the manifest.
pub fn build_payload(
    config: ImageConfig,
    program: &[u8],
    rootfs: Option<&[u8]>,
    symbols: Option<&[u8]>,
) -> Vec<u8> {
    // The manifest's size depends on the offsets it records; compute offsets
    // against a generous upper bound of the manifest size, then encode.
    let probe = Manifest {
        config: config.clone(),
        program: Region {
            offset: u64::MAX,
            len: u64::MAX,
        },
        rootfs: rootfs.map(|_| Region {
            offset: u64::MAX,
            len: u64::MAX,
        }),
        symbols: symbols.map(|_| Region {
            offset: u64::MAX,
            len: u64::MAX,
        }),
    };
    let bound = postcard::to_allocvec(&probe)
        .expect("manifest always serialises")
        .len();
    let align = |x: u64| (x + PAYLOAD_ALIGN - 1) & !(PAYLOAD_ALIGN - 1);
    let mut next = align(16 + bound as u64);
    let mut place = |len: usize| {
        let r = Region {
            offset: next,
            len: len as u64,
        };
        next = align(next + len as u64);
        r
    };
    let manifest = Manifest {
        config,
        program: place(program.len()),
        rootfs: rootfs.map(|b| place(b.len())),
        symbols: symbols.map(|b| place(b.len())),
    };
    let mbytes = postcard::to_allocvec(&manifest).expect("manifest always serialises");
    let mut out = Vec::with_capacity(next as usize);
    out.extend_from_slice(&PAYLOAD_MAGIC);
    out.extend_from_slice(&crate::ABI_VERSION.to_le_bytes());
    out.extend_from_slice(&(mbytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&mbytes);
    let mut put = |r: Region, b: &[u8]| {
        out.resize(r.offset as usize, 0);
        out.extend_from_slice(b);
    };
    put(manifest.program, program);
    if let (Some(r), Some(b)) = (manifest.rootfs, rootfs) {
        put(r, b);
    }
    if let (Some(r), Some(b)) = (manifest.symbols, symbols) {
        put(r, b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn cfg() -> ImageConfig {
        ImageConfig {
            program_name: "/bin/hello".into(),
            args: vec!["world".into()],
            env: vec!["GREETING=hi".into()],
            memory_mib: 64,
            ..Default::default()
        }
    }

    #[test]
    fn payload_round_trips() {
        let p = build_payload(cfg(), b"\x7fELFprog", Some(b"fs"), None);
        let parsed = parse_payload(&p).unwrap();
        assert_eq!(parsed.manifest.config, cfg());
        assert_eq!(parsed.program, b"\x7fELFprog");
        assert_eq!(parsed.rootfs, Some(&b"fs"[..]));
        assert_eq!(parsed.symbols, None);
        assert_eq!(parsed.manifest.program.offset % PAYLOAD_ALIGN, 0);
    }

    #[test]
    fn truncation_and_corruption_are_errors_not_panics() {
        let p = build_payload(cfg(), &[1u8; 5000], Some(&[2u8; 100]), Some(&[3u8; 7]));
        for cut in 0..p.len() {
            let _ = parse_payload(&p[..cut]);
        }
        assert_eq!(
            parse_payload(&p[..p.len() - 1]).unwrap_err(),
            ImageError::RegionOutOfBounds
        );
        let mut bad = p.clone();
        bad[0] = b'X';
        assert_eq!(parse_payload(&bad).unwrap_err(), ImageError::BadMagic);
        let mut old = p.clone();
        old[8] = 99;
        assert_eq!(
            parse_payload(&old).unwrap_err(),
            ImageError::AbiMismatch { found: 99 }
        );
        for i in 16..64 {
            let mut flip = p.clone();
            flip[i] ^= 0xff;
            let _ = parse_payload(&flip);
        }
    }

    #[test]
    fn desc_round_trips_and_checks_magic() {
        let d = PayloadDesc {
            phys_addr: 0x20_0000,
            len: 12345,
        };
        assert_eq!(PayloadDesc::from_bytes(&d.to_bytes()), Some(d));
        let mut b = d.to_bytes();
        b[0] = 0;
        assert_eq!(PayloadDesc::from_bytes(&b), None);
    }
}
