//! Loader tests on hand-built ELF files: placement, protections, bss,
//! refusals with clear errors, the initial stack and auxv read back entry
//! by entry, and a corruption loop that must never panic.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::*;
use crate::mm::{PAGE, PIE_BASE};
use crate::mock::MockPlatform;
use crate::process::{Access, FaultOutcome, Process};
use crate::stack::at;
use crate::tests::util::*;

fn load_with(seed: u64, elf: &[u8]) -> (Process, MockPlatform, Result<EntryState, LoadError>) {
    let p = MockPlatform::new(seed);
    let proc = Process::new(&config(), false);
    let r = proc.load(&p, elf);
    (proc, p, r)
}

#[test]
fn static_pie_loads_at_a_random_aligned_base() {
    let (proc, p, r) = load_with(42, &static_pie());
    let entry = r.unwrap();
    let base = entry.rip - 0x1000;
    assert_eq!(base % PAGE, 0);
    assert!((PIE_BASE..PIE_BASE + (1 << 40)).contains(&base));
    // Text: file bytes, r-x. Headers: r--. Data: bytes then bss zeros, rw-.
    assert_eq!(p.prot_at(base + 0x1000), Some(Prot::RX));
    assert_eq!(p.peek(base + 0x1000, 100).unwrap(), [0xc3; 100]);
    assert_eq!(p.prot_at(base), Some(Prot::R));
    assert_eq!(p.peek(base, 4).unwrap(), b"\x7fELF");
    assert_eq!(p.prot_at(base + 0x2000), Some(Prot::RW));
    let data = p.peek(base + 0x2000, 32).unwrap();
    assert_eq!(data[..16], (1..=16).collect::<Vec<u8>>()[..]);
    assert_eq!(data[16..], [0u8; 16]);
    // The rest of the bss is demand-paged.
    assert_eq!(p.prot_at(base + 0x3000), None);
    let w = Access {
        write: true,
        exec: false,
    };
    assert_eq!(
        proc.page_fault(&p, base + 0x4fff, w),
        FaultOutcome::Resolved
    );
    assert_eq!(p.prot_at(base + 0x4000), Some(Prot::RW));
    assert!(matches!(
        proc.page_fault(&p, base + 0x5000, w),
        FaultOutcome::Segv { .. }
    ));
    assert!(proc
        .describe_addr(base + 0x1010)
        .starts_with("program text r-x"));
    assert!(proc
        .describe_addr(base + 0x10)
        .starts_with("program rodata r--"));
    assert!(proc
        .describe_addr(base + 0x2010)
        .starts_with("program data rw-"));
    // Another seed, another base.
    let (_, _, r2) = load_with(43, &static_pie());
    assert_ne!(r2.unwrap().rip, entry.rip);
    // Heap starts after the program.
    let brk = crate::tests::util::sys(&proc, &p, 12, &[0]) as u64;
    assert!(brk >= base + 0x5000 && brk < base + 0x5000 + (32 << 20));
}

#[test]
fn fixed_executables_load_at_their_addresses_or_fail_clearly() {
    let segs = |va: u64| {
        alloc::vec![
            Seg {
                vaddr: va,
                flags: PF_R,
                data: Vec::new(),
                memsz: 0x1000
            },
            Seg {
                vaddr: va + 0x1000,
                flags: PF_R | PF_X,
                data: alloc::vec![0x90; 16],
                memsz: 16
            },
        ]
    };
    let (_, p, r) = load_with(1, &build_elf(2, 0x40_1000, &segs(0x40_0000), &[]));
    assert_eq!(r.unwrap().rip, 0x40_1000);
    assert_eq!(p.prot_at(0x40_1000), Some(Prot::RX));
    let (_, _, r) = load_with(1, &build_elf(2, 0x1000, &segs(0), &[]));
    let err = r.unwrap_err();
    assert!(matches!(err, LoadError::Layout(_)));
    assert!(err.to_string().contains("outside the user range"), "{err}");
    let high = USER_END - 0x1000;
    let (_, _, r) = load_with(1, &build_elf(2, high + 0x1000, &segs(high), &[]));
    assert!(matches!(r.unwrap_err(), LoadError::Layout(_)));
}

#[test]
fn refusals_say_what_is_wrong() {
    let mut interp = pie_segs();
    interp.truncate(2);
    let (_, _, r) = load_with(1, &build_elf(3, 0x1000, &interp, &[3]));
    assert_eq!(r.unwrap_err(), LoadError::Dynamic);
    assert_eq!(
        LoadError::Dynamic.to_string(),
        "dynamically linked programs are not supported yet; relink with rumprun-cc"
    );
    let (_, _, r) = load_with(1, b"#!/bin/sh\n");
    assert_eq!(r.unwrap_err(), LoadError::NotElf);
    let mut wrong_machine = static_pie();
    wrong_machine[18] = 40; // EM_ARM
    assert!(matches!(
        load_with(1, &wrong_machine).2,
        Err(LoadError::Unsupported(_))
    ));
    let mut relocatable = static_pie();
    relocatable[16] = 1; // ET_REL
    assert!(matches!(
        load_with(1, &relocatable).2,
        Err(LoadError::Unsupported(_))
    ));
    let mut be = static_pie();
    be[5] = 2; // big endian
    assert_eq!(load_with(1, &be).2.unwrap_err(), LoadError::NotElf);
    // Entry in the data segment.
    let (_, _, r) = load_with(1, &build_elf(3, 0x2000, &pie_segs(), &[]));
    assert!(matches!(r.unwrap_err(), LoadError::Malformed(_)));
    // A writable+executable segment.
    let mut wx = pie_segs();
    wx[1].flags |= PF_W;
    let (_, _, r) = load_with(1, &build_elf(3, 0x1000, &wx, &[]));
    assert!(matches!(r.unwrap_err(), LoadError::Unsupported(_)));
    // Text and data sharing a page: the union would be W+X.
    let mut shared = pie_segs();
    shared[2].vaddr = 0x1800;
    let (_, _, r) = load_with(1, &build_elf(3, 0x1000, &shared, &[]));
    assert!(matches!(r.unwrap_err(), LoadError::Unsupported(_)));
    // filesz > memsz.
    let mut big = pie_segs();
    big[1].memsz = 10;
    let (_, _, r) = load_with(1, &build_elf(3, 0x1000, &big, &[]));
    assert!(matches!(r.unwrap_err(), LoadError::Malformed(_)));
    // No PT_LOAD at all.
    let (_, _, r) = load_with(1, &build_elf(3, 0x1000, &[], &[6]));
    assert!(matches!(r.unwrap_err(), LoadError::Malformed(_)));
}

#[test]
fn read_only_pages_shared_by_segments_take_the_union() {
    let mut segs = pie_segs();
    // rodata right after text in the same page: r-x and r-- give r-x.
    segs.insert(
        2,
        Seg {
            vaddr: 0x1800,
            flags: PF_R,
            data: alloc::vec![7; 8],
            memsz: 8,
        },
    );
    let (_, p, r) = load_with(5, &build_elf(3, 0x1000, &segs, &[]));
    let base = r.unwrap().rip - 0x1000;
    assert_eq!(p.prot_at(base + 0x1000), Some(Prot::RX));
    assert_eq!(p.peek(base + 0x1800, 8).unwrap(), [7; 8]);
    assert_eq!(p.peek(base + 0x1000, 4).unwrap(), [0xc3; 4]);
}

#[test]
fn loading_twice_is_refused() {
    let (proc, p, r) = load_with(1, &static_pie());
    r.unwrap();
    assert_eq!(
        proc.load(&p, &static_pie()).unwrap_err(),
        LoadError::AlreadyLoaded
    );
}

#[test]
fn bad_config_strings_are_refused() {
    let p = MockPlatform::new(1);
    let mut cfg = config();
    cfg.args.push("a\0b".into());
    let proc = Process::new(&cfg, false);
    assert!(matches!(
        proc.load(&p, &static_pie()),
        Err(LoadError::BadConfig(_))
    ));
    let mut cfg = config();
    cfg.env = alloc::vec!["X".repeat(3 << 20)];
    let proc = Process::new(&cfg, false);
    assert!(matches!(
        proc.load(&p, &static_pie()),
        Err(LoadError::BadConfig(_))
    ));
}

fn cstr(p: &MockPlatform, addr: u64) -> String {
    let mut out = Vec::new();
    for i in 0.. {
        let b = p.peek(addr + i, 1).expect("string is mapped")[0];
        if b == 0 {
            break;
        }
        out.push(b);
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn initial_stack_follows_the_sysv_abi() {
    let elf = static_pie();
    let (proc, p, r) = load_with(9, &elf);
    let entry = r.unwrap();
    let base = entry.rip - 0x1000;
    let rsp = entry.rsp;
    assert_eq!(rsp % 16, 0, "rsp is 16-byte aligned at entry");
    let word = |i: u64| p.peek_u64(rsp + 8 * i).expect("stack mapped");
    assert_eq!(word(0), 3);
    assert_eq!(cstr(&p, word(1)), "/bin/hello");
    assert_eq!(cstr(&p, word(2)), "world");
    assert_eq!(cstr(&p, word(3)), "two");
    assert_eq!(word(4), 0);
    assert_eq!(cstr(&p, word(5)), "HOME=/");
    assert_eq!(cstr(&p, word(6)), "TERM=dumb");
    assert_eq!(word(7), 0);
    let mut aux = std::collections::BTreeMap::new();
    let mut i = 8;
    loop {
        let (k, v) = (word(i), word(i + 1));
        assert!(aux.insert(k, v).is_none(), "duplicate auxv key {k}");
        i += 2;
        if k == at::NULL {
            break;
        }
    }
    assert_eq!(aux.len(), 18);
    assert_eq!(aux[&at::PHDR], base + 64);
    assert_eq!(p.peek(aux[&at::PHDR], 56).unwrap(), elf[64..120]);
    assert_eq!(aux[&at::PHENT], 56);
    assert_eq!(aux[&at::PHNUM], 3);
    assert_eq!(aux[&at::PAGESZ], 4096);
    assert_eq!(aux[&at::BASE], 0);
    assert_eq!(aux[&at::FLAGS], 0);
    assert_eq!(aux[&at::ENTRY], entry.rip);
    assert_eq!(aux[&at::UID], 1000);
    assert_eq!(aux[&at::EUID], 1000);
    assert_eq!(aux[&at::GID], 100);
    assert_eq!(aux[&at::EGID], 100);
    assert_eq!(aux[&at::SECURE], 0);
    assert_eq!(aux[&at::CLKTCK], 100);
    assert_eq!(aux[&at::HWCAP], 0x178b_fbff);
    assert_eq!(cstr(&p, aux[&at::EXECFN]), "/bin/hello");
    assert_eq!(cstr(&p, aux[&at::PLATFORM]), "x86_64");
    let random = p.peek(aux[&at::RANDOM], 16).unwrap();
    assert!(random.iter().any(|b| *b != 0));
    assert_eq!(aux[&at::RANDOM] % 16, 0);
    // Everything lies inside the stack, below its top, above rsp.
    let top = rsp + 8 * i;
    for addr in [
        aux[&at::RANDOM],
        aux[&at::PLATFORM],
        aux[&at::EXECFN],
        word(1),
        word(6),
    ] {
        assert!(addr >= top);
        assert!(proc.describe_addr(addr).starts_with("[stack] rw-"));
    }
    assert_eq!(
        p.peek_u64(aux[&at::EXECFN] + 11),
        Some(0),
        "end marker at the top"
    );
    assert!(proc
        .describe_addr(aux[&at::EXECFN] + 19)
        .starts_with("unmapped"));
}

#[test]
fn corrupt_and_truncated_elves_never_panic() {
    let elf = static_pie();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for cut in (0..elf.len()).step_by(7).chain(0..130) {
        let _ = load_with(1, &elf[..cut]).2;
    }
    let mut loaded = 0;
    for _ in 0..3000 {
        let mut bad = elf.clone();
        for _ in 0..(next() % 4 + 1) {
            // Mostly the headers, sometimes anywhere.
            let limit = if next() % 4 == 0 {
                bad.len()
            } else {
                64 + 56 * 3
            };
            let i = (next() as usize) % limit;
            bad[i] = match next() % 3 {
                0 => next() as u8,
                1 => 0xff,
                _ => 0,
            };
        }
        if load_with(next(), &bad).2.is_ok() {
            loaded += 1;
        }
    }
    assert!(loaded > 0, "some mutations must still load");
    // Extreme header values.
    for (off, v) in [
        (32usize, u64::MAX),
        (32, 0xffff_ffff_ffff_ff00),
        (64 + 8, u64::MAX),
        (64 + 16, u64::MAX - 0xfff),
        (64 + 40, u64::MAX),
        (64 + 32, u64::MAX),
    ] {
        let mut bad = elf.clone();
        bad[off..off + 8].copy_from_slice(&v.to_le_bytes());
        let _ = load_with(1, &bad).2;
    }
    let mut many = elf.clone();
    many[56..58].copy_from_slice(&0xffffu16.to_le_bytes());
    let _ = load_with(1, &many).2;
}

/// Compiles a hello program with musl-gcc and `flags`; `None` when no
/// toolchain is installed (the test then checks nothing and says so).
fn musl_program(name: &str, flags: &[&str]) -> Option<Vec<u8>> {
    use std::process::Command;
    let dir = std::env::temp_dir().join(std::format!("posix-loader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let src = dir.join("hello.c");
    std::fs::write(
        &src,
        "#include <stdio.h>\nint main(void){puts(\"hi\");return 3;}\n",
    )
    .ok()?;
    let out = dir.join(name);
    let ok = Command::new("sh")
        .arg("-c")
        .arg(std::format!(
            "musl-gcc {} {} -o {} 2>/dev/null",
            flags.join(" "),
            src.display(),
            out.display()
        ))
        .status()
        .ok()?
        .success();
    if !ok {
        std::eprintln!("musl-gcc not usable; skipping the real-toolchain loader test");
        return None;
    }
    std::fs::read(&out).ok()
}

#[test]
fn real_musl_programs_load_or_are_refused_clearly() {
    // Linked the way rumprun-cc links (tests/harness/musl-static-pie-cc).
    let m = "/usr/lib/x86_64-linux-musl";
    let rcrt = std::format!(
        "-static-pie -nostartfiles -Wl,--no-dynamic-linker -Wl,-static {m}/rcrt1.o {m}/crti.o $(gcc -print-file-name=crtbeginS.o) -x c"
    );
    let Some(pie) = musl_program("pie", &[&rcrt, "-O2"]) else {
        return;
    };
    let (proc, p, r) = load_with(3, &pie);
    let entry = r.expect("a real static-pie loads");
    let e_entry = u64::from_le_bytes(pie[24..32].try_into().unwrap());
    let base = entry.rip - e_entry;
    assert_eq!(base % PAGE, 0);
    assert!(proc
        .describe_addr(entry.rip)
        .starts_with("program text r-x"));
    // AT_PHDR points at the program headers as the file has them. The
    // auxv starts after argc, 3 argv, NULL, 2 envp, NULL (see config()).
    let mut i = 8;
    while p.peek_u64(entry.rsp + 8 * i) != Some(at::PHDR) {
        assert_ne!(p.peek_u64(entry.rsp + 8 * i), Some(at::NULL));
        i += 2;
    }
    let phdr = p.peek_u64(entry.rsp + 8 * (i + 1)).unwrap();
    assert_eq!(phdr, base + 64);
    assert_eq!(p.peek(phdr, 56).unwrap(), pie[64..120]);

    // Static, not PIE: loads at its link address.
    if let Some(fixed) = musl_program("fixed", &["-static", "-no-pie", "-O2"]) {
        let e_entry = u64::from_le_bytes(fixed[24..32].try_into().unwrap());
        let (_, _, r) = load_with(3, &fixed);
        assert_eq!(r.expect("static non-PIE loads").rip, e_entry);
    }
    // Debian's plain `musl-gcc -static-pie` names a dynamic linker.
    if let Some(dynamic) = musl_program("dyn", &["-static-pie", "-O2"]) {
        assert_eq!(load_with(3, &dynamic).2.unwrap_err(), LoadError::Dynamic);
    }
}
