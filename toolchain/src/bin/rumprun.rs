//! `rumprun`: bakes a program into a bootable unikernel image and runs
//! images under QEMU. The work is in the `toolchain` library (`bake`,
//! `run`); this file is the clap front end and the one place `anyhow` is used.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use toolchain::accel::{Accel, RealHost, ACCEL_ENV};
use toolchain::args::{parse_env, parse_memory};
use toolchain::bake::{self, BakeOptions, KERNEL_ENV};
use toolchain::net::{
    parse_dns, parse_gw, parse_gw6, parse_hostname, parse_ip, parse_ip6, parse_mac, parse_mtu,
    parse_net_mode, parse_publish, Ipv4Flag, Ipv6Flag, Mac, NetFlags, NetMode, PortForward,
};
use toolchain::run::{self, Machine, RunOptions, QEMU_DEFAULT, QEMU_ENV};

/// Exit status of rumprun itself failing before a VM ran (bad arguments,
/// unreadable files); the same code clap uses for usage errors.
const STATUS_TOOL_ERROR: u8 = 2;

/// Bake POSIX programs into rumprun-rs unikernel images and run them.
#[derive(Debug, Parser)]
#[command(name = "rumprun", version)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Put kernel, program, root filesystem and defaults into one bootable ELF image.
    Bake(BakeArgs),
    /// Boot an image under QEMU and exit with the program's exit status.
    Run(RunArgs),
}

#[derive(Debug, clap::Args)]
struct BakeArgs {
    /// The program: a static-pie or static x86_64 ELF (build it with rumprun-cc).
    program: PathBuf,
    /// Where to write the bootable image.
    #[arg(short = 'o', long = "output", value_name = "IMG")]
    output: PathBuf,
    /// Host directory to bake in as the read-only root filesystem.
    #[arg(long, value_name = "DIR")]
    rootfs: Option<PathBuf>,
    /// Default environment entry KEY=VALUE (repeatable).
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    env: Vec<String>,
    /// Kernel ELF (default: $RUMPRUN_KERNEL, then the installed kernel, then the source tree's build).
    #[arg(long, value_name = "PATH")]
    kernel: Option<PathBuf>,
    /// Program name in the image, which runs as /bin/NAME (default: PROGRAM's file name).
    #[arg(long)]
    name: Option<String>,
    /// Default VM memory, e.g. 64M or 1G.
    #[arg(short = 'm', long = "memory", value_name = "MEM", default_value = "64M", value_parser = parse_memory)]
    memory: u32,
    /// Hostname the program sees (default: NAME).
    #[arg(long, value_name = "NAME", value_parser = parse_hostname)]
    hostname: Option<String>,
    #[command(flatten)]
    net: NetArgs,
    /// Default arguments given to the program (after `--`).
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// The image made by `rumprun bake`.
    image: PathBuf,
    /// Set or replace an environment entry KEY=VALUE (repeatable).
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    env: Vec<String>,
    /// VM memory, e.g. 128M (default: the size baked into the image).
    #[arg(short = 'm', long = "memory", value_name = "MEM", value_parser = parse_memory)]
    memory: Option<u32>,
    /// QEMU machine type.
    #[arg(long, value_enum, default_value_t = Machine::Microvm)]
    machine: Machine,
    /// Print every system call the program makes (strace-style) on the console.
    #[arg(long)]
    trace: bool,
    /// Print the kernel's debug lines (boot-to-main time by the TSC, free memory).
    #[arg(long)]
    debug: bool,
    /// Boot, then fault in the kernel on purpose: checks the crash report (status 125).
    #[arg(long, hide = true)]
    kernel_crash_test: bool,
    /// Print the QEMU command line instead of booting.
    #[arg(long)]
    dry_run: bool,
    /// Stop the VM after SECS seconds (exit status 124).
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    timeout: Option<Duration>,
    /// Accelerator (default: $RUMPRUN_ACCEL, else KVM where it runs ordinary guests, else TCG).
    #[arg(long, value_enum)]
    accel: Option<Accel>,
    /// NIC backend: user (QEMU user networking), tap:IFNAME (an existing tap device) or none.
    #[arg(long = "net", value_name = "user|tap:IFNAME|none", default_value = "user", value_parser = parse_net_mode)]
    net_mode: NetMode,
    /// Forward a host port to a guest port: HOST:GUEST[/tcp|/udp] or HOSTIP:HOST:GUEST[/udp] (repeatable; --net user only).
    #[arg(short = 'p', long = "publish", value_name = "HOST:GUEST", value_parser = parse_publish)]
    publish: Vec<PortForward>,
    /// Hide the NIC's checksum offload from the guest (QEMU csum=off,guest_csum=off), to debug checksum problems.
    #[arg(long)]
    no_offload: bool,
    /// The NIC's MAC address (default: random per run with --net tap, QEMU's 52:54:00:12:34:56 with --net user).
    #[arg(long, value_name = "XX:XX:XX:XX:XX:XX", value_parser = parse_mac)]
    mac: Option<Mac>,
    /// Hostname the program sees (default: the one baked into the image).
    #[arg(long, value_name = "NAME", value_parser = parse_hostname)]
    hostname: Option<String>,
    #[command(flatten)]
    net: NetArgs,
    /// Arguments replacing the image's defaults (after `--`).
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

/// The address flags `bake` and `run` share (run merges them with the
/// image's baked settings).
#[derive(Debug, clap::Args)]
struct NetArgs {
    /// Static IPv4 address A.B.C.D/N of the NIC, or `dhcp` (the default) or `off`.
    #[arg(long, value_name = "A.B.C.D/N", value_parser = parse_ip)]
    ip: Option<Ipv4Flag>,
    /// IPv4 default gateway (needs a static --ip).
    #[arg(long, value_name = "A.B.C.D", value_parser = parse_gw)]
    gw: Option<[u8; 4]>,
    /// DNS server, IPv4 or IPv6 (repeatable; replaces the list; default: what DHCP says).
    #[arg(long, value_name = "ADDR", value_parser = parse_dns)]
    dns: Vec<Vec<u8>>,
    /// Interface MTU in bytes (default: the device's, 1500).
    #[arg(long, value_name = "N", value_parser = parse_mtu)]
    mtu: Option<u16>,
    /// Static IPv6 address ADDR/N, or `slaac` (the default) or `off`.
    #[arg(long, value_name = "ADDR/N", value_parser = parse_ip6)]
    ip6: Option<Ipv6Flag>,
    /// IPv6 default gateway (needs a static --ip6).
    #[arg(long, value_name = "ADDR", value_parser = parse_gw6)]
    gw6: Option<[u8; 16]>,
}

impl From<NetArgs> for NetFlags {
    fn from(a: NetArgs) -> Self {
        NetFlags {
            ip: a.ip,
            gw: a.gw,
            dns: a.dns,
            mtu: a.mtu,
            ip6: a.ip6,
            gw6: a.gw6,
        }
    }
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(Duration::from_secs_f64(v)),
        _ => Err(format!(
            "--timeout {s:?}: expected a positive number of seconds"
        )),
    }
}

fn bake_cmd(a: BakeArgs) -> anyhow::Result<u8> {
    let exe = std::env::current_exe().ok();
    let kernel = bake::locate_kernel(
        a.kernel.as_deref(),
        std::env::var_os(KERNEL_ENV).map(PathBuf::from),
        exe.as_deref(),
    )?;
    let opts = BakeOptions {
        program: a.program,
        output: a.output,
        rootfs: a.rootfs,
        env: a.env,
        name: a.name,
        memory_mib: a.memory,
        hostname: a.hostname,
        args: a.args,
        net: a.net.into(),
    };
    bake::bake(&opts, &kernel, &mut std::io::stderr())
        .with_context(|| format!("cannot bake {}", opts.output.display()))?;
    Ok(0)
}

fn run_cmd(a: RunArgs) -> anyhow::Result<u8> {
    let opts = RunOptions {
        image: a.image,
        env: a.env,
        memory_mib: a.memory,
        machine: a.machine,
        trace: a.trace,
        debug: a.debug,
        crash_test: a.kernel_crash_test,
        dry_run: a.dry_run,
        timeout: a.timeout,
        accel: a.accel,
        args: a.args,
        net: a.net_mode,
        publish: a.publish,
        net_flags: a.net.into(),
        no_offload: a.no_offload,
        mac: a.mac,
        hostname: a.hostname,
    };
    let accel_env = std::env::var(ACCEL_ENV).ok();
    let qemu = std::env::var(QEMU_ENV).unwrap_or_else(|_| QEMU_DEFAULT.into());
    let status = run::run(
        &opts,
        &RealHost,
        accel_env.as_deref(),
        &qemu,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )?;
    Ok(status)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Bake(a) => bake_cmd(a),
        Cmd::Run(a) => run_cmd(a),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            eprintln!("rumprun: {e:#}");
            ExitCode::from(STATUS_TOOL_ERROR)
        }
    }
}
