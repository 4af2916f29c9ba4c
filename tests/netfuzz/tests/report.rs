//! The driver's failure report: a panic during an iteration must print
//! the seed, the iteration, a replay command and every frame in hex (the
//! panic is injected with NETFUZZ_PANIC_AT), and a short clean run says so.

use std::process::Command;

#[test]
fn panic_report_names_seed_iteration_and_frames() {
    let out = Command::new(env!("CARGO_BIN_EXE_netfuzz"))
        .args(["--seed", "0x1234", "--seconds", "30"])
        .env("NETFUZZ_PANIC_AT", "3")
        .output()
        .expect("run netfuzz");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("PANIC at seed 0x1234 iteration 3"), "{err}");
    assert!(
        err.contains("replay with: netfuzz --seed 0x1234 --iteration 3"),
        "{err}"
    );
    assert!(err.contains("frame 0 ("), "{err}");
}

#[test]
fn short_run_reports_iterations() {
    let out = Command::new(env!("CARGO_BIN_EXE_netfuzz"))
        .args(["--seed", "7", "--iterations", "50"])
        .output()
        .expect("run netfuzz");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("netfuzz: 50 iterations"), "{text}");
}
