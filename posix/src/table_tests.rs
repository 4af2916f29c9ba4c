//! The table is complete, ordered and agrees with Linux on known numbers;
//! docs/syscalls.md is generated from it and must be current.

use super::*;

#[test]
fn every_number_is_in_order_and_names_are_unique() {
    let mut names = std::collections::BTreeSet::new();
    for (i, s) in SYSCALLS.iter().enumerate() {
        assert_eq!(usize::from(s.nr), i);
        let assigned = !(336..424).contains(&i);
        assert_eq!(!s.name.is_empty(), assigned, "nr {i}");
        assert_eq!(matches!(s.status, Status::Unassigned), !assigned, "nr {i}");
        if assigned {
            assert!(names.insert(s.name), "duplicate name {}", s.name);
        }
    }
    for (nr, name) in [
        (0, "read"),
        (1, "write"),
        (9, "mmap"),
        (57, "fork"),
        (60, "exit"),
        (158, "arch_prctl"),
        (202, "futex"),
        (218, "set_tid_address"),
        (231, "exit_group"),
        (257, "openat"),
        (302, "prlimit64"),
        (318, "getrandom"),
        (334, "rseq"),
        (335, "uretprobe"),
        (424, "pidfd_send_signal"),
        (435, "clone3"),
        (439, "faccessat2"),
        (449, "futex_waitv"),
        (462, "mseal"),
    ] {
        assert_eq!(SYSCALLS[nr].name, name);
    }
    assert!(lookup(463).is_none());
    assert!(lookup(u64::MAX).is_none());
}

#[test]
fn syscalls_md_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/syscalls.md");
    let want = render_markdown();
    if std::env::var_os("UPDATE_SYSCALLS_MD").is_some() {
        std::fs::write(&path, &want).expect("write docs/syscalls.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/syscalls.md is stale: run UPDATE_SYSCALLS_MD=1 cargo test -p posix syscalls_md"
    );
}
