//! Crate-level host tests on the mock platform: the whole path from
//! `Process::load` through `Process::syscall` and `Process::page_fault`,
//! plus the tiny ELF writer the loader tests share.

pub(crate) mod util {
    use alloc::vec::Vec;

    use rumprun_config::image::ImageConfig;

    use crate::mock::MockPlatform;
    use crate::platform::{Platform, UserAddr};
    use crate::process::{Access, FaultOutcome, Process, SyscallOutcome};

    /// One segment for [`build_elf`].
    pub struct Seg {
        pub vaddr: u64,
        pub flags: u32,
        pub data: Vec<u8>,
        pub memsz: u64,
    }

    pub const PF_X: u32 = 1;
    pub const PF_W: u32 = 2;
    pub const PF_R: u32 = 4;

    /// Writes an ELF64 x86_64 file: header and program headers in the
    /// first page, each segment's bytes at `k * 0x1000 + vaddr % 0x1000`.
    /// `extra` adds program headers of other types (p_type, p_flags).
    pub fn build_elf(etype: u16, entry: u64, segs: &[Seg], extra: &[u32]) -> Vec<u8> {
        let phnum = segs.len() + extra.len();
        let mut f = Vec::new();
        f.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0]);
        f.extend_from_slice(&[0u8; 8]);
        f.extend_from_slice(&etype.to_le_bytes());
        f.extend_from_slice(&62u16.to_le_bytes());
        f.extend_from_slice(&1u32.to_le_bytes());
        f.extend_from_slice(&entry.to_le_bytes());
        f.extend_from_slice(&64u64.to_le_bytes());
        f.extend_from_slice(&0u64.to_le_bytes());
        f.extend_from_slice(&0u32.to_le_bytes());
        for v in [64u16, 56, phnum as u16, 64, 0, 0] {
            f.extend_from_slice(&v.to_le_bytes());
        }
        let mut offsets = Vec::new();
        let mut next = 0x1000u64;
        for s in segs {
            // A segment at vaddr page 0 of the image holds the headers.
            let off = if s.vaddr % 0x1000 == 0 && s.data.is_empty() && s.memsz == 0x1000 {
                0
            } else {
                let o = next + s.vaddr % 0x1000;
                next += 0x1000 * (1 + (s.vaddr % 0x1000 + s.data.len() as u64) / 0x1000);
                o
            };
            offsets.push(off);
        }
        let ph = |f: &mut Vec<u8>, t: u32, fl: u32, off: u64, va: u64, fs: u64, ms: u64| {
            f.extend_from_slice(&t.to_le_bytes());
            f.extend_from_slice(&fl.to_le_bytes());
            for v in [off, va, va, fs, ms, 0x1000] {
                f.extend_from_slice(&v.to_le_bytes());
            }
        };
        for (s, off) in segs.iter().zip(&offsets) {
            let filesz = if *off == 0 {
                0x1000
            } else {
                s.data.len() as u64
            };
            ph(&mut f, 1, s.flags, *off, s.vaddr, filesz, s.memsz);
        }
        for t in extra {
            ph(&mut f, *t, PF_R, 0, 0, 0, 0);
        }
        for (s, off) in segs.iter().zip(&offsets) {
            if *off == 0 {
                continue;
            }
            let end = *off as usize + s.data.len();
            if f.len() < end {
                f.resize(end, 0);
            }
            f[*off as usize..end].copy_from_slice(&s.data);
        }
        if f.len() < 0x1000 {
            f.resize(0x1000, 0);
        }
        f
    }

    /// A small static-pie: headers (R) at 0, text (RX) at 0x1000, data (RW)
    /// at 0x2000 with 0x3000 bytes of memory (bss after 16 data bytes).
    pub fn static_pie() -> Vec<u8> {
        build_elf(3, 0x1000, &pie_segs(), &[])
    }

    pub fn pie_segs() -> Vec<Seg> {
        alloc::vec![
            Seg {
                vaddr: 0,
                flags: PF_R,
                data: Vec::new(),
                memsz: 0x1000
            },
            Seg {
                vaddr: 0x1000,
                flags: PF_R | PF_X,
                data: alloc::vec![0xc3; 100],
                memsz: 100
            },
            Seg {
                vaddr: 0x2000,
                flags: PF_R | PF_W,
                data: (1..=16).collect(),
                memsz: 0x3000
            },
        ]
    }

    pub fn config() -> ImageConfig {
        ImageConfig {
            program_name: "/bin/hello".into(),
            args: alloc::vec!["world".into(), "two".into()],
            env: alloc::vec!["HOME=/".into(), "TERM=dumb".into()],
            uid: 1000,
            gid: 100,
            hostname: "box".into(),
            memory_mib: 64,
            net: Default::default(),
        }
    }

    /// A loaded process on a fresh mock.
    pub fn loaded(trace: bool) -> (Process, MockPlatform, crate::process::EntryState) {
        let p = MockPlatform::new(42);
        let proc = Process::new(&config(), trace);
        let entry = proc.load(&p, &static_pie()).expect("test program loads");
        p.console.borrow_mut().clear();
        (proc, p, entry)
    }

    /// Returns registers for syscall `nr` with `args` (a plausible user
    /// stack pointer and return address).
    pub fn regs(nr: u64, args: [u64; 6]) -> crate::signal::UserRegs {
        crate::signal::UserRegs {
            rax: nr,
            rdi: args[0],
            rsi: args[1],
            rdx: args[2],
            r10: args[3],
            r8: args[4],
            r9: args[5],
            rip: 0x1002,
            rflags: 0x246,
            ..Default::default()
        }
    }

    /// Runs a syscall and returns rax (panics on Exit).
    pub fn sys(proc: &Process, p: &MockPlatform, nr: u64, args: &[u64]) -> i64 {
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        match proc.syscall(p, &mut regs(nr, a)) {
            SyscallOutcome::Return(v) => v as i64,
            SyscallOutcome::ReturnRegs => panic!("unexpected signal delivery"),
            SyscallOutcome::Exit(s) => panic!("unexpected exit {s}"),
            SyscallOutcome::ExitThread => panic!("unexpected thread exit"),
        }
    }

    /// Runs a syscall and returns its whole outcome.
    pub fn outcome(proc: &Process, p: &MockPlatform, nr: u64, args: &[u64]) -> SyscallOutcome {
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        proc.syscall(p, &mut regs(nr, a))
    }

    /// Maps `len` bytes of fresh anonymous RW memory (mmap) and returns it.
    pub fn anon(proc: &Process, p: &MockPlatform, len: u64) -> u64 {
        let r = sys(proc, p, 9, &[0, len, 3, 0x22, u64::MAX, 0]);
        assert!(r > 0, "mmap failed: {r}");
        r as u64
    }

    /// Writes bytes into program memory as the program would (faulting pages in).
    pub fn poke(proc: &Process, p: &MockPlatform, addr: u64, bytes: &[u8]) {
        for _ in 0..64 {
            match p.copy_to_user(UserAddr(addr), bytes) {
                Ok(()) => return,
                Err(f) => {
                    let w = Access {
                        write: true,
                        exec: false,
                    };
                    assert_eq!(proc.page_fault(p, f.addr.0, w), FaultOutcome::Resolved);
                }
            }
        }
        panic!("poke did not converge");
    }
}

mod misc;
mod netlink;
mod poll;
mod proc;
mod process;
mod sockets;
mod stubs;
mod threads;
