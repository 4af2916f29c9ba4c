//! Syscall dispatch and handlers through `Process::syscall` on the mock.

use super::util::*;
use crate::errno::Errno;
use crate::mm::USER_END;
use crate::process::{Access, FaultOutcome, SyscallOutcome};

fn e(errno: Errno) -> i64 {
    -i64::from(errno.number())
}

#[test]
fn hello_world_writes_to_console_and_exits() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    poke(&proc, &p, buf, b"hello, world\n");
    assert_eq!(sys(&proc, &p, 1, &[1, buf, 13]), 13);
    assert_eq!(sys(&proc, &p, 1, &[2, buf, 5]), 5);
    assert_eq!(p.console_text(), "hello, world\nhello");
    assert_eq!(
        proc.syscall(
            &p,
            &mut crate::tests::util::regs(231, [256 + 7, 0, 0, 0, 0, 0])
        ),
        SyscallOutcome::Exit(7)
    );
    assert_eq!(
        proc.syscall(&p, &mut crate::tests::util::regs(60, [0, 0, 0, 0, 0, 0])),
        SyscallOutcome::Exit(0)
    );
}

#[test]
fn write_bad_fds_and_bad_buffers() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 1, &[3, buf, 1]), e(Errno::EBADF));
    // fd 0 is the console opened O_RDWR, as a Linux tty's stdin is.
    assert_eq!(sys(&proc, &p, 1, &[0, buf, 1]), 1);
    assert_eq!(sys(&proc, &p, 1, &[u64::MAX, buf, 1]), e(Errno::EBADF));
    assert_eq!(sys(&proc, &p, 1, &[1, 0, 1]), e(Errno::EFAULT));
    assert_eq!(sys(&proc, &p, 1, &[1, USER_END - 1, 2]), e(Errno::EFAULT));
    assert_eq!(
        sys(&proc, &p, 1, &[1, 0xffff_8000_0000_0000, 1]),
        e(Errno::EFAULT)
    );
    assert_eq!(sys(&proc, &p, 1, &[1, 0, 0]), 0);
}

#[test]
fn uaccess_pages_in_untouched_memory_and_returns_short_counts() {
    let (proc, p, _) = loaded(false);
    // Three pages never touched: the copy faults, pages in, retries.
    let buf = anon(&proc, &p, 3 * 4096);
    let calls = p.map_calls.get();
    assert_eq!(sys(&proc, &p, 1, &[1, buf, 3 * 4096]), 3 * 4096);
    assert_eq!(p.map_calls.get() - calls, 3);
    assert_eq!(p.console.borrow().len(), 3 * 4096);
    assert!(p.console.borrow().iter().all(|b| *b == 0));
    // A buffer running into an unmapped page: short count, like Linux.
    let two = anon(&proc, &p, 2 * 4096);
    assert_eq!(sys(&proc, &p, 11, &[two + 4096, 4096]), 0);
    assert_eq!(sys(&proc, &p, 1, &[1, two, 8192]), 4096);
    // read-only memory cannot be written by a syscall.
    let ro = sys(&proc, &p, 9, &[0, 4096, 1, 0x22, u64::MAX, 0]) as u64;
    assert_eq!(sys(&proc, &p, 318, &[ro, 16, 0]), e(Errno::EFAULT));
    assert_eq!(sys(&proc, &p, 318, &[buf, 16, 0]), 16);
}

#[test]
fn writev_and_readv() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    poke(&proc, &p, buf + 100, b"abcdef");
    let mut iov = alloc::vec::Vec::new();
    for (base, len) in [(buf + 100, 3u64), (buf + 103, 0), (buf + 103, 3)] {
        iov.extend_from_slice(&base.to_le_bytes());
        iov.extend_from_slice(&len.to_le_bytes());
    }
    poke(&proc, &p, buf, &iov);
    assert_eq!(sys(&proc, &p, 20, &[1, buf, 3]), 6);
    assert_eq!(p.console_text(), "abcdef");
    assert_eq!(sys(&proc, &p, 20, &[1, buf, 1025]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 20, &[1, buf, u64::MAX]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 20, &[7, buf, 1]), e(Errno::EBADF));
    assert_eq!(sys(&proc, &p, 19, &[0, buf, 3]), 0);
    assert_eq!(sys(&proc, &p, 0, &[0, buf, 10]), 0);
    assert_eq!(sys(&proc, &p, 0, &[9, buf, 10]), e(Errno::EBADF));
}

#[test]
fn zero_length_writes_reach_the_file_but_empty_writevs_do_not() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    poke(&proc, &p, buf, b"/dev/full\0");
    let full = sys(&proc, &p, 2, &[buf, 1, 0]) as u64; // O_WRONLY
                                                       // write_full ignores the count; vfs_writev stops at tot_len == 0.
    assert_eq!(sys(&proc, &p, 1, &[full, buf, 0]), e(Errno::ENOSPC));
    assert_eq!(sys(&proc, &p, 18, &[full, buf, 0, 0]), e(Errno::ENOSPC));
    let mut iov = alloc::vec::Vec::new();
    for (base, len) in [(buf, 0u64), (buf + 1, 0)] {
        iov.extend_from_slice(&base.to_le_bytes());
        iov.extend_from_slice(&len.to_le_bytes());
    }
    poke(&proc, &p, buf + 0x100, &iov);
    assert_eq!(sys(&proc, &p, 20, &[full, buf + 0x100, 2]), 0);
    assert_eq!(sys(&proc, &p, 20, &[full, buf + 0x100, 0]), 0);
    assert_eq!(sys(&proc, &p, 1, &[full, buf, 1]), e(Errno::ENOSPC));
    // A regular file under O_APPEND: an empty write moves nothing.
    poke(&proc, &p, buf, b"/tmp/z\0");
    let f = sys(&proc, &p, 2, &[buf, 0o2102, 0o644]) as u64; // O_RDWR|O_CREAT|O_APPEND
    assert_eq!(sys(&proc, &p, 1, &[f, buf, 3]), 3);
    assert_eq!(sys(&proc, &p, 8, &[f, 1, 0]), 1); // lseek(f, 1, SEEK_SET)
    assert_eq!(sys(&proc, &p, 1, &[f, buf, 0]), 0);
    assert_eq!(sys(&proc, &p, 8, &[f, 0, 1]), 1); // SEEK_CUR: still 1
                                                  // An eventfd wants 8 bytes even for an empty write (eventfd_write).
    let efd = sys(&proc, &p, 290, &[0, 0]) as u64;
    assert_eq!(sys(&proc, &p, 1, &[efd, buf, 0]), e(Errno::EINVAL));
}

#[test]
fn enosys_is_reported_once_and_never_panics() {
    let (proc, p, _) = loaded(false);
    assert_eq!(sys(&proc, &p, 57, &[]), e(Errno::ENOSYS));
    assert_eq!(sys(&proc, &p, 57, &[]), e(Errno::ENOSYS));
    assert_eq!(
        p.console_text(),
        "rumprun: syscall 'fork' (57) not implemented: ENOSYS\n"
    );
    p.console.borrow_mut().clear();
    assert_eq!(sys(&proc, &p, 400, &[]), e(Errno::ENOSYS));
    assert_eq!(sys(&proc, &p, u64::MAX, &[]), e(Errno::ENOSYS));
    assert_eq!(sys(&proc, &p, 0x4000_0000, &[]), e(Errno::ENOSYS));
    let text = p.console_text();
    assert!(
        text.contains("rumprun: syscall 400 not implemented: ENOSYS\n"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);
    p.console.borrow_mut().clear();
    // rseq is stubbed: ENOSYS, quietly.
    assert_eq!(sys(&proc, &p, 334, &[0, 32, 0, 0]), e(Errno::ENOSYS));
    assert_eq!(p.console_text(), "");
    // Every number, any arguments: no panic.
    for nr in 0..600u64 {
        // exit/exit_group end the test; pause(2) waits for a signal forever,
        // and so do select/pselect6/ppoll on no fds without a timeout.
        if matches!(nr, 60 | 231 | 34 | 23 | 270 | 271) {
            continue;
        }
        let _ = proc.syscall(
            &p,
            &mut crate::tests::util::regs(nr, [u64::MAX, 0, 1, u64::MAX, 0, 7]),
        );
        let _ = proc.syscall(&p, &mut crate::tests::util::regs(nr, [0; 6]));
    }
}

#[test]
fn trace_prints_strace_style_lines() {
    let (proc, p, _) = loaded(true);
    let buf = anon(&proc, &p, 4096);
    poke(&proc, &p, buf, b"hi\n");
    p.console.borrow_mut().clear();
    sys(&proc, &p, 1, &[1, buf, 3]);
    sys(&proc, &p, 1, &[5, buf, 3]);
    sys(&proc, &p, 39, &[]);
    sys(&proc, &p, 57, &[]);
    assert_eq!(
        proc.syscall(&p, &mut crate::tests::util::regs(231, [3, 0, 0, 0, 0, 0])),
        SyscallOutcome::Exit(3)
    );
    let text = p.console_text();
    let lines: alloc::vec::Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], alloc::format!("hi"));
    assert_eq!(
        lines[1],
        alloc::format!("[trace] write(1, {buf:#x}, 3) = 3")
    );
    assert_eq!(
        lines[2],
        alloc::format!("[trace] write(5, {buf:#x}, 3) = -1 EBADF (fd not open)")
    );
    assert_eq!(lines[3], "[trace] getpid() = 1");
    assert_eq!(
        lines[4],
        "rumprun: syscall 'fork' (57) not implemented: ENOSYS"
    );
    assert_eq!(lines[5], "[trace] fork(...) = -1 ENOSYS (not implemented)");
    assert_eq!(lines[6], "[trace] exit_group(3) = ?");
}

#[test]
fn identity_and_process_ids() {
    let (proc, p, _) = loaded(false);
    assert_eq!(sys(&proc, &p, 39, &[]), 1);
    assert_eq!(sys(&proc, &p, 186, &[]), 1);
    assert_eq!(sys(&proc, &p, 110, &[]), 0);
    assert_eq!(sys(&proc, &p, 102, &[]), 1000);
    assert_eq!(sys(&proc, &p, 107, &[]), 1000);
    assert_eq!(sys(&proc, &p, 104, &[]), 100);
    assert_eq!(sys(&proc, &p, 108, &[]), 100);
    assert_eq!(sys(&proc, &p, 218, &[0x1234]), 1);
    assert_eq!(sys(&proc, &p, 273, &[0x1234, 24]), 0);
    assert_eq!(sys(&proc, &p, 273, &[0x1234, 16]), e(Errno::EINVAL));
}

#[test]
fn arch_prctl_fs() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 158, &[0x1002, 0x7000_1234]), 0);
    assert_eq!(p.fs.get(), 0x7000_1234);
    assert_eq!(sys(&proc, &p, 158, &[0x1003, buf]), 0);
    assert_eq!(p.peek_u64(buf), Some(0x7000_1234));
    assert_eq!(sys(&proc, &p, 158, &[0x1003, 0]), e(Errno::EFAULT));
    assert_eq!(sys(&proc, &p, 158, &[0x1002, USER_END]), e(Errno::EPERM));
    assert_eq!(sys(&proc, &p, 158, &[0x1001, 0]), e(Errno::EINVAL));
}

#[test]
fn uname_fields() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 63, &[buf]), 0);
    let field = |i: u64| {
        let b = p.peek(buf + i * 65, 65).unwrap();
        let n = b.iter().position(|c| *c == 0).unwrap();
        alloc::string::String::from_utf8(b[..n].to_vec()).unwrap()
    };
    assert_eq!(field(0), "Linux");
    assert_eq!(field(1), "box");
    assert_eq!(field(2), "6.1.0-rumprun-rs");
    assert!(field(3).starts_with("#1 SMP rumprun-rs"));
    assert_eq!(field(4), "x86_64");
    assert_eq!(sys(&proc, &p, 63, &[0]), e(Errno::EFAULT));
}

#[test]
fn clocks() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    p.mono.set(3_250_000_000);
    p.real.set(1_700_000_000_500_000_000);
    for (clock, sec, nsec) in [
        (1u64, 3, 250_000_000),
        (7, 3, 250_000_000),
        (0, 1_700_000_000, 500_000_000),
        (2, 3, 250_000_000),
    ] {
        assert_eq!(sys(&proc, &p, 228, &[clock, buf]), 0);
        assert_eq!(p.peek_u64(buf), Some(sec));
        assert_eq!(p.peek_u64(buf + 8), Some(nsec));
    }
    assert_eq!(sys(&proc, &p, 228, &[10, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 228, &[u64::MAX, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 228, &[1, 0]), e(Errno::EFAULT));
    assert_eq!(sys(&proc, &p, 229, &[1, 0]), 0);
    assert_eq!(sys(&proc, &p, 229, &[1, buf]), 0);
    assert_eq!(p.peek_u64(buf + 8), Some(1));
    assert_eq!(sys(&proc, &p, 96, &[buf, buf + 16]), 0);
    assert_eq!(p.peek_u64(buf), Some(1_700_000_000));
    assert_eq!(p.peek_u64(buf + 8), Some(500_000));
    assert_eq!(sys(&proc, &p, 201, &[0]), 1_700_000_000);
    assert_eq!(sys(&proc, &p, 201, &[buf + 32]), 1_700_000_000);
    assert_eq!(p.peek_u64(buf + 32), Some(1_700_000_000));
}

#[test]
fn getrandom_fills_and_checks_flags() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 8192);
    assert_eq!(sys(&proc, &p, 318, &[buf, 5000, 1]), 5000);
    assert!(p.peek(buf, 5000).unwrap().iter().any(|b| *b != 0));
    assert_eq!(p.peek(buf + 5000, 8).unwrap(), [0u8; 8]);
    assert_eq!(sys(&proc, &p, 318, &[buf, 8, 8]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 318, &[buf, 8, 6]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 318, &[buf, 0, 0]), 0);
}

#[test]
fn signals_mask_and_actions() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    let (set, old) = (buf, buf + 8);
    poke(
        &proc,
        &p,
        set,
        &((1u64 << 1) | (1 << 8) | (1 << 18)).to_le_bytes(),
    );
    assert_eq!(sys(&proc, &p, 14, &[0, set, old, 8]), 0);
    assert_eq!(p.peek_u64(old), Some(0));
    assert_eq!(sys(&proc, &p, 14, &[0, 0, old, 8]), 0);
    assert_eq!(
        p.peek_u64(old),
        Some(1 << 1),
        "SIGKILL/SIGSTOP never blocked"
    );
    assert_eq!(sys(&proc, &p, 14, &[1, set, old, 8]), 0);
    assert_eq!(sys(&proc, &p, 14, &[0, 0, old, 8]), 0);
    assert_eq!(p.peek_u64(old), Some(0));
    assert_eq!(sys(&proc, &p, 14, &[7, set, 0, 8]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 14, &[0, set, 0, 16]), e(Errno::EINVAL));
    // rt_sigaction stores and returns the action.
    let (act, oact) = (buf + 64, buf + 128);
    let mut a = [0u8; 32];
    a[..8].copy_from_slice(&0x5555_1234u64.to_le_bytes());
    a[8..16].copy_from_slice(&0x0400_0000u64.to_le_bytes());
    a[24..].copy_from_slice(&u64::MAX.to_le_bytes());
    poke(&proc, &p, act, &a);
    assert_eq!(sys(&proc, &p, 13, &[2, act, 0, 8]), 0);
    assert_eq!(sys(&proc, &p, 13, &[2, 0, oact, 8]), 0);
    let got = p.peek(oact, 32).unwrap();
    assert_eq!(got[..24], a[..24]);
    assert_eq!(got[24..], (!((1u64 << 8) | (1 << 18))).to_le_bytes());
    assert_eq!(sys(&proc, &p, 13, &[9, act, 0, 8]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 13, &[9, 0, oact, 8]), 0);
    assert_eq!(sys(&proc, &p, 13, &[0, 0, oact, 8]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 13, &[65, 0, oact, 8]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 13, &[2, act, 0, 4]), e(Errno::EINVAL));
}

#[test]
fn ioctl_console_is_a_tty() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    for fd in 0..3 {
        assert_eq!(sys(&proc, &p, 16, &[fd, 0x5413, buf]), 0);
        assert_eq!(sys(&proc, &p, 16, &[fd, 0x5401, buf]), 0);
    }
    assert_eq!(sys(&proc, &p, 16, &[1, 0x5421, buf]), 0);
    assert_eq!(sys(&proc, &p, 16, &[4, 0x5413, buf]), e(Errno::EBADF));
}

#[test]
fn affinity_and_limits() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 204, &[0, 128, buf]), 8);
    assert_eq!(p.peek_u64(buf), Some(1));
    assert_eq!(sys(&proc, &p, 204, &[0, 4, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 204, &[0, 12, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 204, &[77, 8, buf]), e(Errno::ESRCH));
    assert_eq!(sys(&proc, &p, 24, &[]), 0);
    // RLIMIT_STACK = 3.
    assert_eq!(sys(&proc, &p, 97, &[3, buf]), 0);
    assert_eq!(p.peek_u64(buf), Some(8 << 20));
    assert_eq!(p.peek_u64(buf + 8), Some(u64::MAX));
    poke(
        &proc,
        &p,
        buf + 16,
        &[16u64.to_le_bytes(), 32u64.to_le_bytes()].concat(),
    );
    assert_eq!(sys(&proc, &p, 302, &[0, 7, buf + 16, buf + 32]), 0);
    assert_eq!(p.peek_u64(buf + 32), Some(1024));
    assert_eq!(sys(&proc, &p, 97, &[7, buf]), 0);
    assert_eq!(p.peek_u64(buf), Some(16));
    poke(
        &proc,
        &p,
        buf + 16,
        &[64u64.to_le_bytes(), 32u64.to_le_bytes()].concat(),
    );
    assert_eq!(sys(&proc, &p, 160, &[7, buf + 16]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 97, &[16, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 302, &[5, 7, 0, buf]), e(Errno::ESRCH));
}

#[test]
fn mmap_syscall_validation() {
    let (proc, p, _) = loaded(false);
    // len 0, bad map type, misaligned offset, unknown prot, huge pages.
    assert_eq!(
        sys(&proc, &p, 9, &[0, 0, 3, 0x22, u64::MAX, 0]),
        e(Errno::EINVAL)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, 4096, 3, 0x20, u64::MAX, 0]),
        e(Errno::EINVAL)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, 4096, 3, 0x22, u64::MAX, 5]),
        e(Errno::EINVAL)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, 4096, 0x40, 0x22, u64::MAX, 0]),
        e(Errno::EINVAL)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, 4096, 3, 0x4_0022, u64::MAX, 0]),
        e(Errno::EINVAL)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, 4096, 3, 0x02, 5, 0]),
        e(Errno::EBADF)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, 4096, 3, 0x02, 1, 0]),
        e(Errno::ENODEV)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, 4096, 7, 0x22, u64::MAX, 0]),
        e(Errno::EACCES)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, 4096, 5, 0x22, u64::MAX, 0]),
        e(Errno::EACCES)
    );
    assert_eq!(
        sys(&proc, &p, 9, &[0, u64::MAX - 10, 3, 0x22, u64::MAX, 0]),
        e(Errno::ENOMEM)
    );
    // MAP_SHARED anonymous works like private.
    assert!(sys(&proc, &p, 9, &[0, 4096, 3, 0x21, u64::MAX, 0]) > 0);
    let a = anon(&proc, &p, 8192);
    assert_eq!(sys(&proc, &p, 10, &[a, 8192, 1]), 0);
    assert_eq!(sys(&proc, &p, 10, &[a, 8192, 4]), e(Errno::EACCES));
    assert_eq!(sys(&proc, &p, 10, &[a + 1, 8192, 1]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 11, &[a + 1, 4096]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 28, &[a, 4096, 4]), 0);
    assert_eq!(sys(&proc, &p, 28, &[a, 4096, 99]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 28, &[a, 4096, 0]), 0);
    // brk: query, grow, use.
    let b0 = sys(&proc, &p, 12, &[0]) as u64;
    assert_eq!(sys(&proc, &p, 12, &[b0 + 10_000]) as u64, b0 + 10_000);
    poke(&proc, &p, b0 + 9_000, b"x");
    assert_eq!(sys(&proc, &p, 12, &[1]) as u64, b0 + 10_000);
}

#[test]
fn page_faults_and_descriptions() {
    let (proc, p, entry) = loaded(false);
    let w = Access {
        write: true,
        exec: false,
    };
    let r = Access::default();
    let x = Access {
        write: false,
        exec: true,
    };
    assert!(matches!(
        proc.page_fault(&p, 0, r),
        FaultOutcome::Segv { addr: 0, .. }
    ));
    assert_eq!(proc.describe_addr(0), "unmapped (NULL page)");
    assert!(matches!(
        proc.page_fault(&p, USER_END + 5, r),
        FaultOutcome::Segv { .. }
    ));
    let FaultOutcome::Segv { reason, .. } = proc.page_fault(&p, entry.rip, w) else {
        panic!("write to text must fault")
    };
    assert_eq!(reason, "write to a read-only mapping");
    assert!(proc
        .describe_addr(entry.rip)
        .starts_with("program text r-x"));
    let a = anon(&proc, &p, 4096);
    assert!(proc.describe_addr(a).starts_with("[anon] rw-"));
    assert_eq!(proc.page_fault(&p, a + 5, w), FaultOutcome::Resolved);
    let FaultOutcome::Segv { reason, .. } = proc.page_fault(&p, a, x) else {
        panic!("exec of anon must fault")
    };
    assert_eq!(reason, "execute in a non-executable mapping (NX)");
    assert!(proc.describe_addr(entry.rsp).starts_with("[stack] rw-"));
}
