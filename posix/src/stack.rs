//! The initial process stack per the System V x86_64 ABI (§3.4.1, "Initial
//! Stack and Register State") as Linux's `create_elf_tables` lays it out:
//! from `rsp` upward argc, argv pointers, NULL, envp pointers, NULL, auxv
//! pairs ending with AT_NULL; above them the 16 AT_RANDOM bytes, the
//! AT_PLATFORM string, the argv and envp strings, the AT_EXECFN string and
//! an 8-byte end marker at the stack top. `rsp` is 16-byte aligned at entry.
//! Neighbours: `loader` (calls `build`), `uaccess` (writes it).

use alloc::string::String;
use alloc::vec::Vec;

use crate::loader::LoadError;
use crate::mm::{Mm, PAGE, STACK_SIZE};
use crate::platform::{Platform, UserAddr};
use crate::uaccess;

/// Auxiliary vector keys (linux/auxvec.h, asm/auxvec.h).
pub mod at {
    /// End of the vector.
    pub const NULL: u64 = 0;
    /// Program headers' address.
    pub const PHDR: u64 = 3;
    /// Size of one program header.
    pub const PHENT: u64 = 4;
    /// Number of program headers.
    pub const PHNUM: u64 = 5;
    /// Page size.
    pub const PAGESZ: u64 = 6;
    /// Interpreter base (0: none).
    pub const BASE: u64 = 7;
    /// Flags (0).
    pub const FLAGS: u64 = 8;
    /// Program entry point.
    pub const ENTRY: u64 = 9;
    /// Real uid.
    pub const UID: u64 = 11;
    /// Effective uid.
    pub const EUID: u64 = 12;
    /// Real gid.
    pub const GID: u64 = 13;
    /// Effective gid.
    pub const EGID: u64 = 14;
    /// Address of the platform string.
    pub const PLATFORM: u64 = 15;
    /// CPU features (CPUID.1:EDX).
    pub const HWCAP: u64 = 16;
    /// Clock ticks per second (times(2)).
    pub const CLKTCK: u64 = 17;
    /// Secure mode (setuid): 0.
    pub const SECURE: u64 = 23;
    /// Address of 16 random bytes.
    pub const RANDOM: u64 = 25;
    /// Address of the executable's path.
    pub const EXECFN: u64 = 31;
}

/// What the stack is built from.
pub(crate) struct StackInput<'a> {
    pub program_name: &'a str,
    pub args: &'a [String],
    pub env: &'a [String],
    pub phdr: u64,
    pub phnum: u64,
    pub entry: u64,
    pub uid: u32,
    pub gid: u32,
    pub hwcap: u64,
}

/// Most bytes of strings (argv + envp) accepted: a quarter of the stack,
/// Linux's limit for execve (E2BIG beyond it).
const MAX_STRINGS: usize = (STACK_SIZE / 4) as usize;

fn check_str(s: &str) -> Result<&[u8], LoadError> {
    if s.as_bytes().contains(&0) {
        return Err(LoadError::BadConfig("a string contains a NUL byte"));
    }
    Ok(s.as_bytes())
}

/// Builds the stack below `mm.stack_top()` and returns the entry `rsp`.
pub(crate) fn build(p: &dyn Platform, mm: &mut Mm, inp: &StackInput<'_>) -> Result<u64, LoadError> {
    let top = mm.stack_top();
    // Strings block, low to high: argv strings, envp strings, execfn, marker.
    let mut argv0: Vec<&[u8]> = Vec::with_capacity(inp.args.len() + 1);
    argv0.push(check_str(inp.program_name)?);
    for a in inp.args {
        argv0.push(check_str(a)?);
    }
    let envs: Vec<&[u8]> = inp
        .env
        .iter()
        .map(|e| check_str(e))
        .collect::<Result<_, _>>()?;
    let execfn = check_str(inp.program_name)?;
    let strings_len: usize = argv0.iter().chain(envs.iter()).map(|s| s.len() + 1).sum();
    if strings_len > MAX_STRINGS {
        return Err(LoadError::BadConfig(
            "arguments and environment exceed 2 MiB",
        ));
    }
    let mut strings: Vec<u8> = Vec::with_capacity(strings_len + execfn.len() + 9);
    let mut offsets = Vec::with_capacity(argv0.len() + envs.len());
    for s in argv0.iter().chain(envs.iter()) {
        offsets.push(strings.len());
        strings.extend_from_slice(s);
        strings.push(0);
    }
    let execfn_off = strings.len();
    strings.extend_from_slice(execfn);
    strings.push(0);
    strings.extend_from_slice(&[0u8; 8]);
    let len64 = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let strings_at = top - len64(strings.len());
    let addr_of = |off: usize| strings_at + len64(off);

    // Below the strings: the platform string, then 16 random bytes.
    let platform = b"x86_64\0";
    let platform_at = strings_at - len64(platform.len());
    let random_at = (platform_at - 16) & !15;
    let mut random = [0u8; 16];
    p.random(&mut random);

    let argc = len64(argv0.len());
    let mut words: Vec<u64> = Vec::new();
    words.push(argc);
    words.extend(offsets[..argv0.len()].iter().map(|o| addr_of(*o)));
    words.push(0);
    words.extend(offsets[argv0.len()..].iter().map(|o| addr_of(*o)));
    words.push(0);
    let aux = [
        (at::HWCAP, inp.hwcap),
        (at::PAGESZ, PAGE),
        (at::CLKTCK, 100),
        (at::PHDR, inp.phdr),
        (at::PHENT, 56),
        (at::PHNUM, inp.phnum),
        (at::BASE, 0),
        (at::FLAGS, 0),
        (at::ENTRY, inp.entry),
        (at::UID, u64::from(inp.uid)),
        (at::EUID, u64::from(inp.uid)),
        (at::GID, u64::from(inp.gid)),
        (at::EGID, u64::from(inp.gid)),
        (at::SECURE, 0),
        (at::RANDOM, random_at),
        (at::EXECFN, addr_of(execfn_off)),
        (at::PLATFORM, platform_at),
        (at::NULL, 0),
    ];
    for (k, v) in aux {
        words.push(k);
        words.push(v);
    }
    let rsp = (random_at - len64(words.len() * 8)) & !15;

    // One image of [rsp, top), written with demand paging through uaccess.
    if top - rsp > STACK_SIZE / 2 {
        return Err(LoadError::BadConfig(
            "too many arguments and environment strings",
        ));
    }
    let size = usize::try_from(top - rsp).map_err(|_| LoadError::OutOfMemory)?;
    let mut image = alloc::vec![0u8; size];
    let off = |a: u64| usize::try_from(a - rsp).unwrap_or(0);
    for (i, w) in words.iter().enumerate() {
        let o = i * 8;
        image[o..o + 8].copy_from_slice(&w.to_le_bytes());
    }
    image[off(random_at)..off(random_at) + 16].copy_from_slice(&random);
    image[off(platform_at)..off(platform_at) + platform.len()].copy_from_slice(platform);
    image[off(strings_at)..].copy_from_slice(&strings);
    uaccess::copy_out(p, mm, UserAddr(rsp), &image).map_err(|_| LoadError::OutOfMemory)?;
    Ok(rsp)
}
