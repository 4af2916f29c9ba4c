//! Kernel ELF reading and baked-image writing (DESIGN.md decision 4).
//!
//! [`Kernel::parse`] reads the kernel's program headers, its
//! `.rumprun_payload` descriptor slot and its function symbols with the
//! `object` crate; [`Kernel::write_image`] writes a new ELF: the kernel's
//! segments in their original order plus one `PT_LOAD` for the payload, with
//! the slot patched to point at it. [`find_payload`] reads the payload back
//! out of an image (for `rumprun run`). Neighbours: `bake` builds the payload,
//! `rumprun_config::image` defines its layout.

use object::elf;
use object::read::elf::{FileHeader, ProgramHeader, SectionHeader, Sym};
use object::LittleEndian;
use rumprun_config::image::{
    PayloadDesc, DESC_LEN, DESC_MAGIC, DESC_SECTION, PAYLOAD_ALIGN, PAYLOAD_MAGIC,
};
use rumprun_config::symbols::Symbol;

type Ehdr = elf::FileHeader64<LittleEndian>;

/// Virtual-minus-physical offset of the kernel's upper-half segments; the
/// payload segment follows the same convention.
pub const KERNEL_VMA: u64 = 0xffff_ffff_8000_0000;
/// Multiboot2 header magic; the header must lie 8-aligned in the first
/// [`MULTIBOOT2_SEARCH`] bytes of the file (Multiboot2 spec §3.1.1).
pub const MULTIBOOT2_MAGIC: u32 = 0xe852_50d6;
/// How far into the file a multiboot2 loader looks for the header.
pub const MULTIBOOT2_SEARCH: usize = 32 * 1024;
/// Largest segment alignment honoured in file offsets (see `layout`).
const MAX_FILE_ALIGN: u64 = 4096;
const EHDR_SIZE: u64 = 64;
const PHDR_SIZE: u64 = 56;

/// Why a kernel ELF cannot be baked into an image.
#[derive(Debug, thiserror::Error)]
pub enum ElfError {
    /// Not a well-formed ELF64 x86_64 file.
    #[error("not an ELF64 x86_64 file ({0}); pass the kernel built by `make kernel`")]
    Malformed(String),
    /// The descriptor section is missing.
    #[error("no section {DESC_SECTION}: this is not a rumprun-rs kernel, or its section headers were stripped; pass the kernel built by `make kernel`")]
    NoDescSection,
    /// The descriptor section is not a 24-byte slot opening with the magic.
    #[error("section {DESC_SECTION} does not hold the {DESC_LEN}-byte descriptor slot starting with \"RRPDESC1\"; the kernel and this rumprun disagree: rebuild both from one tree")]
    BadDescSlot,
    /// The slot is not backed by file bytes of a loadable segment.
    #[error("section {DESC_SECTION} at {0:#x} is not inside the file bytes of a PT_LOAD segment; keep it in a PROGBITS data section of a loaded segment")]
    DescNotLoaded(u64),
    /// A loadable segment covers the ELF headers, which bake rewrites.
    #[error("PT_LOAD segment {0} includes the ELF headers; link the kernel so that its segments start after the headers (rumprun-rs/linker.ld does)")]
    HeadersInSegment(usize),
    /// The kernel has nothing to load.
    #[error("the kernel has no PT_LOAD segment")]
    NoLoad,
    /// A segment's file range lies outside the file.
    #[error("segment {0} lies outside the file")]
    SegmentOutOfFile(usize),
    /// The multiboot2 header would leave the first 32 KiB.
    #[error("the multiboot2 header would move beyond the first 32 KiB of the image; keep the kernel's first segment small-aligned")]
    MultibootMoved,
}

fn malformed(e: object::read::Error) -> ElfError {
    ElfError::Malformed(e.to_string())
}

/// One program header, as plain numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// `p_type`.
    pub p_type: u32,
    /// `p_flags`.
    pub p_flags: u32,
    /// `p_offset`.
    pub p_offset: u64,
    /// `p_vaddr`.
    pub p_vaddr: u64,
    /// `p_paddr`.
    pub p_paddr: u64,
    /// `p_filesz`.
    pub p_filesz: u64,
    /// `p_memsz`.
    pub p_memsz: u64,
    /// `p_align`.
    pub p_align: u64,
}

impl Segment {
    fn to_bytes(self) -> [u8; PHDR_SIZE as usize] {
        let mut b = [0u8; PHDR_SIZE as usize];
        b[0..4].copy_from_slice(&self.p_type.to_le_bytes());
        b[4..8].copy_from_slice(&self.p_flags.to_le_bytes());
        for (i, w) in [
            self.p_offset,
            self.p_vaddr,
            self.p_paddr,
            self.p_filesz,
            self.p_memsz,
            self.p_align,
        ]
        .into_iter()
        .enumerate()
        {
            b[8 + 8 * i..16 + 8 * i].copy_from_slice(&w.to_le_bytes());
        }
        b
    }

    fn file_range(&self) -> (u64, u64) {
        (self.p_offset, self.p_offset + self.p_filesz)
    }
}

/// Reads the program headers of an ELF64 little-endian x86_64 file.
pub fn segments(data: &[u8]) -> Result<Vec<Segment>, ElfError> {
    let hdr = Ehdr::parse(data).map_err(malformed)?;
    let e = hdr.endian().map_err(malformed)?;
    if hdr.e_machine(e) != elf::EM_X86_64 {
        return Err(ElfError::Malformed(format!(
            "machine {} is not x86_64",
            hdr.e_machine(e)
        )));
    }
    let phdrs = hdr.program_headers(e, data).map_err(malformed)?;
    phdrs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let s = Segment {
                p_type: p.p_type(e),
                p_flags: p.p_flags(e),
                p_offset: p.p_offset(e),
                p_vaddr: p.p_vaddr(e),
                p_paddr: p.p_paddr(e),
                p_filesz: p.p_filesz(e),
                p_memsz: p.p_memsz(e),
                p_align: p.p_align(e),
            };
            let end = s.p_offset.checked_add(s.p_filesz);
            if end.is_none_or(|end| end > data.len() as u64) {
                return Err(ElfError::SegmentOutOfFile(i));
            }
            Ok(s)
        })
        .collect()
}

/// A parsed kernel ELF.
#[derive(Debug)]
pub struct Kernel<'a> {
    data: &'a [u8],
    /// The kernel's program headers, in file order.
    pub segments: Vec<Segment>,
    /// Virtual address of the descriptor slot.
    pub desc_addr: u64,
    /// Function symbols, demangled, unsorted.
    pub symbols: Vec<Symbol>,
}

/// Where `write_image` put things, for callers and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The output's program headers.
    pub segments: Vec<Segment>,
    /// The descriptor written into the slot.
    pub desc: PayloadDesc,
    /// File offset of the patched slot in the output.
    pub desc_offset: u64,
}

fn align_up(x: u64, a: u64) -> u64 {
    x.div_ceil(a) * a
}

/// Returns the smallest offset `>= cursor` congruent to `want` modulo `align`.
fn congruent(cursor: u64, want: u64, align: u64) -> u64 {
    let base = cursor - cursor % align + want % align;
    if base >= cursor {
        base
    } else {
        base + align
    }
}

impl<'a> Kernel<'a> {
    /// Parses a kernel: program headers, the descriptor slot (via section
    /// headers) and the `STT_FUNC` symbols.
    pub fn parse(data: &'a [u8]) -> Result<Self, ElfError> {
        let segments = segments(data)?;
        if !segments.iter().any(|s| s.p_type == elf::PT_LOAD) {
            return Err(ElfError::NoLoad);
        }
        let hdr = Ehdr::parse(data).map_err(malformed)?;
        let e = hdr.endian().map_err(malformed)?;
        let sections = hdr.sections(e, data).map_err(malformed)?;
        let (_, desc) = sections
            .section_by_name(e, DESC_SECTION.as_bytes())
            .ok_or(ElfError::NoDescSection)?;
        let bytes = desc.data(e, data).map_err(|_| ElfError::BadDescSlot)?;
        if desc.sh_type(e) != elf::SHT_PROGBITS
            || bytes.len() < DESC_LEN
            || bytes[..DESC_MAGIC.len()] != DESC_MAGIC
        {
            return Err(ElfError::BadDescSlot);
        }
        let mut symbols = Vec::new();
        let symtab = sections
            .symbols(e, data, elf::SHT_SYMTAB)
            .map_err(malformed)?;
        for sym in symtab.iter() {
            if sym.st_type() != elf::STT_FUNC || sym.st_value(e) == 0 {
                continue;
            }
            let Ok(name) = sym.name(e, symtab.strings()) else {
                continue;
            };
            let name = String::from_utf8_lossy(name);
            symbols.push(Symbol {
                addr: sym.st_value(e),
                size: sym.st_size(e),
                name: format!("{:#}", rustc_demangle::demangle(&name)),
            });
        }
        Ok(Kernel {
            data,
            segments,
            desc_addr: desc.sh_addr(e),
            symbols,
        })
    }

    /// Writes the image: ELF header, new program header table, the kernel's
    /// segment bytes in their original order, then `payload` as one more
    /// read-only `PT_LOAD` placed at the first [`PAYLOAD_ALIGN`]-aligned
    /// physical address above the kernel, and the descriptor slot patched.
    ///
    /// The output is written by hand rather than with `object::write`: that
    /// writer builds relocatable objects from sections, while here the job is
    /// to copy existing segments byte for byte at chosen offsets, which is a
    /// few dozen lines of plain arithmetic.
    pub fn write_image(&self, payload: &[u8]) -> Result<(Vec<u8>, Layout), ElfError> {
        let hdr = Ehdr::parse(self.data).map_err(malformed)?;
        let e = hdr.endian().map_err(malformed)?;
        let in_hdr_end = (hdr.e_phoff(e) + u64::from(hdr.e_phnum(e)) * PHDR_SIZE).max(EHDR_SIZE);

        // PT_PHDR would describe the old table at an address nothing maps; drop it.
        let kept: Vec<Segment> = self
            .segments
            .iter()
            .copied()
            .filter(|s| s.p_type != elf::PT_PHDR)
            .collect();
        let loads: Vec<&Segment> = kept.iter().filter(|s| s.p_type == elf::PT_LOAD).collect();
        let top = loads
            .iter()
            .map(|s| s.p_paddr + s.p_memsz)
            .max()
            .ok_or(ElfError::NoLoad)?;
        let payload_phys = align_up(top, PAYLOAD_ALIGN);
        let n_out = kept.len() as u64 + 1;
        let mut cursor = EHDR_SIZE + n_out * PHDR_SIZE;

        // Lay out the loadable segments first, in their original order, each
        // at the first offset congruent to its address modulo its alignment.
        // Alignment is capped at one page: loaders (QEMU PVH, GRUB) copy by
        // p_offset and need only page congruence, and a 2 MiB alignment
        // would push the multiboot2 header out of the first 32 KiB.
        let mut out_segs = kept.clone();
        let mut moved: Vec<(u64, u64, u64)> = Vec::new(); // (in_start, in_end, out_start)
        for (i, s) in out_segs.iter_mut().enumerate() {
            if s.p_type != elf::PT_LOAD {
                continue;
            }
            let align = s.p_align.clamp(1, MAX_FILE_ALIGN);
            s.p_align = s.p_align.min(MAX_FILE_ALIGN);
            if s.p_filesz == 0 {
                s.p_offset = congruent(cursor, s.p_vaddr, align);
                continue;
            }
            if s.p_offset < in_hdr_end {
                return Err(ElfError::HeadersInSegment(i));
            }
            let off = congruent(cursor, s.p_vaddr, align);
            moved.push((s.p_offset, s.p_offset + s.p_filesz, off));
            s.p_offset = off;
            cursor = off + s.p_filesz;
        }
        // Other segments with file bytes (PT_NOTE, ...) usually sit inside a
        // loadable one: point at the moved copy; otherwise copy them too.
        let mut extra: Vec<(u64, u64, u64)> = Vec::new();
        for s in out_segs.iter_mut() {
            if s.p_type == elf::PT_LOAD || s.p_filesz == 0 {
                continue;
            }
            let (a, b) = s.file_range();
            if let Some(&(ia, _, oa)) = moved.iter().find(|&&(ia, ib, _)| ia <= a && b <= ib) {
                s.p_offset = oa + (a - ia);
            } else {
                let off = congruent(cursor, s.p_offset, s.p_align.clamp(1, MAX_FILE_ALIGN));
                extra.push((a, b, off));
                s.p_offset = off;
                cursor = off + s.p_filesz;
            }
        }
        let payload_off = align_up(cursor, PAYLOAD_ALIGN);
        let payload_seg = Segment {
            p_type: elf::PT_LOAD,
            p_flags: elf::PF_R,
            p_offset: payload_off,
            p_vaddr: payload_phys.wrapping_add(KERNEL_VMA),
            p_paddr: payload_phys,
            p_filesz: payload.len() as u64,
            p_memsz: payload.len() as u64,
            p_align: PAYLOAD_ALIGN,
        };
        let last_load = out_segs
            .iter()
            .rposition(|s| s.p_type == elf::PT_LOAD)
            .ok_or(ElfError::NoLoad)?;
        out_segs.insert(last_load + 1, payload_seg);

        let mut out = vec![0u8; (payload_off + payload.len() as u64) as usize];
        // ELF header: the kernel's, with the new table and no section headers.
        out[..EHDR_SIZE as usize].copy_from_slice(&self.data[..EHDR_SIZE as usize]);
        out[0x20..0x28].copy_from_slice(&EHDR_SIZE.to_le_bytes()); // e_phoff
        out[0x28..0x30].copy_from_slice(&0u64.to_le_bytes()); // e_shoff
        out[0x36..0x38].copy_from_slice(&(PHDR_SIZE as u16).to_le_bytes()); // e_phentsize
        out[0x38..0x3a].copy_from_slice(&(n_out as u16).to_le_bytes()); // e_phnum
        out[0x3a..0x40].fill(0); // e_shentsize, e_shnum, e_shstrndx
        for (i, s) in out_segs.iter().enumerate() {
            let at = (EHDR_SIZE + i as u64 * PHDR_SIZE) as usize;
            out[at..at + PHDR_SIZE as usize].copy_from_slice(&s.to_bytes());
        }
        for &(a, b, o) in moved.iter().chain(&extra) {
            out[o as usize..(o + b - a) as usize]
                .copy_from_slice(&self.data[a as usize..b as usize]);
        }
        out[payload_off as usize..].copy_from_slice(payload);

        // Patch the slot, found through the loadable segment holding its address.
        let slot = out_segs
            .iter()
            .find(|s| {
                s.p_type == elf::PT_LOAD
                    && s.p_vaddr <= self.desc_addr
                    && self.desc_addr + DESC_LEN as u64 <= s.p_vaddr + s.p_filesz
            })
            .ok_or(ElfError::DescNotLoaded(self.desc_addr))?;
        let desc_offset = slot.p_offset + (self.desc_addr - slot.p_vaddr);
        let desc = PayloadDesc {
            phys_addr: payload_phys,
            len: payload.len() as u64,
        };
        let at = desc_offset as usize;
        if out[at..at + DESC_MAGIC.len()] != DESC_MAGIC {
            return Err(ElfError::BadDescSlot);
        }
        out[at..at + DESC_LEN].copy_from_slice(&desc.to_bytes());

        if has_multiboot2(self.data) && !has_multiboot2(&out) {
            return Err(ElfError::MultibootMoved);
        }
        Ok((
            out,
            Layout {
                segments: out_segs,
                desc,
                desc_offset,
            },
        ))
    }
}

/// Returns whether a multiboot2 header magic sits 8-aligned in the first 32 KiB.
pub fn has_multiboot2(data: &[u8]) -> bool {
    data[..data.len().min(MULTIBOOT2_SEARCH)]
        .chunks_exact(8)
        .any(|c| c[..4] == MULTIBOOT2_MAGIC.to_le_bytes())
}

/// Why an image's payload cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum ImageReadError {
    /// Not an ELF image.
    #[error("not an ELF64 x86_64 file ({0}); pass an image made by `rumprun bake`")]
    NotElf(String),
    /// No segment holds a payload.
    #[error("no payload segment: this ELF is not a baked image; make one with `rumprun bake PROGRAM -o IMAGE`")]
    NoPayload,
}

/// Returns the bytes of the image's payload: the `PT_LOAD` whose bytes
/// start with [`PAYLOAD_MAGIC`].
pub fn find_payload(image: &[u8]) -> Result<&[u8], ImageReadError> {
    find_payload_with_end(image).map(|(p, _)| p)
}

/// Like [`find_payload`], also returning the guest-physical address where
/// the payload segment ends.
pub fn find_payload_with_end(image: &[u8]) -> Result<(&[u8], u64), ImageReadError> {
    let segs = segments(image).map_err(|e| ImageReadError::NotElf(e.to_string()))?;
    segs.iter()
        .filter(|s| s.p_type == elf::PT_LOAD)
        .map(|s| {
            let bytes = &image[s.p_offset as usize..(s.p_offset + s.p_filesz) as usize];
            (bytes, s.p_paddr + s.p_memsz)
        })
        .find(|(b, _)| b.starts_with(&PAYLOAD_MAGIC))
        .ok_or(ImageReadError::NoPayload)
}

#[cfg(test)]
#[path = "elf_tests.rs"]
mod tests;
