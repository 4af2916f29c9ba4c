//! Checks that a program can run on rumprun-rs (ELF64 x86_64, static or
//! static-pie, never dynamic) and reads the `.note.rumprun` that
//! `rumprun-cc` links in (see `libc-shim/note.c` for its layout). Used by
//! `bake`; key types [`ProgramInfo`] and [`ProgramError`].

use object::elf;
use object::read::elf::{FileHeader, ProgramHeader};
use object::LittleEndian;

type Ehdr = elf::FileHeader64<LittleEndian>;

/// Note name of the build note.
pub const NOTE_NAME: &[u8] = b"rumprun";
/// Note type of the build note.
pub const NOTE_TYPE_BUILD: u32 = 1;

/// How a program is linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linkage {
    /// ET_EXEC without an interpreter.
    Static,
    /// ET_DYN without an interpreter (what rumprun-cc makes).
    StaticPie,
}

/// The `.note.rumprun` contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildNote {
    /// ABI version the program was built for.
    pub abi: u32,
    /// The toolchain that built it, e.g. `rumprun-cc 0.1.0`.
    pub toolchain: String,
}

/// What bake learns about a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramInfo {
    /// Static or static-pie.
    pub linkage: Linkage,
    /// The build note, absent for prebuilt binaries.
    pub note: Option<BuildNote>,
}

/// Why a program cannot be baked.
#[derive(Debug, thiserror::Error)]
pub enum ProgramError {
    /// Not an ELF64 little-endian file.
    #[error("{0}: not an ELF64 executable; pass a program built with rumprun-cc (or a static Linux x86_64 binary)")]
    NotElf(String),
    /// Another architecture.
    #[error("{path}: built for ELF machine {machine}, not x86_64; rebuild it with rumprun-cc")]
    WrongMachine {
        /// The program's path.
        path: String,
        /// Its e_machine.
        machine: u16,
    },
    /// Not an executable (object file, core, shared library).
    #[error("{0}: not an executable (object file or shared library?); link it with rumprun-cc")]
    NotExecutable(String),
    /// Has a PT_INTERP.
    #[error("{0} is dynamically linked; relink with rumprun-cc")]
    Dynamic(String),
}

/// Inspects a program; `path` is only used in messages.
pub fn inspect(path: &str, data: &[u8]) -> Result<ProgramInfo, ProgramError> {
    let not_elf = || ProgramError::NotElf(path.into());
    let hdr = Ehdr::parse(data).map_err(|_| not_elf())?;
    let e = hdr.endian().map_err(|_| not_elf())?;
    if hdr.e_machine(e) != elf::EM_X86_64 {
        return Err(ProgramError::WrongMachine {
            path: path.into(),
            machine: hdr.e_machine(e),
        });
    }
    let linkage = match hdr.e_type(e) {
        elf::ET_EXEC => Linkage::Static,
        elf::ET_DYN => Linkage::StaticPie,
        _ => return Err(ProgramError::NotExecutable(path.into())),
    };
    let phdrs = hdr.program_headers(e, data).map_err(|_| not_elf())?;
    if phdrs.iter().any(|p| p.p_type(e) == elf::PT_INTERP) {
        return Err(ProgramError::Dynamic(path.into()));
    }
    if hdr.e_entry(e) == 0 {
        return Err(ProgramError::NotExecutable(path.into()));
    }
    let mut note = None;
    for p in phdrs {
        // A malformed note is treated like an absent one: the note only
        // informs, it never decides whether the program runs.
        let Ok(Some(mut notes)) = p.notes(e, data) else {
            continue;
        };
        while let Ok(Some(n)) = notes.next() {
            if n.name() == NOTE_NAME && n.n_type(e) == NOTE_TYPE_BUILD {
                note = parse_note_desc(n.desc());
            }
        }
    }
    Ok(ProgramInfo { linkage, note })
}

fn parse_note_desc(desc: &[u8]) -> Option<BuildNote> {
    let abi = u32::from_le_bytes(desc.get(..4)?.try_into().ok()?);
    let rest = &desc[4..];
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    Some(BuildNote {
        abi,
        toolchain: String::from_utf8_lossy(&rest[..end]).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{program, tempdir, Link};

    #[test]
    fn rumprun_cc_programs_are_static_pie_with_a_note() {
        let dir = tempdir("prog");
        let p = program(&dir, "p", Link::RumprunCc);
        let info = inspect("p", &std::fs::read(p).unwrap()).unwrap();
        assert_eq!(info.linkage, Linkage::StaticPie);
        let note = info.note.unwrap();
        assert_eq!(note.abi, rumprun_config::ABI_VERSION);
        assert_eq!(
            note.toolchain,
            concat!("rumprun-cc ", env!("CARGO_PKG_VERSION"))
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn prebuilt_static_programs_have_no_note() {
        let dir = tempdir("prog");
        let p = program(&dir, "s", Link::StaticMusl);
        let info = inspect("s", &std::fs::read(p).unwrap()).unwrap();
        assert_eq!(info.linkage, Linkage::Static);
        assert_eq!(info.note, None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn dynamic_programs_are_refused_with_advice() {
        let dir = tempdir("prog");
        let p = program(&dir, "d", Link::Dynamic);
        let e = inspect("build/d", &std::fs::read(p).unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "build/d is dynamically linked; relink with rumprun-cc"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn non_elf_is_refused() {
        let e = inspect("x.sh", b"#!/bin/sh\n").unwrap_err();
        assert!(e.to_string().contains("not an ELF64"), "{e}");
    }
}
