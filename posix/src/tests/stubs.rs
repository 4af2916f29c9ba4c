//! The single-process stubs that are not ENOSYS (wait4/waitid give ECHILD
//! with one console note) and discarding pending signals on SIG_IGN.

use super::util::{anon, loaded, poke, sys};

const WAIT4: u64 = 61;
const WAITID: u64 = 247;
const RT_SIGACTION: u64 = 13;
const RT_SIGPROCMASK: u64 = 14;
const RT_SIGPENDING: u64 = 127;
const TKILL: u64 = 200;
const ECHILD: i64 = -10;
const EINVAL: i64 = -22;
const SIGUSR1: u64 = 10;
const SIGCHLD: u64 = 17;

#[test]
fn wait_family_gives_echild_with_one_note() {
    let (proc, p, _) = loaded(false);
    assert_eq!(sys(&proc, &p, WAIT4, &[u64::MAX, 0, 0, 0]), ECHILD);
    assert_eq!(
        sys(&proc, &p, WAIT4, &[u64::MAX, 0, 1, 0]),
        ECHILD,
        "WNOHANG"
    );
    assert_eq!(sys(&proc, &p, WAIT4, &[u64::MAX, 0, 0x10, 0]), EINVAL);
    assert_eq!(sys(&proc, &p, WAITID, &[0, 0, 0, 4, 0]), ECHILD);
    assert_eq!(
        sys(&proc, &p, WAITID, &[0, 0, 0, 0, 0]),
        EINVAL,
        "no wait kind"
    );
    assert_eq!(
        sys(&proc, &p, WAITID, &[9, 0, 0, 4, 0]),
        EINVAL,
        "bad idtype"
    );
    let c = p.console_text();
    assert_eq!(c.matches("wait4").count(), 1, "{c}");
    assert_eq!(c.matches("waitid").count(), 1, "{c}");
}

#[test]
fn sig_ign_discards_a_pending_signal() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 4096);
    let set = (1u64 << (SIGUSR1 - 1)) | (1u64 << (SIGCHLD - 1));
    poke(&proc, &p, m, &set.to_le_bytes());
    assert_eq!(sys(&proc, &p, RT_SIGPROCMASK, &[0, m, 0, 8]), 0);
    assert_eq!(sys(&proc, &p, TKILL, &[1, SIGUSR1]), 0);
    assert_eq!(sys(&proc, &p, RT_SIGPENDING, &[m + 8, 8]), 0);
    assert_eq!(p.peek_u64(m + 8), Some(1u64 << (SIGUSR1 - 1)));
    // struct sigaction { handler = SIG_IGN (1), flags, restorer, mask }.
    let mut act = [0u8; 32];
    act[..8].copy_from_slice(&1u64.to_le_bytes());
    poke(&proc, &p, m + 64, &act);
    assert_eq!(sys(&proc, &p, RT_SIGACTION, &[SIGUSR1, m + 64, 0, 8]), 0);
    assert_eq!(sys(&proc, &p, RT_SIGPENDING, &[m + 8, 8]), 0);
    assert_eq!(p.peek_u64(m + 8), Some(0), "discarded when set to SIG_IGN");
}

#[test]
fn writable_mapping_larger_than_free_memory_is_enomem() {
    let (proc, p, _) = loaded(false);
    p.free.set(Some(32 << 20));
    // mmap(NULL, 64 MiB, RW, MAP_PRIVATE|MAP_ANONYMOUS)
    assert_eq!(sys(&proc, &p, 9, &[0, 64 << 20, 3, 0x22, u64::MAX, 0]), -12);
    // PROT_NONE reservations (no commitment) and smaller ones still work.
    assert!(sys(&proc, &p, 9, &[0, 64 << 20, 0, 0x22, u64::MAX, 0]) > 0);
    assert!(sys(&proc, &p, 9, &[0, 16 << 20, 3, 0x22, u64::MAX, 0]) > 0);
}
