//! The end-to-end network tests: programs of `tests/e2e/` built with
//! `rumprun-cc`, booted with `rumprun run` on QEMU user networking (or a
//! tap device in a namespace this test creates) and driven from the host
//! across the virtual NIC. Neighbours: [`guest`] (processes and consoles),
//! [`traffic`] (TCP/UDP clients, byte patterns), [`http`] (host file
//! server), [`netns`] (the tap tests' namespace), [`tap`] (the tap tests,
//! checksum offload on and off), [`bench`](mod@bench) (`--bench`: TCP
//! throughput against the host and with offload on and off, idle CPU, for
//! `make bench`).
//!
//! Usage: `e2e [--native] [--timeout SECS] [--list] [FILTER...]`, or
//! `e2e --bench [--report FILE]`. Prints `PASS name (figures)`,
//! `FAIL name: reason` or `SKIP name: reason` per test, then `N passed, M
//! failed`; exits 1 if any failed, 2 when it cannot run at all.
#![forbid(unsafe_code)]

#[path = "../exec.rs"]
#[allow(dead_code)]
mod exec;
#[path = "../tools.rs"]
mod tools;

mod bench;
mod guest;
mod http;
mod netns;
mod tap;
mod traffic;

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use exec::{Ending, Output};
use guest::Guest;

/// Default limit for a unikernel to boot and print its ready line, seconds (TCG).
const BOOT_SECS: u64 = 120;
/// Total TCP bytes of the many-connections test.
const TCP_TOTAL: u64 = 256 * 1024 * 1024;
/// Concurrent connections of the many-connections test.
const TCP_CONNS: usize = 200;
/// Datagrams of the UDP test.
const UDP_COUNT: usize = 10_000;
/// Size of the file the guest fetches.
const HTTP_FILE: usize = 4 * 1024 * 1024;
/// The guest's address and gateway under QEMU user networking (slirp).
const SLIRP_GUEST: &str = "10.0.2.15";
const SLIRP_HOST: &str = "10.0.2.2";
const SLIRP_DNS: &str = "10.0.2.3";

const USAGE: &str = "\
usage: e2e [OPTIONS] [FILTER...]
       e2e --bench [--report FILE]

Builds tests/e2e/*.c with rumprun-cc, boots them with rumprun run and drives
them from the host across the virtual NIC: TCP echo (200 connections,
256 MiB, every byte checked), UDP echo (10,000 datagrams, losses counted),
an HTTP fetch by a client in the guest, DHCP and static configuration, and
a tap device in a network namespace created for the test (checksum offload
in use, --no-offload, the host's tx checksumming off).

options:
  --native        run the programs on the host instead (validates them and
                  the driver; the configuration and tap tests are skipped)
  --timeout SECS  limit for one boot to print its ready line (default 120)
  --list          print the tests, run nothing
  --bench         TCP throughput (unikernel over -p vs host loopback; on a
                  tap device with checksum offload vs --no-offload) and
                  idle CPU of a listening unikernel; writes a report
  --report FILE   where --bench writes (default benches/reports/DATE-net.md)
  -h, --help      print this help

environment: RUMPRUN_CC, RUMPRUN (tool paths), RUMPRUN_KERNEL, CARGO_TARGET_DIR";

/// The command line.
#[derive(Debug, Default)]
struct Options {
    native: bool,
    list: bool,
    bench: bool,
    report: Option<PathBuf>,
    boot_secs: Option<u64>,
    filters: Vec<String>,
    /// Hidden helper for the tap test: `--client-tcp ADDR CONNS BYTES`.
    client: Option<(SocketAddr, usize, u64)>,
}

fn parse_options(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        match a.as_str() {
            "--native" => o.native = true,
            "--list" => o.list = true,
            "--bench" => o.bench = true,
            "--report" => o.report = Some(PathBuf::from(value("--report")?)),
            "--timeout" => {
                o.boot_secs = Some(
                    value("--timeout")?
                        .parse()
                        .map_err(|_| "--timeout needs seconds".to_owned())?,
                );
            }
            "--client-tcp" => {
                let addr = value("--client-tcp")?
                    .parse()
                    .map_err(|_| "--client-tcp needs ADDR:PORT".to_owned())?;
                let conns = value("--client-tcp")?
                    .parse()
                    .map_err(|_| "--client-tcp needs a connection count".to_owned())?;
                let bytes = value("--client-tcp")?
                    .parse()
                    .map_err(|_| "--client-tcp needs a byte count".to_owned())?;
                o.client = Some((addr, conns, bytes));
            }
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => o.filters.push(s.to_owned()),
        }
    }
    Ok(o)
}

/// Built programs and how to start them.
pub struct Env {
    native: bool,
    rumprun: Option<PathBuf>,
    out: PathBuf,
    boot: Duration,
    /// Native binaries by program name.
    bins: Vec<(String, PathBuf)>,
    /// Baked images by program name (unikernel mode).
    imgs: Vec<(String, PathBuf)>,
}

impl Env {
    fn bin(&self, name: &str) -> Result<&Path, String> {
        self.bins
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.as_path())
            .ok_or_else(|| format!("program {name} was not built"))
    }

    fn img(&self, name: &str) -> Result<&Path, String> {
        self.imgs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.as_path())
            .ok_or_else(|| format!("image {name} was not baked"))
    }

    /// Returns `rumprun run IMG --timeout T -m 512M` plus `extra`, for the
    /// test's limit `secs` (the launcher stops the VM then). 512M gives the
    /// kernel its largest heap (free/8, at most 64 MiB): 200 TCP
    /// connections hold 200 pairs of smoltcp buffers.
    fn run_cmd(&self, img: &str, secs: u64, extra: &[String]) -> Result<Command, String> {
        let rumprun = self.rumprun.as_ref().ok_or("no rumprun binary")?;
        let mut c = Command::new(rumprun);
        c.arg("run")
            .arg(self.img(img)?)
            .args(["--timeout", &secs.to_string(), "-m", "512M"])
            .args(extra);
        Ok(c)
    }

    /// Starts the echo server (unikernel with `-p HOST:7` for TCP and UDP,
    /// or natively on a free port) and waits for its ready line; returns it
    /// and the host address that reaches it.
    fn start_echo(&self, tag: &str, secs: u64) -> Result<(Guest, SocketAddr), String> {
        let console = self.out.join(format!("{tag}.console"));
        let mut last = String::new();
        // A port picked free can be taken before QEMU binds it: try again once.
        for _ in 0..2 {
            let port = traffic::free_port()?;
            let cmd = if self.native {
                let mut c = Command::new(self.bin("echo_server")?);
                c.arg(port.to_string());
                c
            } else {
                self.run_cmd(
                    "echo_server",
                    secs,
                    &[
                        "-p".into(),
                        format!("{port}:7"),
                        "-p".into(),
                        format!("{port}:7/udp"),
                    ],
                )?
            };
            let mut g = Guest::start(cmd, &console, "echo server")?;
            match g.wait_for("echo_server: ready", self.boot) {
                Ok(_) => return Ok((g, SocketAddr::from(([127, 0, 0, 1], port)))),
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

/// Returns the console line the inet layer prints once the interface is
/// up, e.g. `rumprun: eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3`.
fn net_line(console: &str) -> Option<&str> {
    console.lines().find(|l| l.starts_with("rumprun: eth0 "))
}

/// Checks that the console's interface line starts with `want`.
fn check_net_line(console: &str, want: &str) -> Result<String, String> {
    match net_line(console) {
        Some(l) if l.starts_with(want) => Ok(l.trim_start_matches("rumprun: ").to_owned()),
        Some(l) => Err(format!(
            "console says '{l}', expected it to start with '{want}'"
        )),
        None => Err(format!(
            "no 'rumprun: eth0 ...' line on the console (expected '{want}...')"
        )),
    }
}

/// Test (a) and (b): one echo server boot, TCP then UDP.
fn echo_tests(env: &Env, run: &mut Runner) {
    let want_tcp = run.selected("tcp_echo_200_connections_256mib");
    let want_udp = run.selected("udp_echo_10000_datagrams");
    if !want_tcp && !want_udp {
        return;
    }
    let started = env.start_echo("echo", 1800);
    let (mut g, addr) = match started {
        Ok(x) => x,
        Err(e) => {
            for (w, n) in [
                (want_tcp, "tcp_echo_200_connections_256mib"),
                (want_udp, "udp_echo_10000_datagrams"),
            ] {
                if w {
                    run.report(n, Err(e.clone()));
                }
            }
            return;
        }
    };
    if want_tcp {
        let r = traffic::tcp_echo(addr, TCP_CONNS, TCP_TOTAL, 0x5eed, Duration::from_secs(300))
            .map(|r| {
                format!(
                    "{} connections open at once, {} MiB each way in {:.1} s, {:.1} MiB/s, every byte checked; {} connects retried (reset by the forwarded port before any data)",
                    r.conns,
                    r.bytes >> 20,
                    r.elapsed.as_secs_f64(),
                    r.mib_per_s(),
                    r.connect_retries
                )
            })
            .map_err(|e| format!("{e}{}", g.tail()));
        run.report("tcp_echo_200_connections_256mib", r);
    }
    if want_udp {
        let t = Instant::now();
        let r = traffic::udp_echo(addr, UDP_COUNT, 0xd6, 64, Duration::from_millis(500), 6)
            .and_then(|u| {
                let text = format!(
                    "{} datagrams in {:.1} s: {} lost on the first try, {} resent, {} never echoed",
                    u.count,
                    t.elapsed().as_secs_f64(),
                    u.lost_first_try,
                    u.resent,
                    u.lost
                );
                if u.lost == 0 {
                    Ok(text)
                } else {
                    Err(text)
                }
            });
        run.report("udp_echo_10000_datagrams", r);
    }
    g.stop();
}

/// Runs `wget` on `url` (in the unikernel with `extra` launcher flags, or
/// natively) and returns its console once it exited with status 0.
fn run_wget(env: &Env, tag: &str, url: &str, extra: &[String]) -> Result<String, String> {
    let console = env.out.join(format!("{tag}.console"));
    let cmd = if env.native {
        let mut c = Command::new(env.bin("wget")?);
        c.arg(url);
        c
    } else {
        let mut c = env.run_cmd("wget", env.boot.as_secs() + 120, extra)?;
        c.arg("--").arg(url);
        c
    };
    let mut g = Guest::start(cmd, &console, "wget")?;
    let status = g.wait_exit(env.boot + Duration::from_secs(150))?;
    let text = g.console();
    if status != 0 {
        return Err(format!("wget exited with status {status}{}", g.tail()));
    }
    Ok(text)
}

/// Test (c) and (d): fetches from the host's file server with DHCP, then
/// with two static configurations, checking the console's interface line
/// (and, for the q35 boot with `--debug`, that the kernel found no checksum
/// offload: slirp has no vnet header).
fn fetch_tests(env: &Env, run: &mut Runner) {
    let names = [
        "wget_in_guest_fetches_host_file_dhcp",
        "static_ip_10_0_2_15_console_line_and_fetch",
        "static_ip_10_0_2_99_q35_console_line_and_fetch",
    ];
    if !names.iter().any(|n| run.selected(n)) {
        return;
    }
    let srv = match http::FileServer::start(HTTP_FILE, 0x77) {
        Ok(s) => s,
        Err(e) => {
            for n in names {
                run.report(n, Err(e.clone()));
            }
            return;
        }
    };
    let host = if env.native { "127.0.0.1" } else { SLIRP_HOST };
    let url = format!("http://{host}:{}{}", srv.addr.port(), srv.path);
    let configs: [(&str, Vec<String>, String); 3] = [
        (
            // The DHCP line may carry a SLAAC address before `dns` (when the
            // router advertisement came first): `dns` is checked below.
            names[0],
            vec![],
            format!("eth0 {SLIRP_GUEST}/24 gw {SLIRP_HOST}"),
        ),
        (
            names[1],
            vec![
                "--ip".into(),
                format!("{SLIRP_GUEST}/24"),
                "--gw".into(),
                SLIRP_HOST.into(),
            ],
            format!("eth0 {SLIRP_GUEST}/24 gw {SLIRP_HOST}"),
        ),
        (
            names[2],
            // q35 here: the NIC on virtio-pci (the other tests boot microvm,
            // virtio-mmio); --debug for the kernel's NIC line: slirp offers
            // no checksum offload.
            vec![
                "--ip".into(),
                "10.0.2.99/24".into(),
                "--gw".into(),
                SLIRP_HOST.into(),
                "--machine".into(),
                "q35".into(),
                "--debug".into(),
            ],
            format!("eth0 10.0.2.99/24 gw {SLIRP_HOST}"),
        ),
    ];
    for (i, (name, extra, line)) in configs.iter().enumerate() {
        if !run.selected(name) {
            continue;
        }
        if env.native && i > 0 {
            run.skip(name, "configuration flags need the unikernel");
            continue;
        }
        let before = srv.served();
        let r = run_wget(env, name, &url, extra).and_then(|console| {
            let want = srv.expected_line();
            if !console.lines().any(|l| l == want) {
                return Err(format!(
                    "no '{want}' on the console:\n{}",
                    console
                        .lines()
                        .filter(|l| l.starts_with("wget"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
            if srv.served() <= before {
                return Err("the host server answered no request".into());
            }
            let mut detail = format!("{} bytes, fnv1a64 matches", srv.len);
            if !env.native {
                let got = check_net_line(&console, &format!("rumprun: {line}"))?;
                detail.push_str(&format!("; console: {got}"));
                if i == 2 {
                    detail.push_str(&format!("; {}", tap::check_offload(&console, "none")?));
                }
                if i == 0 && !got.ends_with(&format!(" dns {SLIRP_DNS}")) {
                    return Err(format!(
                        "the DHCP console line '{got}' lacks 'dns {SLIRP_DNS}'"
                    ));
                }
                if i == 0
                    && !console
                        .lines()
                        .any(|l| l == format!("wget: nameserver {SLIRP_DNS}"))
                {
                    return Err(format!(
                        "/etc/resolv.conf lacks 'nameserver {SLIRP_DNS}' under DHCP"
                    ));
                }
            }
            Ok(detail)
        });
        run.report(name, r);
    }
}

/// Test selection and result counting.
struct Runner {
    filters: Vec<String>,
    list: bool,
    passed: usize,
    failed: usize,
}

impl Runner {
    fn selected(&self, name: &str) -> bool {
        let yes = self.filters.is_empty() || self.filters.iter().any(|f| name.contains(f.as_str()));
        if yes && self.list {
            println!("{name}");
            return false;
        }
        yes
    }

    fn report(&mut self, name: &str, r: Result<String, String>) {
        match r {
            Ok(detail) => {
                self.passed += 1;
                println!("PASS {name} ({detail})");
            }
            Err(why) => {
                self.failed += 1;
                println!("FAIL {name}: {why}");
            }
        }
    }

    fn skip(&mut self, name: &str, why: &str) {
        println!("SKIP {name}: {why}");
    }
}

/// Compiles tests/e2e/*.c with rumprun-cc and, for the unikernel, bakes
/// each with this tree's kernel.
fn build(workspace: &Path, native: bool, out: &Path) -> Result<Env, String> {
    let target = tools::target_dir(workspace);
    let cc = tools::find_tool("rumprun-cc", "RUMPRUN_CC", &target)?;
    let rumprun = if native {
        None
    } else {
        Some(tools::find_tool("rumprun", "RUMPRUN", &target)?)
    };
    let kernel = tools::tree_kernel(&target);
    fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let mut env = Env {
        native,
        rumprun,
        out: out.to_path_buf(),
        boot: Duration::from_secs(BOOT_SECS),
        bins: Vec::new(),
        imgs: Vec::new(),
    };
    for name in ["echo_server", "wget"] {
        let src = workspace.join("tests/e2e").join(format!("{name}.c"));
        let bin = out.join(name);
        let log = out.join(format!("{name}.build.log"));
        let mut c = Command::new(&cc);
        c.args(["-O2", "-Wall", "-Wextra", "-o"])
            .arg(&bin)
            .arg(&src);
        match exec::run_with_limit(c, Output::Merged(&log), Duration::from_secs(120))? {
            Ending::Status(0) => {}
            e => {
                return Err(format!(
                    "building {name} failed ({e}): {}",
                    fs::read_to_string(&log).unwrap_or_default()
                ))
            }
        }
        env.bins.push((name.to_owned(), bin.clone()));
        if let Some(r) = &env.rumprun {
            let img = out.join(format!("{name}.img"));
            let mut b = Command::new(r);
            b.arg("bake").arg(&bin).arg("-o").arg(&img);
            if let Some(k) = &kernel {
                b.arg("--kernel").arg(k);
            }
            let blog = out.join(format!("{name}.bake.log"));
            match exec::run_with_limit(b, Output::Merged(&blog), Duration::from_secs(120))? {
                Ending::Status(0) => {}
                e => {
                    return Err(format!(
                        "rumprun bake {name} failed ({e}): {}",
                        fs::read_to_string(&blog).unwrap_or_default()
                    ))
                }
            }
            env.imgs.push((name.to_owned(), img));
        }
    }
    Ok(env)
}

fn main() -> ExitCode {
    let opts = match parse_options(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("e2e: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some((addr, conns, bytes)) = opts.client {
        return match traffic::tcp_echo(addr, conns, bytes, 0x7a9, Duration::from_secs(120)) {
            Ok(r) => {
                // tap::client_secs reads the seconds back (the bench).
                println!(
                    "{} connections moved {} MiB each way in {:.2} s, {:.1} MiB/s, every byte checked",
                    r.conns,
                    r.bytes >> 20,
                    r.elapsed.as_secs_f64(),
                    r.mib_per_s()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                println!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let workspace = tools::workspace_root();
    let target = tools::target_dir(&workspace);
    if opts.bench {
        return match bench::run(&workspace, &target, opts.report.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("e2e --bench: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut run = Runner {
        filters: opts.filters.clone(),
        list: opts.list,
        passed: 0,
        failed: 0,
    };
    let side = if opts.native { "native" } else { "unikernel" };
    let env = if opts.list {
        None
    } else {
        match build(&workspace, opts.native, &target.join("e2e").join(side)) {
            Ok(mut e) => {
                if let Some(s) = opts.boot_secs {
                    e.boot = Duration::from_secs(s);
                }
                Some(e)
            }
            Err(e) => {
                eprintln!("e2e: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let env = env.unwrap_or(Env {
        native: opts.native,
        rumprun: None,
        out: PathBuf::new(),
        boot: Duration::ZERO,
        bins: Vec::new(),
        imgs: Vec::new(),
    });
    echo_tests(&env, &mut run);
    fetch_tests(&env, &mut run);
    tap::tap_tests(&env, &mut run);
    if opts.list {
        return ExitCode::SUCCESS;
    }
    println!("{} passed, {} failed", run.passed, run.failed);
    if run.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(args: &[&str]) -> Result<Options, String> {
        parse_options(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn options_parse() {
        let o = opts(&["--native", "--timeout", "30", "udp"]).expect("valid");
        assert!(o.native);
        assert_eq!(o.boot_secs, Some(30));
        assert_eq!(o.filters, ["udp"]);
        let o = opts(&["--client-tcp", "192.168.77.2:7", "8", "1000"]).expect("valid");
        assert_eq!(
            o.client,
            Some(("192.168.77.2:7".parse().expect("addr"), 8, 1000))
        );
        assert!(opts(&["--client-tcp", "nope", "1", "2"]).is_err());
        assert!(opts(&["--bogus"]).is_err());
        assert!(opts(&["--bench", "--report"]).is_err());
    }

    #[test]
    fn interface_line_is_found_and_compared() {
        let c = "rumprun: booting\nrumprun: eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3\nhello\n";
        assert_eq!(
            check_net_line(c, "rumprun: eth0 10.0.2.15/24 gw 10.0.2.2"),
            Ok("eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3".to_owned())
        );
        assert!(check_net_line(c, "rumprun: eth0 10.0.2.99/24").is_err());
        assert!(check_net_line("hello\n", "rumprun: eth0").is_err());
    }
}
