//! End-to-end checks of the `rumprun` and `rumprun-cc` binaries' error
//! messages and probes (the logic is unit-tested in the library).

use std::process::{Command, Output};

fn rumprun(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rumprun"))
        .args(args)
        .output()
        .expect("run rumprun")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_env_entry_is_a_usage_error_with_an_example() {
    let o = rumprun(&["bake", "prog", "-o", "x.img", "-e", "NOEQUALS"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected KEY=VALUE, for example -e GREETING=hi"),
        "{}",
        stderr(&o)
    );
    let o = rumprun(&["run", "x.img", "-e", "=v"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn missing_kernel_says_make_kernel() {
    let o = Command::new(env!("CARGO_BIN_EXE_rumprun"))
        .args(["bake", "prog", "-o", "x.img"])
        .env("RUMPRUN_KERNEL", "/nonexistent/rumprun-kernel")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "rumprun: kernel /nonexistent/rumprun-kernel (from $RUMPRUN_KERNEL) does not exist; \
         build it with `make kernel` or fix the path\n"
    );
}

#[test]
fn a_program_passed_as_kernel_is_refused() {
    let dir = std::env::temp_dir().join(format!("rr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("d.c"), "int main(void){return 0;}\n").unwrap();
    let ok = Command::new("gcc")
        .arg(dir.join("d.c"))
        .arg("-o")
        .arg(dir.join("d"))
        .status()
        .unwrap();
    assert!(ok.success());
    // The kernel is checked before the program; a program is no kernel.
    // (Dynamic programs are refused in the library's bake and program tests.)
    let o = rumprun(&[
        "bake",
        dir.join("d").to_str().unwrap(),
        "-o",
        "/dev/null",
        "--kernel",
        dir.join("d").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no section .rumprun_payload"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rumprun_cc_answers_autoconf_probes() {
    let cc = env!("CARGO_BIN_EXE_rumprun-cc");
    let o = Command::new(cc).arg("-dumpmachine").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "x86_64-linux-musl\n");
    let o = Command::new(cc)
        .arg("-print-prog-name=ld")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).trim().ends_with("ld"));
    let o = Command::new(cc).arg("--version").output().unwrap();
    assert!(o.status.success());
    let o = Command::new(cc)
        .args(["-shared", "-o", "x.so", "x.o"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("-shared is not supported"));
}

#[test]
fn rumprun_cc_preprocesses_stdin_with_musl_headers() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rumprun-cc"))
        .args(["-E", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"#include <stdio.h>\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("/usr/include/x86_64-linux-musl/stdio.h"));
}

#[test]
fn bad_network_flags_are_usage_errors_naming_the_value() {
    for (args, want) in [
        (
            &["run", "x.img", "--ip", "10.0.2.15"][..],
            "--ip \"10.0.2.15\": expected A.B.C.D/N such as 10.0.2.15/24",
        ),
        (
            &["run", "x.img", "-p", "80"],
            "-p \"80\": expected HOST:GUEST",
        ),
        (
            &["run", "x.img", "--net", "bridge"],
            "expected user, tap:IFNAME or none",
        ),
        (
            &["run", "x.img", "--dns", "dns.google"],
            "--dns \"dns.google\"",
        ),
        (&["run", "x.img", "--mtu", "40"], "--mtu \"40\""),
        (&["run", "x.img", "--hostname", "a b"], "--hostname \"a b\""),
        (&["bake", "p", "-o", "x.img", "--gw6", "fd00::/64"], "--gw6"),
    ] {
        let o = rumprun(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn run_help_lists_the_network_flags() {
    let o = rumprun(&["run", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    for flag in [
        "--net",
        "--publish",
        "--ip",
        "--gw",
        "--dns",
        "--mtu",
        "--ip6",
        "--gw6",
        "--hostname",
        "--no-offload",
        "--mac",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
}
