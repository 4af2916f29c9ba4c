//! End-to-end test of the harness itself: runs the `conformance` binary on a
//! few cases with `musl-static-pie-cc` as the compiler and `fake-rumprun`
//! as the launcher (the program runs on Linux behind a fake console), so
//! args/env passing, console filtering and status checks are exercised
//! without a kernel. Skipped with a note where musl-gcc is not installed.

use std::path::Path;
use std::process::Command;

#[test]
fn harness_passes_cases_through_a_fake_launcher() {
    if !Path::new("/usr/bin/musl-gcc").exists() {
        eprintln!("skipped: /usr/bin/musl-gcc not installed (apt-get install musl-tools)");
        return;
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::temp_dir().join(format!("conformance-pipeline-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args([
            "argv_and_env",
            "exit_42",
            "null_dereference",
            "stderr_write",
        ])
        .env("RUMPRUN_CC", here.join("musl-static-pie-cc"))
        .env("RUMPRUN", here.join("fake-rumprun"))
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(here.join("../.."))
        .output()
        .expect("run the harness");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let _ = std::fs::remove_dir_all(&target);
    assert!(
        out.status.success(),
        "harness failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "PASS argv_and_env_reach_main",
            "PASS exit_42_via_exit_call",
            "PASS null_dereference_exits_139",
            "PASS stderr_write_appears",
            "4 passed, 0 failed"
        ]
    );
}
