//! The conformance harness: builds each C program of `tests/conformance/`
//! with `rumprun-cc`, runs it on Linux and in the unikernel (`rumprun bake`
//! then `rumprun run`), and compares output and exit status. Neighbours:
//! [`case`] (programs and their headers), [`exec`] (child processes),
//! [`compare`] (console filtering, diffs), [`tools`] (finding binaries).
//!
//! Usage: `conformance [--native-only] [--dir DIR] [--jobs N] [--timeout SECS]
//! [--list] [FILTER...]`. Prints `PASS name`, `XFAIL name: reason` or
//! `FAIL name: reason` per case, then `N passed, M failed`; exits 1 if any
//! failed, 2 when it cannot run at all.
#![forbid(unsafe_code)]

mod case;
mod compare;
mod exec;
mod tools;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use case::Case;
use exec::{Ending, Output};

/// Default time limit of a native run, seconds.
const NATIVE_TIMEOUT_SECS: u64 = 10;
/// Default time limit of a unikernel run (boot included, under TCG), seconds.
const UNIKERNEL_TIMEOUT_SECS: u64 = 120;
/// Most diff lines shown per failing case.
const MAX_DIFF_LINES: usize = 40;

const USAGE: &str = "\
usage: conformance [OPTIONS] [FILTER...]

Builds tests/conformance/*.c with rumprun-cc, runs each on Linux and in the
unikernel, and compares output and exit status. FILTERs select the cases
whose name contains one of them.

options:
  --native-only   run on Linux only (validates the programs themselves)
  --dir DIR       directory of programs (default: tests/conformance)
  --jobs N        cases run at once (default 2: the unikernel side uses TCG)
  --timeout SECS  time limit of one unikernel run (default 120)
  --list          print the cases and their headers, run nothing
  -h, --help      print this help

environment: RUMPRUN_CC, RUMPRUN (tool paths), RUMPRUN_KERNEL, CARGO_TARGET_DIR";

/// The command line.
struct Options {
    native_only: bool,
    dir: Option<PathBuf>,
    jobs: usize,
    timeout_secs: u64,
    list: bool,
    filters: Vec<String>,
}

fn parse_options(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        native_only: false,
        dir: None,
        jobs: 2,
        timeout_secs: UNIKERNEL_TIMEOUT_SECS,
        list: false,
        filters: Vec::new(),
    };
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        match a.as_str() {
            "--native-only" => o.native_only = true,
            "--list" => o.list = true,
            "--dir" => o.dir = Some(PathBuf::from(value("--dir")?)),
            "--jobs" => {
                o.jobs = value("--jobs")?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--jobs needs a positive number")?;
            }
            "--timeout" => {
                o.timeout_secs = value("--timeout")?
                    .parse()
                    .map_err(|_| "--timeout needs seconds".to_owned())?;
            }
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => o.filters.push(s.to_owned()),
        }
    }
    Ok(o)
}

/// Everything a case run needs besides the case.
struct Setup {
    cc: PathBuf,
    rumprun: Option<PathBuf>,
    kernel: Option<PathBuf>,
    out_root: PathBuf,
    native_only: bool,
    timeout_secs: u64,
    known: BTreeMap<String, String>,
}

/// A case's outcome.
enum Verdict {
    Pass,
    /// Differs from Linux as listed in known-differences.txt (counts as passed).
    XFail(String),
    /// A reason line and detail lines.
    Fail(String, Vec<String>),
}

fn fail(reason: impl Into<String>, details: Vec<String>) -> Verdict {
    Verdict::Fail(reason.into(), details)
}

/// Returns the last `n` lines of a file, for failure reports.
fn tail(path: &Path, n: usize) -> Vec<String> {
    let text = fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(n);
    lines[from..].iter().map(|l| format!("  | {l}")).collect()
}

fn read_lossy(path: &Path) -> String {
    fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// Builds, runs natively, then (unless native-only) bakes and boots one case.
fn run_case(case: &Case, setup: &Setup) -> Verdict {
    let dir = setup.out_root.join(&case.name);
    if let Err(e) = fs::create_dir_all(&dir) {
        return fail(format!("creating {}: {e}", dir.display()), vec![]);
    }
    let spec = &case.spec;

    // Build.
    let bin = dir.join(&case.name);
    let log = dir.join("build.log");
    let mut cc = Command::new(&setup.cc);
    cc.args(["-O2", "-Wall", "-Wextra", "-o"])
        .arg(&bin)
        .arg(&case.source);
    match exec::run_with_limit(cc, Output::Merged(&log), Duration::from_secs(120)) {
        Ok(Ending::Status(0)) => {}
        Ok(e) => return fail(format!("build failed ({e})"), tail(&log, 20)),
        Err(e) => return fail(format!("build: {e}"), vec![]),
    }

    // Native run: a clean environment holding only the declared entries.
    let native_out = dir.join("native.out");
    let mut cmd = Command::new(&bin);
    cmd.args(&spec.args)
        .env_clear()
        .envs(spec.env.iter().map(|(k, v)| (k, v)));
    let limit = Duration::from_secs(spec.timeout_secs.unwrap_or(NATIVE_TIMEOUT_SECS));
    let native = match exec::run_with_limit(cmd, Output::Merged(&native_out), limit) {
        Ok(e) => e,
        Err(e) => return fail(format!("native: {e}"), vec![]),
    };
    if native != Ending::Status(spec.status) {
        return fail(
            format!("native: {native}, expected status {}", spec.status),
            tail(&native_out, 20),
        );
    }
    if setup.native_only {
        return Verdict::Pass;
    }
    let Some(rumprun) = &setup.rumprun else {
        return fail("no rumprun binary", vec![]);
    };

    // Bake.
    let img = dir.join(format!("{}.img", case.name));
    let (bake_out, bake_err) = (dir.join("bake.out"), dir.join("bake.err"));
    let mut bake = Command::new(rumprun);
    bake.arg("bake").arg(&bin).arg("-o").arg(&img);
    if let Some(k) = &setup.kernel {
        bake.arg("--kernel").arg(k);
    }
    match exec::run_with_limit(
        bake,
        Output::Split(&bake_out, &bake_err),
        Duration::from_secs(120),
    ) {
        Ok(Ending::Status(0)) => {}
        Ok(e) => return fail(format!("rumprun bake failed ({e})"), tail(&bake_err, 20)),
        Err(e) => return fail(format!("bake: {e}"), vec![]),
    }

    // Unikernel run: same arguments and environment, through the launcher.
    let (uk_out, uk_err) = (dir.join("unikernel.out"), dir.join("unikernel.err"));
    let timeout = spec.timeout_secs.unwrap_or(setup.timeout_secs);
    let mut run = Command::new(rumprun);
    // Conformance programs use loopback only (issue 4: "over loopback
    // inside each"), so no NIC: boots do not wait for DHCP.
    run.arg("run")
        .arg(&img)
        .arg("--net")
        .arg("none")
        .arg("--timeout")
        .arg(timeout.to_string());
    if let Some(m) = &spec.memory {
        run.arg("-m").arg(m);
    }
    for (k, v) in &spec.env {
        run.arg("-e").arg(format!("{k}={v}"));
    }
    if !spec.args.is_empty() {
        run.arg("--").args(&spec.args);
    }
    // The launcher has its own limit; this one only catches a hung launcher.
    let limit = Duration::from_secs(timeout + 30);
    let uk = match exec::run_with_limit(run, Output::Split(&uk_out, &uk_err), limit) {
        Ok(e) => e,
        Err(e) => return fail(format!("rumprun run: {e}"), vec![]),
    };
    let console = read_lossy(&uk_out);
    let program_out = compare::program_output_from_console(&console);
    let native_text = read_lossy(&native_out);

    let mut problems = Vec::new();
    if uk != Ending::Status(spec.status) {
        let why = match uk {
            Ending::Status(124) => " (VM stopped without a status, or the launcher's --timeout)",
            Ending::Status(125) => " (kernel failure)",
            Ending::Status(2) => " (rumprun itself failed before the VM ran)",
            Ending::TimedOut => " (launcher hung; killed)",
            _ => "",
        };
        problems.push(format!(
            "unikernel {uk}{why}, expected status {}",
            spec.status
        ));
    }
    let diff = compare::line_diff(&native_text, &program_out, MAX_DIFF_LINES);
    if native_text != program_out {
        problems.push("output differs (-native +unikernel)".to_owned());
    }
    if problems.is_empty() {
        return match setup.known.get(&case.name) {
            Some(_) => fail(
                "agrees with Linux but is listed in known-differences.txt; remove its line",
                vec![],
            ),
            None => Verdict::Pass,
        };
    }
    if let Some(reason) = setup.known.get(&case.name) {
        return Verdict::XFail(reason.clone());
    }
    let mut details: Vec<String> = diff.iter().map(|l| format!("  {l}")).collect();
    let kernel = compare::kernel_lines_from_console(&console);
    if !kernel.is_empty() {
        details.push("  kernel console lines:".to_owned());
        details.extend(
            kernel
                .iter()
                .rev()
                .take(20)
                .rev()
                .map(|l| format!("  | {l}")),
        );
    }
    let err = tail(&uk_err, 10);
    if !err.is_empty() {
        details.push("  rumprun run stderr:".to_owned());
        details.extend(err);
    }
    fail(problems.join("; "), details)
}

fn main() -> ExitCode {
    let opts = match parse_options(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("conformance: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("conformance: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the selected cases; returns whether all passed.
fn run(opts: Options) -> Result<bool, String> {
    let workspace = tools::workspace_root();
    let dir = opts
        .dir
        .clone()
        .unwrap_or_else(|| workspace.join("tests/conformance"));
    let cases = case::discover(&dir, &opts.filters)?;
    if cases.is_empty() {
        return Err(format!(
            "no cases in {} match {:?}",
            dir.display(),
            opts.filters
        ));
    }
    if opts.list {
        for c in &cases {
            println!("{} {:?}", c.name, c.spec);
        }
        return Ok(true);
    }
    let known = case::load_known_differences(&dir)?;
    let target = tools::target_dir(&workspace);
    let cc = tools::find_tool("rumprun-cc", "RUMPRUN_CC", &target)?;
    let rumprun = if opts.native_only {
        None
    } else {
        Some(tools::find_tool("rumprun", "RUMPRUN", &target)?)
    };
    let set_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let setup = Setup {
        cc,
        rumprun,
        kernel: tools::tree_kernel(&target),
        out_root: target.join("conformance").join(set_name),
        native_only: opts.native_only,
        timeout_secs: opts.timeout_secs,
        known,
    };
    let (passed, failed) = run_all(&cases, &setup, opts.jobs);
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}

/// Runs the cases on `jobs` threads, printing results in case order as they
/// become available; returns (passed, failed).
fn run_all(cases: &[Case], setup: &Setup, jobs: usize) -> (usize, usize) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Verdict)>();
    let (mut passed, mut failed) = (0, 0);
    thread::scope(|s| {
        for _ in 0..jobs.min(cases.len()) {
            let tx = tx.clone();
            let next = &next;
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                if tx.send((i, run_case(case, setup))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut shown = 0;
        for (i, verdict) in rx {
            pending.insert(i, verdict);
            while let Some(v) = pending.remove(&shown) {
                let name = &cases[shown].name;
                match v {
                    Verdict::Pass => {
                        passed += 1;
                        println!("PASS {name}");
                    }
                    Verdict::XFail(reason) => {
                        passed += 1;
                        println!("XFAIL {name}: {reason}");
                    }
                    Verdict::Fail(reason, details) => {
                        failed += 1;
                        println!("FAIL {name}: {reason}");
                        for d in details {
                            println!("{d}");
                        }
                    }
                }
                shown += 1;
            }
        }
    });
    (passed, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(args: &[&str]) -> Result<Options, String> {
        parse_options(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn options_parse() {
        let o = opts(&[
            "--native-only",
            "--dir",
            "x",
            "--jobs",
            "1",
            "malloc",
            "exit",
        ])
        .expect("valid");
        assert!(o.native_only);
        assert_eq!(o.dir, Some(PathBuf::from("x")));
        assert_eq!(o.jobs, 1);
        assert_eq!(o.filters, ["malloc", "exit"]);
        assert!(opts(&["--jobs", "0"]).is_err());
        assert!(opts(&["--bogus"]).is_err());
        assert!(opts(&["--dir"]).is_err());
    }
}
