//! `e2e --bench`: the TCP figures of the closing note, for `make
//! bench`. The same echo program (tests/e2e/echo_server.c, one binary)
//! moves 256 MiB over one connection twice: in the unikernel, reached
//! through `rumprun run -p` (QEMU user networking), and on the host over
//! loopback; the report gives both rates and their ratio. Then two
//! unikernels on tap devices ([`TapGuest`]), one with checksum offload in
//! use and one with `--no-offload`, each echo 128 MiB over one connection
//! three times (order on, off, off, on, on, off) to a client inside their
//! namespace: the ratio of the mean rates is what offload buys. Then a fresh unikernel
//! listens idle for 10 s while the CPU time of `rumprun` and its QEMU child
//! is read from /proc/PID/stat. Writes a markdown report.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::guest::{children, cpu_ticks};
use crate::tap::{client_secs, TapGuest};
use crate::traffic::{tcp_echo, TcpReport};
use crate::{build, Env};

/// Bytes each throughput run moves (each way).
const BENCH_BYTES: u64 = 256 * 1024 * 1024;
/// Bytes each tap throughput run moves (each way).
const TAP_BYTES: u64 = 128 * 1024 * 1024;
/// Length of the idle CPU sample.
const IDLE_SECS: u64 = 10;

/// Runs a command and returns its trimmed stdout ("" if it fails).
fn sh(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// Moves BENCH_BYTES through the echo server at `env`'s side.
fn throughput(env: &Env, tag: &str) -> Result<TcpReport, String> {
    let (mut g, addr) = env.start_echo(tag, 1800)?;
    // A short warm-up connection first (slirp and the guest's first connection).
    tcp_echo(addr, 1, 1 << 20, 1, Duration::from_secs(120))?;
    let r = tcp_echo(addr, 1, BENCH_BYTES, 2, Duration::from_secs(600))
        .map_err(|e| format!("{e}{}", g.tail()));
    g.stop();
    r
}

/// Figures of the tap runs with checksum offload on and off: rates
/// (MiB/s) and the CPU time of `rumprun` + QEMU per MiB echoed (ms).
#[derive(Default)]
struct TapRates {
    on: Vec<f64>,
    off: Vec<f64>,
    on_cpu: Vec<f64>,
    off_cpu: Vec<f64>,
}

/// Returns the mean of `v`.
fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Boots the echo server on two tap devices, with offload and with
/// `--no-offload` (checking the kernel's report of each), and moves
/// TAP_BYTES over one connection to each three times, in the order on,
/// off, off, on, on, off, so that a drift in the host's load (other builds
/// on the same 2 cores) touches both sides alike.
fn tap_offload(env: &Env) -> Result<TapRates, String> {
    let on = TapGuest::boot(env, "bench-on", &[])?;
    on.offload("tx rx")?;
    let off = TapGuest::boot(env, "bench-off", &["--no-offload"])?;
    off.offload("none")?;
    let limit = Duration::from_secs(900);
    let hz: f64 = sh("getconf", &["CLK_TCK"]).parse().unwrap_or(100.0);
    let mib = TAP_BYTES as f64 / (1024.0 * 1024.0);
    let mut rates = TapRates::default();
    for g in [&on, &off] {
        g.client(1, 1 << 20, limit)?; // warm-up
    }
    let order = [true, false, false, true, true, false];
    for is_on in order {
        let g = if is_on { &on } else { &off };
        let t0 = g.cpu_ticks();
        let line = g.client(1, TAP_BYTES, limit)?;
        let cpu = g.cpu_ticks().saturating_sub(t0) as f64 / hz * 1000.0 / mib;
        let secs = client_secs(&line).ok_or_else(|| format!("no seconds in '{line}'"))?;
        let rate = mib / secs.max(1e-9);
        eprintln!(
            "bench:   {}: {rate:.1} MiB/s, {cpu:.0} ms CPU per MiB",
            if is_on { "offload on" } else { "--no-offload" }
        );
        let (r, c) = if is_on {
            (&mut rates.on, &mut rates.on_cpu)
        } else {
            (&mut rates.off, &mut rates.off_cpu)
        };
        r.push(rate);
        c.push(cpu);
    }
    Ok(rates)
}

/// Boots a listening unikernel and returns the CPU percentage (of one
/// core) that `rumprun` and QEMU used over IDLE_SECS once it was ready.
fn idle_cpu(env: &Env) -> Result<(f64, String), String> {
    let (mut g, _addr) = env.start_echo("idle", 600)?;
    thread::sleep(Duration::from_secs(3)); // let DHCP renewals and boot work settle
    let pids = || {
        let mut v = vec![g.pid()];
        v.extend(children(g.pid()));
        v
    };
    let ticks = |pids: &[u32]| pids.iter().filter_map(|p| cpu_ticks(*p)).sum::<u64>();
    let who = pids();
    let t0 = Instant::now();
    let c0 = ticks(&who);
    thread::sleep(Duration::from_secs(IDLE_SECS));
    let c1 = ticks(&who);
    let secs = t0.elapsed().as_secs_f64();
    let hz: f64 = sh("getconf", &["CLK_TCK"]).parse().unwrap_or(100.0);
    let pct = (c1.saturating_sub(c0)) as f64 / hz / secs * 100.0;
    let detail = format!(
        "{} ticks of {hz} Hz over {secs:.1} s, pids {:?} (rumprun, QEMU)",
        c1.saturating_sub(c0),
        who
    );
    g.stop();
    Ok((pct, detail))
}

/// Returns benches/reports/DATE-net.md, or -net-2, -net-3... if taken.
fn report_path(workspace: &Path) -> PathBuf {
    let date = sh("date", &["-u", "+%Y-%m-%d"]);
    let dir = workspace.join("benches/reports");
    let mut p = dir.join(format!("{date}-net.md"));
    let mut n = 2;
    while p.exists() {
        p = dir.join(format!("{date}-net-{n}.md"));
        n += 1;
    }
    p
}

/// Runs the benchmark and writes the report (to `report` or the default path).
///
/// # Errors
/// Returns a message when the programs cannot be built or a side fails.
pub fn run(workspace: &Path, target: &Path, report: Option<&Path>) -> Result<(), String> {
    let out = target.join("e2e").join("bench");
    let uk = build(workspace, false, &out.join("unikernel"))?;
    let native = build(workspace, true, &out.join("native"))?;
    eprintln!("bench: host loopback, 256 MiB ...");
    let host = throughput(&native, "host");
    eprintln!("bench: unikernel over -p, 256 MiB ...");
    let guest = throughput(&uk, "unikernel");
    eprintln!("bench: tap, checksum offload on vs --no-offload, 6 x 128 MiB ...");
    let tap = tap_offload(&uk);
    eprintln!("bench: idle unikernel, {IDLE_SECS} s ...");
    let idle = idle_cpu(&uk);
    let cell = |r: &Result<TcpReport, String>| match r {
        Ok(r) => format!(
            "{:.1} MiB/s ({:.1} s)",
            r.mib_per_s(),
            r.elapsed.as_secs_f64()
        ),
        Err(e) => format!("failed ({})", e.lines().next().unwrap_or("")),
    };
    let ratio = match (&guest, &host) {
        (Ok(g), Ok(h)) => format!("{:.4}", g.mib_per_s() / h.mib_per_s()),
        _ => "n/a".into(),
    };
    let each = |v: &[f64], unit: &str, prec: usize| {
        let each: Vec<String> = v.iter().map(|r| format!("{r:.prec$}")).collect();
        format!("{} {unit} (mean {:.prec$})", each.join(", "), mean(v))
    };
    let tap_rows = match &tap {
        Ok(t) => format!(
            "| TCP echo rate | {} | {} | {:.3} |\n\
             | CPU of rumprun + QEMU per MiB echoed | {} | {} | {:.3} |",
            each(&t.on, "MiB/s", 1),
            each(&t.off, "MiB/s", 1),
            mean(&t.on) / mean(&t.off),
            each(&t.on_cpu, "ms", 0),
            each(&t.off_cpu, "ms", 0),
            mean(&t.on_cpu) / mean(&t.off_cpu),
        ),
        Err(e) => format!(
            "| TCP echo rate | failed ({}) | | n/a |",
            e.lines().next().unwrap_or("")
        ),
    };
    let idle_cell = match &idle {
        Ok((pct, d)) => format!("{pct:.2} % of one core ({d})"),
        Err(e) => format!("failed ({})", e.lines().next().unwrap_or("")),
    };
    let text = format!(
        "# Network benchmark {date}\n\n\
         Host: {cpus} CPUs, load average {load}; QEMU TCG ({qemu}).\n\
         `e2e --bench` (tests/harness/src/e2e/bench.rs): tests/e2e/echo_server.c, one\n\
         binary, echoes 256 MiB over one TCP connection from the host client\n\
         (every byte checked). Unikernel: `rumprun run -p PORT:7` (QEMU user\n\
         networking, slirp). Host: the same binary on the host, over loopback.\n\n\
         | measure | unikernel | host | ratio (unikernel / host) |\n\
         | --- | --- | --- | --- |\n\
         | TCP echo, 256 MiB each way | {g} | {h} | {ratio} |\n\n\
         Checksum offload: the same binary on a tap device in a network\n\
         namespace (`--net tap:rrtap0`, static address, the client inside the\n\
         namespace), one connection echoing 128 MiB each way (every byte\n\
         checked), three runs per side in the order on, off, off, on, on, off.\n\
         Offload on: the kernel reports `checksum offload: tx rx` (VIRTIO_NET_F_CSUM and\n\
         GUEST_CSUM negotiated); `--no-offload` (csum=off,guest_csum=off):\n\
         `checksum offload: none`, the guest computes and checks every checksum.\n\n\
         CPU: utime+stime of `rumprun` and QEMU (/proc/PID/stat) over each run.\n\n\
         | measure | offload on | --no-offload | ratio (on / off) |\n\
         | --- | --- | --- | --- |\n\
         {tap_rows}\n\n\
         Idle host CPU of a listening unikernel (echo server ready, then\n\
         {IDLE_SECS} s of nothing; utime+stime of `rumprun` and QEMU from\n\
         /proc/PID/stat): {idle_cell}.\n\n\
         Under TCG the unikernel side measures QEMU's instruction translation\n\
         and slirp as much as our stack; compare ratios within one report.\n",
        date = sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        cpus = sh("nproc", &[]),
        load = fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        qemu = sh("qemu-system-x86_64", &["--version"])
            .lines()
            .next()
            .unwrap_or("?")
            .to_owned(),
        g = cell(&guest),
        h = cell(&host),
    );
    let path = report.map_or_else(|| report_path(workspace), Path::to_path_buf);
    fs::write(&path, &text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!("{text}\nreport: {}", path.display());
    match (host, guest, tap, idle) {
        (Ok(_), Ok(_), Ok(_), Ok(_)) => Ok(()),
        _ => Err("a measurement failed (see the report)".into()),
    }
}
