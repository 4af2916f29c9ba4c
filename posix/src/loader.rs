//! The ELF loader: validates an x86_64 ELF64 program (untrusted input:
//! every field is checked, bad input is a [`LoadError`], never a panic),
//! maps its `PT_LOAD` segments, and hands over to `stack` for the initial
//! stack. Static-pie (ET_DYN) loads at a random page-aligned base, fixed
//! executables (ET_EXEC) at their own addresses; `PT_INTERP` is refused.
//! Neighbours: `mm` (layout, VMAs), `stack` (argv/envp/auxv), `process`.
//!
//! Segments are mapped read-write, filled with the file bytes, then given
//! their final protection (`p_flags`). Only pages holding file bytes are
//! mapped eagerly; the rest of `p_memsz` (bss) is zero-filled on demand. A
//! page shared by two segments gets the union of their protections, and a
//! union that is writable and executable is refused (W^X). `PT_GNU_STACK`
//! needs nothing: the stack is never executable. `PT_TLS` needs nothing:
//! musl sets up TLS from AT_PHDR itself.

use alloc::vec::Vec;
use core::fmt;

use object::elf::{self, FileHeader64, ProgramHeader64};
use object::read::elf::{FileHeader, ProgramHeader};
use object::LittleEndian;

use crate::mm::{page_down, page_up, Mm, Vma, VmaKind, USER_END, USER_START};
use crate::platform::{Platform, Prot, UserAddr};
use crate::process::{EntryState, State};
use crate::stack::{self, StackInput};

/// Most `PT_LOAD` segments accepted (real programs have 2..=5).
const MAX_LOADS: usize = 64;
/// Largest address span a program may cover (text+data+bss).
const MAX_SPAN: u64 = 1 << 40;

/// Why the program could not be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadError {
    /// The bytes are not an ELF64 little-endian file.
    NotElf,
    /// The file is ELF but not something this kernel runs.
    Unsupported(&'static str),
    /// The file is inconsistent (offsets out of bounds, overflow, ...).
    Malformed(&'static str),
    /// The program needs a dynamic linker (`PT_INTERP`).
    Dynamic,
    /// The program does not fit the user address space.
    Layout(&'static str),
    /// The image configuration cannot become argv/envp.
    BadConfig(&'static str),
    /// The platform ran out of memory while loading.
    OutOfMemory,
    /// `load` was called twice.
    AlreadyLoaded,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotElf => write!(
                f,
                "the program is not an x86_64 ELF64 little-endian file (was it built with rumprun-cc?)"
            ),
            LoadError::Unsupported(why) => write!(f, "unsupported program: {why}"),
            LoadError::Malformed(why) => write!(f, "malformed ELF file: {why}"),
            LoadError::Dynamic => write!(
                f,
                "dynamically linked programs are not supported yet; relink with rumprun-cc"
            ),
            LoadError::Layout(why) => write!(f, "cannot place the program in memory: {why}"),
            LoadError::BadConfig(why) => write!(f, "bad program arguments or environment: {why}"),
            LoadError::OutOfMemory => write!(f, "out of memory while loading the program"),
            LoadError::AlreadyLoaded => write!(f, "a program is already loaded"),
        }
    }
}

/// One validated `PT_LOAD` segment, in file (link-time) addresses.
#[derive(Debug, Clone, Copy)]
struct Segment {
    vaddr: u64,
    memsz: u64,
    offset: u64,
    filesz: u64,
    prot: Prot,
}

fn prot_of(flags: u32) -> Prot {
    Prot {
        read: flags & elf::PF_R != 0,
        write: flags & elf::PF_W != 0,
        exec: flags & elf::PF_X != 0,
    }
}

fn union(a: Prot, b: Prot) -> Prot {
    Prot {
        read: a.read || b.read,
        write: a.write || b.write,
        exec: a.exec || b.exec,
    }
}

/// Validates and collects the `PT_LOAD` segments.
fn segments(
    phdrs: &[ProgramHeader64<LittleEndian>],
    e: LittleEndian,
    file_len: u64,
) -> Result<Vec<Segment>, LoadError> {
    let mut out = Vec::new();
    for ph in phdrs {
        match ph.p_type(e) {
            elf::PT_INTERP => return Err(LoadError::Dynamic),
            elf::PT_LOAD => {}
            _ => continue,
        }
        let s = Segment {
            vaddr: ph.p_vaddr(e),
            memsz: ph.p_memsz(e),
            offset: ph.p_offset(e),
            filesz: ph.p_filesz(e),
            prot: prot_of(ph.p_flags(e)),
        };
        if s.filesz > s.memsz {
            return Err(LoadError::Malformed(
                "segment file size exceeds its memory size",
            ));
        }
        match s.offset.checked_add(s.filesz) {
            Some(end) if end <= file_len => {}
            _ => {
                return Err(LoadError::Malformed(
                    "segment extends past the end of the file",
                ))
            }
        }
        if s.vaddr.checked_add(s.memsz).and_then(page_up).is_none() {
            return Err(LoadError::Malformed("segment address overflows"));
        }
        if s.memsz == 0 {
            continue;
        }
        if out.len() == MAX_LOADS {
            return Err(LoadError::Unsupported("too many PT_LOAD segments"));
        }
        out.push(s);
    }
    if out.is_empty() {
        return Err(LoadError::Malformed("no loadable segment"));
    }
    Ok(out)
}

/// Splits the segments' page ranges into disjoint ranges with the union
/// protection of the segments covering each: `(start, end, prot)`, in
/// link-time addresses.
fn page_ranges(segs: &[Segment]) -> Result<Vec<(u64, u64, Prot)>, LoadError> {
    let bounds = |s: &Segment| {
        let end = s.vaddr.checked_add(s.memsz).and_then(page_up);
        (page_down(s.vaddr), end.unwrap_or(u64::MAX))
    };
    let mut cuts: Vec<u64> = segs
        .iter()
        .flat_map(|s| {
            let (a, b) = bounds(s);
            [a, b]
        })
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(u64, u64, Prot)> = Vec::new();
    for w in cuts.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let mut prot: Option<Prot> = None;
        for s in segs {
            let (a, b) = bounds(s);
            if a <= lo && hi <= b {
                prot = Some(prot.map_or(s.prot, |p| union(p, s.prot)));
            }
        }
        let Some(prot) = prot else { continue };
        if prot.write && prot.exec {
            return Err(LoadError::Unsupported(
                "a page is both writable and executable (W^X); relink with -z separate-code",
            ));
        }
        match out.last_mut() {
            Some(last) if last.1 == lo && last.2 == prot => last.1 = hi,
            _ => out.push((lo, hi, prot)),
        }
    }
    Ok(out)
}

/// Loads `elf` into the fresh address space of `st` and builds the stack.
pub(crate) fn load(
    p: &dyn Platform,
    st: &mut State,
    bytes: &[u8],
) -> Result<EntryState, LoadError> {
    if st.loaded {
        return Err(LoadError::AlreadyLoaded);
    }
    let hdr = FileHeader64::<LittleEndian>::parse(bytes).map_err(|_| LoadError::NotElf)?;
    let e = hdr.endian().map_err(|_| LoadError::NotElf)?;
    if hdr.e_machine(e) != elf::EM_X86_64 {
        return Err(LoadError::Unsupported("not an x86_64 program"));
    }
    let etype = hdr.e_type(e);
    if etype != elf::ET_DYN && etype != elf::ET_EXEC {
        return Err(LoadError::Unsupported(
            "not an executable (ET_EXEC or ET_DYN)",
        ));
    }
    let phdrs = hdr
        .program_headers(e, bytes)
        .map_err(|_| LoadError::Malformed("program headers out of bounds"))?;
    let file_len =
        u64::try_from(bytes.len()).map_err(|_| LoadError::Malformed("file too large"))?;
    let segs = segments(phdrs, e, file_len)?;
    let ranges = page_ranges(&segs)?;
    let lo = ranges.first().map_or(0, |r| r.0);
    let hi = ranges.last().map_or(0, |r| r.1);
    if hi - lo > MAX_SPAN {
        return Err(LoadError::Layout("the program spans more than 1 TiB"));
    }

    st.mm.init_layout(p);
    st.mm
        .init_stack()
        .map_err(|_| LoadError::Layout("no room for the stack"))?;
    // base: where link-time address `lo` lands.
    let base = if etype == elf::ET_DYN {
        Mm::pie_base(p)
    } else {
        lo
    };
    if base < USER_START || base.checked_add(hi - lo).is_none_or(|end| end > USER_END) {
        return Err(LoadError::Layout(
            "fixed-address (non-PIE) program outside the user range 0x10000..0x7ffffffff000",
        ));
    }
    let at = |v: u64| base + (v - lo);

    for &(start, end, prot) in &ranges {
        let vma = Vma {
            end: at(end),
            prot,
            kind: VmaKind::Program,
            may_exec: prot.exec,
        };
        st.mm
            .insert(at(start), vma)
            .map_err(|_| LoadError::Layout("the program overlaps the stack or itself"))?;
    }
    for s in &segs {
        if s.filesz == 0 {
            continue;
        }
        let start = page_down(at(s.vaddr));
        let end = page_up(at(s.vaddr) + s.filesz).ok_or(LoadError::Malformed("overflow"))?;
        st.mm
            .populate(p, start, end, Prot::RW)
            .map_err(|_| LoadError::OutOfMemory)?;
        let (off, len) = (
            usize::try_from(s.offset).map_err(|_| LoadError::Malformed("offset"))?,
            usize::try_from(s.filesz).map_err(|_| LoadError::Malformed("size"))?,
        );
        let data = bytes
            .get(off..off + len)
            .ok_or(LoadError::Malformed("segment bounds"))?;
        p.copy_to_user(UserAddr(at(s.vaddr)), data)
            .map_err(|_| LoadError::OutOfMemory)?;
    }
    for &(start, end, prot) in &ranges {
        p.protect(UserAddr(at(start)), end - start, prot);
    }
    st.mm.init_brk(p, at(hi));

    let entry = hdr.e_entry(e);
    let in_text = segs
        .iter()
        .any(|s| s.prot.exec && entry >= s.vaddr && entry - s.vaddr < s.memsz);
    if !in_text {
        return Err(LoadError::Malformed(
            "entry point is not in an executable segment",
        ));
    }
    let phoff = hdr.e_phoff(e);
    let phnum = u64::try_from(phdrs.len()).map_err(|_| LoadError::Malformed("phnum"))?;
    let phdr_vaddr = phdrs
        .iter()
        .find(|ph| ph.p_type(e) == elf::PT_PHDR)
        .map(|ph| ph.p_vaddr(e))
        .or_else(|| {
            // Offsets and sizes were checked against the file length above.
            let end = phoff.checked_add(phnum.checked_mul(56)?)?;
            segs.iter()
                .find(|s| phoff >= s.offset && end <= s.offset + s.filesz)
                .map(|s| s.vaddr + (phoff - s.offset))
        })
        .filter(|v| *v >= lo && *v < hi)
        .ok_or(LoadError::Malformed(
            "program headers are not in a loaded segment",
        ))?;

    let input = StackInput {
        program_name: &st.program_name,
        args: &st.args,
        env: &st.env,
        phdr: at(phdr_vaddr),
        phnum,
        entry: at(entry),
        uid: st.id.uid,
        gid: st.id.gid,
        hwcap: p.hwcap(),
    };
    let rsp = stack::build(p, &mut st.mm, &input)?;
    st.loaded = true;
    Ok(EntryState {
        rip: at(entry),
        rsp,
    })
}

#[cfg(test)]
#[path = "loader_tests.rs"]
mod tests;
