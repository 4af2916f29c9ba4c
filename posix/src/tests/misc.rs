//! The process-wide syscalls beyond the walking skeleton: identity,
//! process groups, prctl, resource usage, scheduling queries, signals'
//! alternate stack, host names, memory locking.

use super::util::*;
use crate::errno::Errno;

fn e(errno: Errno) -> i64 {
    -i64::from(errno.number())
}

fn u32_at(p: &crate::mock::MockPlatform, addr: u64) -> u32 {
    u32::from_le_bytes(p.peek(addr, 4).unwrap().try_into().unwrap())
}

#[test]
fn set_ids_succeed_and_get_ids_reflect_them() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 105, &[0]), 0); // setuid(0)
    assert_eq!(sys(&proc, &p, 102, &[]), 0);
    assert_eq!(sys(&proc, &p, 107, &[]), 0);
    assert_eq!(
        sys(&proc, &p, 105, &[u64::from(u32::MAX)]),
        e(Errno::EINVAL)
    );
    assert_eq!(sys(&proc, &p, 106, &[33]), 0); // setgid
    assert_eq!(sys(&proc, &p, 104, &[]), 33);
    assert_eq!(sys(&proc, &p, 117, &[5, 6, u64::from(u32::MAX)]), 0); // setresuid
    assert_eq!(sys(&proc, &p, 118, &[buf, buf + 4, buf + 8]), 0);
    assert_eq!(
        [u32_at(&p, buf), u32_at(&p, buf + 4), u32_at(&p, buf + 8)],
        [5, 6, 0]
    );
    assert_eq!(sys(&proc, &p, 113, &[u64::from(u32::MAX), 9]), 0); // setreuid(-1, 9)
    assert_eq!(sys(&proc, &p, 118, &[buf, buf + 4, buf + 8]), 0);
    assert_eq!(
        [u32_at(&p, buf), u32_at(&p, buf + 4), u32_at(&p, buf + 8)],
        [5, 9, 9]
    );
    assert_eq!(sys(&proc, &p, 119, &[1, 2, 3]), 0); // setresgid
    assert_eq!(sys(&proc, &p, 120, &[buf, buf + 4, buf + 8]), 0);
    assert_eq!(
        [u32_at(&p, buf), u32_at(&p, buf + 4), u32_at(&p, buf + 8)],
        [1, 2, 3]
    );
    assert_eq!(sys(&proc, &p, 108, &[]), 2);
    assert_eq!(sys(&proc, &p, 114, &[7, u64::from(u32::MAX)]), 0); // setregid(7, -1)
    assert_eq!(sys(&proc, &p, 104, &[]), 7);
    assert_eq!(sys(&proc, &p, 122, &[u64::from(u32::MAX)]), 9); // setfsuid query
    assert_eq!(sys(&proc, &p, 122, &[4]), 9);
    assert_eq!(sys(&proc, &p, 122, &[u64::from(u32::MAX)]), 4);
    assert_eq!(sys(&proc, &p, 123, &[u64::from(u32::MAX)]), 2);
    assert_eq!(sys(&proc, &p, 118, &[0, buf, buf]), e(Errno::EFAULT));
}

#[test]
fn supplementary_groups() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 115, &[0, 0]), 0);
    let groups: alloc::vec::Vec<u8> = [30u32, 10, 20]
        .iter()
        .flat_map(|g| g.to_le_bytes())
        .collect();
    poke(&proc, &p, buf, &groups);
    assert_eq!(sys(&proc, &p, 116, &[3, buf]), 0);
    assert_eq!(sys(&proc, &p, 115, &[0, 0]), 3);
    assert_eq!(sys(&proc, &p, 115, &[2, buf + 64]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 115, &[8, buf + 64]), 3);
    assert_eq!(
        [
            u32_at(&p, buf + 64),
            u32_at(&p, buf + 68),
            u32_at(&p, buf + 72)
        ],
        [10, 20, 30]
    );
    assert_eq!(sys(&proc, &p, 116, &[u64::MAX, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 116, &[70_000, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 116, &[0, 0]), 0);
    assert_eq!(sys(&proc, &p, 115, &[0, 0]), 0);
}

#[test]
fn process_groups_and_sessions() {
    let (proc, p, _) = loaded(false);
    assert_eq!(sys(&proc, &p, 111, &[]), 1);
    assert_eq!(sys(&proc, &p, 121, &[0]), 1);
    assert_eq!(sys(&proc, &p, 121, &[5]), e(Errno::ESRCH));
    assert_eq!(sys(&proc, &p, 124, &[1]), 1);
    assert_eq!(sys(&proc, &p, 112, &[]), e(Errno::EPERM));
    assert_eq!(sys(&proc, &p, 109, &[0, 0]), 0);
    assert_eq!(sys(&proc, &p, 109, &[0, 9]), e(Errno::EPERM));
    assert_eq!(sys(&proc, &p, 109, &[3, 0]), e(Errno::ESRCH));
}

#[test]
fn prctl_names_and_switches() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 157, &[16, buf]), 0);
    assert_eq!(&p.peek(buf, 16).unwrap()[..6], b"hello\0");
    poke(&proc, &p, buf + 100, b"a-very-long-thread-name\0");
    assert_eq!(sys(&proc, &p, 157, &[15, buf + 100]), 0);
    assert_eq!(sys(&proc, &p, 157, &[16, buf]), 0);
    assert_eq!(p.peek(buf, 16).unwrap(), b"a-very-long-thr\0");
    poke(&proc, &p, buf + 200, b"w\0");
    assert_eq!(sys(&proc, &p, 157, &[15, buf + 200]), 0);
    assert_eq!(sys(&proc, &p, 157, &[16, buf]), 0);
    assert_eq!(p.peek(buf, 16).unwrap(), b"w\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    assert_eq!(sys(&proc, &p, 157, &[15, 0]), e(Errno::EFAULT));
    assert_eq!(sys(&proc, &p, 157, &[3]), 1);
    assert_eq!(sys(&proc, &p, 157, &[4, 0]), 0);
    assert_eq!(sys(&proc, &p, 157, &[3]), 0);
    assert_eq!(sys(&proc, &p, 157, &[4, 2]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 157, &[39]), 0);
    assert_eq!(sys(&proc, &p, 157, &[38, 1, 0, 0, 0]), 0);
    assert_eq!(sys(&proc, &p, 157, &[39]), 1);
    assert_eq!(sys(&proc, &p, 157, &[38, 2, 0, 0, 0]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 157, &[1, 9]), 0);
    assert_eq!(sys(&proc, &p, 157, &[2, buf]), 0);
    assert_eq!(u32_at(&p, buf), 9);
    assert_eq!(sys(&proc, &p, 157, &[21]), 0);
    assert_eq!(sys(&proc, &p, 157, &[30]), 50_000);
    assert_eq!(sys(&proc, &p, 157, &[9999]), e(Errno::EINVAL));
}

#[test]
fn rusage_times_and_sysinfo() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    p.mono.set(2_500_000_000);
    assert_eq!(sys(&proc, &p, 98, &[0, buf]), 0);
    assert_eq!(p.peek_u64(buf), Some(2));
    assert_eq!(p.peek_u64(buf + 8), Some(500_000));
    assert!(
        p.peek_u64(buf + 32).unwrap() >= 8,
        "maxrss counts resident pages"
    );
    assert_eq!(sys(&proc, &p, 98, &[u64::from(u32::MAX), buf]), 0);
    assert_eq!(p.peek_u64(buf), Some(0));
    assert_eq!(sys(&proc, &p, 98, &[5, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 100, &[0]), 250);
    assert_eq!(sys(&proc, &p, 100, &[buf]), 250);
    assert_eq!(p.peek_u64(buf), Some(250));
    assert_eq!(sys(&proc, &p, 99, &[buf]), 0);
    assert_eq!(p.peek_u64(buf), Some(2));
    assert_eq!(p.peek_u64(buf + 32), Some(64 << 20));
    let free = p.peek_u64(buf + 40).unwrap();
    assert!(free < 64 << 20 && free > 60 << 20);
    assert_eq!(u32_at(&p, buf + 104), 1);
    assert_eq!(sys(&proc, &p, 99, &[0]), e(Errno::EFAULT));
}

#[test]
fn scheduling_queries() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 146, &[1]), 99);
    assert_eq!(sys(&proc, &p, 147, &[2]), 1);
    assert_eq!(sys(&proc, &p, 146, &[0]), 0);
    assert_eq!(sys(&proc, &p, 147, &[4]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 145, &[0]), 0);
    assert_eq!(sys(&proc, &p, 145, &[u64::MAX]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 143, &[0, buf]), 0);
    poke(&proc, &p, buf, &[1]);
    assert_eq!(sys(&proc, &p, 203, &[0, 8, buf]), 0);
    poke(&proc, &p, buf, &[2]);
    assert_eq!(sys(&proc, &p, 203, &[0, 8, buf]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 309, &[buf, buf + 4, 0]), 0);
    assert_eq!(sys(&proc, &p, 309, &[0, 0, 0]), 0);
    // getpriority returns 20 - nice.
    assert_eq!(sys(&proc, &p, 140, &[0, 0]), 20);
    assert_eq!(sys(&proc, &p, 141, &[0, 0, 5]), 0);
    assert_eq!(sys(&proc, &p, 140, &[0, 0]), 15);
    assert_eq!(sys(&proc, &p, 141, &[0, 0, u64::from(u32::MAX) - 99]), 0);
    assert_eq!(sys(&proc, &p, 140, &[0, 0]), 40);
    assert_eq!(sys(&proc, &p, 140, &[2, 1000]), 40);
    assert_eq!(sys(&proc, &p, 140, &[2, 5]), e(Errno::ESRCH));
    assert_eq!(sys(&proc, &p, 140, &[7, 0]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 135, &[u64::from(u32::MAX)]), 0);
    assert_eq!(sys(&proc, &p, 135, &[0x0040000]), 0);
    assert_eq!(sys(&proc, &p, 135, &[u64::from(u32::MAX)]), 0x0040000);
}

#[test]
fn alternate_signal_stack_and_pending() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 131, &[0, buf]), 0);
    assert_eq!(u32_at(&p, buf + 8), 2, "SS_DISABLE initially");
    let mut ss = [0u8; 24];
    ss[..8].copy_from_slice(&0x7000_0000u64.to_le_bytes());
    ss[16..].copy_from_slice(&65536u64.to_le_bytes());
    poke(&proc, &p, buf + 100, &ss);
    assert_eq!(sys(&proc, &p, 131, &[buf + 100, 0]), 0);
    assert_eq!(sys(&proc, &p, 131, &[0, buf]), 0);
    assert_eq!(p.peek_u64(buf), Some(0x7000_0000));
    assert_eq!(u32_at(&p, buf + 8), 0);
    assert_eq!(p.peek_u64(buf + 16), Some(65536));
    ss[16..].copy_from_slice(&100u64.to_le_bytes());
    poke(&proc, &p, buf + 100, &ss);
    assert_eq!(sys(&proc, &p, 131, &[buf + 100, 0]), e(Errno::ENOMEM));
    ss[8] = 9;
    poke(&proc, &p, buf + 100, &ss);
    assert_eq!(sys(&proc, &p, 131, &[buf + 100, 0]), e(Errno::EINVAL));
    poke(&proc, &p, buf, &[0xff; 8]);
    assert_eq!(sys(&proc, &p, 127, &[buf, 8]), 0);
    assert_eq!(p.peek_u64(buf), Some(0));
    assert_eq!(sys(&proc, &p, 127, &[buf, 16]), e(Errno::EINVAL));
}

#[test]
fn sethostname_changes_uname() {
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    poke(&proc, &p, buf, b"web-1");
    assert_eq!(sys(&proc, &p, 170, &[buf, 5]), 0);
    assert_eq!(sys(&proc, &p, 171, &[buf, 3]), 0);
    assert_eq!(sys(&proc, &p, 63, &[buf + 512]), 0);
    assert_eq!(&p.peek(buf + 512 + 65, 6).unwrap(), b"web-1\0");
    assert_eq!(&p.peek(buf + 512 + 5 * 65, 4).unwrap(), b"web\0");
    assert_eq!(sys(&proc, &p, 170, &[buf, 65]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 170, &[0, 4]), e(Errno::EFAULT));
}

#[test]
fn memory_locking_and_msync() {
    let (proc, p, _) = loaded(false);
    let a = anon(&proc, &p, 8192);
    assert_eq!(sys(&proc, &p, 149, &[a, 8192]), 0);
    assert_eq!(sys(&proc, &p, 150, &[a, 8192]), 0);
    assert_eq!(sys(&proc, &p, 325, &[a, 8192, 1]), 0);
    assert_eq!(sys(&proc, &p, 325, &[a, 8192, 2]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 151, &[3]), 0);
    assert_eq!(sys(&proc, &p, 151, &[0]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 151, &[4]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 152, &[]), 0);
    assert_eq!(sys(&proc, &p, 26, &[a, 8192, 4]), 0);
    assert_eq!(sys(&proc, &p, 26, &[a, 8192, 5]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 26, &[a + 1, 8192, 4]), e(Errno::EINVAL));
}

#[test]
fn abort_via_raise_terminates_with_128_plus_signal() {
    use crate::process::SyscallOutcome;
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    // musl raise(): block app signals, tkill(self), restore the mask.
    poke(&proc, &p, buf, &u64::MAX.to_le_bytes());
    assert_eq!(sys(&proc, &p, 14, &[0, buf, buf + 8, 8]), 0);
    assert_eq!(sys(&proc, &p, 200, &[1, 6]), 0);
    assert_eq!(sys(&proc, &p, 127, &[buf + 16, 8]), 0);
    assert_eq!(p.peek_u64(buf + 16), Some(1 << 5), "SIGABRT pending");
    assert_eq!(p.console_text(), "");
    let out = proc.syscall(
        &p,
        &mut crate::tests::util::regs(14, [2, buf + 8, 0, 8, 0, 0]),
    );
    assert_eq!(out, SyscallOutcome::Exit(134));
    assert_eq!(
        p.console_text(),
        "rumprun: program terminated by SIGABRT (6)\n"
    );
}

#[test]
fn kill_to_self_follows_the_actions() {
    use crate::process::SyscallOutcome;
    let (proc, p, _) = loaded(false);
    let buf = anon(&proc, &p, 4096);
    assert_eq!(sys(&proc, &p, 62, &[1, 0]), 0);
    assert_eq!(sys(&proc, &p, 62, &[5, 0]), e(Errno::ESRCH));
    assert_eq!(sys(&proc, &p, 62, &[1, 65]), e(Errno::EINVAL));
    assert_eq!(
        sys(&proc, &p, 62, &[1, 17]),
        0,
        "SIGCHLD is ignored by default"
    );
    assert_eq!(sys(&proc, &p, 62, &[1, 28]), 0, "SIGWINCH too");
    // SIG_IGN for SIGTERM, then a handler for SIGUSR1.
    let mut act = [0u8; 32];
    act[0] = 1;
    poke(&proc, &p, buf, &act);
    assert_eq!(sys(&proc, &p, 13, &[15, buf, 0, 8]), 0);
    assert_eq!(sys(&proc, &p, 62, &[u64::MAX, 15]), 0);
    act[0] = 0x40;
    act[8..16].copy_from_slice(&0x0400_0000u64.to_le_bytes()); // SA_RESTORER
    poke(&proc, &p, buf, &act);
    assert_eq!(sys(&proc, &p, 13, &[10, buf, 0, 8]), 0);
    let mut r = crate::tests::util::regs(62, [0, 10, 0, 0, 0, 0]);
    r.rsp = buf + 4000;
    assert_eq!(proc.syscall(&p, &mut r), SyscallOutcome::ReturnRegs);
    assert_eq!(r.rip, 0x40, "the handler runs");
    assert_eq!(sys(&proc, &p, 234, &[1, 2, 10]), e(Errno::ESRCH));
    assert_eq!(sys(&proc, &p, 234, &[0, 1, 10]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 200, &[0, 10]), e(Errno::EINVAL));
    assert_eq!(
        proc.syscall(&p, &mut crate::tests::util::regs(234, [1, 1, 9, 0, 0, 0])),
        SyscallOutcome::Exit(137)
    );
    assert!(p.console_text().contains("SIGKILL (9)"));
}

#[test]
fn mremap_syscall_flags_and_realloc_pattern() {
    let (proc, p, _) = loaded(false);
    let a = anon(&proc, &p, 2 * 4096);
    poke(&proc, &p, a, b"payload");
    assert_eq!(sys(&proc, &p, 25, &[a, 8192, 4096, 8, 0]), e(Errno::EINVAL));
    assert_eq!(sys(&proc, &p, 25, &[a, 8192, 8192, 5, 0]), e(Errno::EINVAL));
    assert_eq!(
        sys(&proc, &p, 25, &[a, 8192, 8192, 2, 0x6000_0000]),
        e(Errno::EINVAL)
    );
    // Block growth in place, then realloc-style MREMAP_MAYMOVE.
    assert_eq!(
        sys(&proc, &p, 9, &[a + 8192, 4096, 1, 0x32, u64::MAX, 0]) as u64,
        a + 8192
    );
    let b = sys(&proc, &p, 25, &[a, 8192, 64 * 4096, 1, 0]) as u64;
    assert!(b != a && b.is_multiple_of(4096));
    assert_eq!(p.peek(b, 7).unwrap(), b"payload");
    assert!(proc.describe_addr(a).starts_with("unmapped"));
}
