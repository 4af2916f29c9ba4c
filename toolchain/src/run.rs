//! `rumprun run`: boots a baked image under QEMU and returns the program's
//! exit status (`rumprun_config::exit`). [`qemu_command`] builds the exact
//! command line (what `--dry-run` prints and tests assert on); [`run`] reads
//! the image's defaults, merges the network flags (`net`), picks the
//! accelerator (`accel`), checks host ports and tap devices, starts QEMU,
//! and turns the debugcon status line into the exit status.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rumprun_config::cmdline::{self, Overrides};
use rumprun_config::exit::{parse_status, DEBUGCON_PORT, DEBUG_EXIT_PORT, STATUS_NO_REPORT};
use rumprun_config::image::{parse_payload, ImageConfig, ImageError};

use crate::accel::{self, Accel, BadAccelEnv, HostProbe};
use crate::bake::{check_memory, BakeError};
use crate::elf::{find_payload_with_end, ImageReadError};
use crate::net::{self, NetArgError, NetFlags, NetMode, PortForward};

/// Environment variable naming the QEMU binary (default `qemu-system-x86_64`).
pub const QEMU_ENV: &str = "RUMPRUN_QEMU";
/// The QEMU binary used when [`QEMU_ENV`] is unset.
pub const QEMU_DEFAULT: &str = "qemu-system-x86_64";

/// QEMU machine type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Machine {
    /// Minimal virtio-mmio machine, fastest to boot.
    #[default]
    Microvm,
    /// PC with PCIe (virtio-pci devices).
    Q35,
}

/// Everything `rumprun run` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunOptions {
    /// The baked image.
    pub image: PathBuf,
    /// Environment overrides, `KEY=VALUE` each (already validated).
    pub env: Vec<String>,
    /// Memory in MiB; `None` uses the image's default.
    pub memory_mib: Option<u32>,
    /// Machine type.
    pub machine: Machine,
    /// Print every system call.
    pub trace: bool,
    /// Print the kernel's debug lines.
    pub debug: bool,
    /// Make the kernel fault on purpose after boot.
    pub crash_test: bool,
    /// Print the command instead of running it.
    pub dry_run: bool,
    /// Stop the VM after this long.
    pub timeout: Option<Duration>,
    /// Accelerator requested with `--accel`.
    pub accel: Option<Accel>,
    /// Replacement arguments; empty keeps the image's defaults.
    pub args: Vec<String>,
    /// Where the NIC is connected (`--net`).
    pub net: NetMode,
    /// Host ports forwarded to the guest (`-p`).
    pub publish: Vec<PortForward>,
    /// Address flags merged into the image's network settings.
    pub net_flags: NetFlags,
    /// Hide the NIC's checksum offload from the guest (`--no-offload`).
    pub no_offload: bool,
    /// The NIC's MAC address (`--mac`); without it a tap NIC gets a
    /// random one per run ([`net::Mac::random`]) and a user-network NIC
    /// QEMU's default.
    pub mac: Option<net::Mac>,
    /// Replacement hostname.
    pub hostname: Option<String>,
}

/// Why an image could not be run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The image file could not be read.
    #[error("cannot read image {path}: {source}")]
    Read {
        /// The image path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not a baked image.
    #[error("{path}: {source}")]
    NotImage {
        /// The image path.
        path: PathBuf,
        /// What is wrong.
        source: ImageReadError,
    },
    /// The payload is corrupt or from another version.
    #[error("{path}: {reason}; re-bake it with `rumprun bake`")]
    BadPayload {
        /// The image path.
        path: PathBuf,
        /// What is wrong.
        reason: ImageError,
    },
    /// The memory size cannot hold the image.
    #[error(transparent)]
    Memory(#[from] BakeError),
    /// `$RUMPRUN_ACCEL` is malformed.
    #[error(transparent)]
    Accel(#[from] BadAccelEnv),
    /// QEMU could not be started.
    #[error("cannot run {qemu}: {source}; install QEMU with `make setup` (Debian package qemu-system-x86) or set {QEMU_ENV}")]
    Spawn {
        /// The QEMU binary.
        qemu: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Waiting for QEMU failed.
    #[error("waiting for QEMU failed: {0}")]
    Wait(std::io::Error),
    /// A networking flag, host port or tap device is unusable.
    #[error(transparent)]
    Net(#[from] NetArgError),
}

/// Returns the QEMU arguments (after the binary name) for one boot; `nic`
/// is the NIC's part ([`net::qemu_args`]), empty for none.
pub fn qemu_command(
    image: &Path,
    memory_mib: u32,
    machine: Machine,
    accel: Accel,
    nic: &[String],
    overrides: &Overrides,
    status_file: &Path,
) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    let mut push = |xs: &[&str]| a.extend(xs.iter().map(|s| s.to_string()));
    push(&[
        "-M",
        match machine {
            Machine::Microvm => "microvm",
            Machine::Q35 => "q35",
        },
    ]);
    match accel {
        // Debian's QEMU 7.2 with real KVM may fail to set the
        // IA32_ARCH_CAPABILITIES MSR on newer host kernels (DESIGN.md).
        Accel::Kvm => push(&["-accel", "kvm", "-cpu", "host,-arch-capabilities"]),
        Accel::Tcg => push(&["-accel", "tcg", "-cpu", "max"]),
    }
    let mem = format!("{memory_mib}M");
    push(&["-m", &mem]);
    push(&[
        "-nodefaults",
        "-no-user-config",
        "-display",
        "none",
        "-no-reboot",
        "-serial",
        "stdio",
    ]);
    let img = image.display().to_string();
    push(&["-kernel", &img]);
    let exit_dev = format!("isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=0x04");
    push(&["-device", &exit_dev]);
    let chardev = format!("file,id=rrstatus,path={}", status_file.display());
    push(&["-chardev", &chardev]);
    let con = format!("isa-debugcon,iobase={DEBUGCON_PORT:#x},chardev=rrstatus");
    push(&["-device", &con]);
    push(&nic.iter().map(String::as_str).collect::<Vec<_>>());
    let line = cmdline::encode(overrides);
    if !line.is_empty() {
        push(&["-append", &line]);
    }
    a
}

/// Quotes one word for a POSIX shell; plain words stay as they are.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_+=/.,:@%".contains(&b));
    if plain {
        s.into()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Reads a baked image's default memory size (MiB) and the guest-physical
/// address where its payload ends.
pub fn image_memory(path: &Path) -> Result<(u32, u64), RunError> {
    image_config(path).map(|(c, end)| (c.memory_mib, end))
}

/// Reads a baked image's configuration and the guest-physical address where
/// its payload ends.
pub fn image_config(path: &Path) -> Result<(ImageConfig, u64), RunError> {
    let bytes = std::fs::read(path).map_err(|source| RunError::Read {
        path: path.into(),
        source,
    })?;
    let (payload, end) = find_payload_with_end(&bytes).map_err(|source| RunError::NotImage {
        path: path.into(),
        source,
    })?;
    let parsed = parse_payload(payload).map_err(|reason| RunError::BadPayload {
        path: path.into(),
        reason,
    })?;
    Ok((parsed.manifest.config, end))
}

fn status_path() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("rumprun-status-{}-{nanos}", std::process::id()))
}

/// Runs (or with `--dry-run` prints) one boot and returns the exit status
/// for the `rumprun` process. Notes go to `err`, the dry-run command to `out`.
pub fn run(
    opts: &RunOptions,
    host: &dyn HostProbe,
    accel_env: Option<&str>,
    qemu: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, RunError> {
    // The image is read even for --dry-run, so a bad path fails the same way.
    let (baked, payload_end) = image_config(&opts.image)?;
    let memory = opts.memory_mib.unwrap_or(baked.memory_mib);
    check_memory(memory, payload_end)?;
    net::check_forwards(&opts.net, &opts.publish)?;
    if opts.net == NetMode::None {
        let flag = opts.net_flags.first_flag();
        let dev_flag = (opts.no_offload.then_some("--no-offload")).or(opts.mac.map(|_| "--mac"));
        if let Some(flag) = flag.or(dev_flag) {
            return Err(NetArgError::FlagWithoutNic(flag).into());
        }
    }
    // The kernel takes the network tokens as the whole configuration, so
    // the flags are merged with the baked settings here.
    let guest_net = opts.net_flags.apply(&baked.net)?;
    // A tap device may share a bridge with other VMs, which must not all
    // have QEMU's one default MAC; user networking is private to the VM.
    let mac = opts
        .mac
        .or_else(|| matches!(opts.net, NetMode::Tap(_)).then(net::Mac::random));
    let nic = net::qemu_args(
        &opts.net,
        &opts.publish,
        opts.machine,
        &guest_net,
        net::DeviceOpts {
            no_offload: opts.no_offload,
            mac,
        },
    );
    let overrides = Overrides {
        env: opts.env.clone(),
        args: (!opts.args.is_empty()).then(|| opts.args.clone()),
        trace: opts.trace,
        debug: opts.debug,
        crash_test: opts.crash_test,
        net: (!opts.net_flags.is_empty()).then_some(guest_net),
        hostname: opts.hostname.clone(),
    };
    let choice = accel::choose(opts.accel, accel_env, host)?;
    // Notes and the dry-run line are best effort: a closed stream must not
    // change the VM's exit status.
    if let Some(note) = &choice.note {
        let _ = writeln!(err, "{note}");
    }
    let status_file = status_path();
    let args = qemu_command(
        &opts.image,
        memory,
        opts.machine,
        choice.accel,
        &nic,
        &overrides,
        &status_file,
    );
    if opts.dry_run {
        let words: Vec<String> = std::iter::once(qemu)
            .chain(args.iter().map(String::as_str))
            .map(shell_quote)
            .collect();
        let _ = writeln!(out, "{}", words.join(" "));
        return Ok(0);
    }
    // Checked at the last moment before boot; QEMU binds the ports itself
    // right after, so a port taken in between still fails in QEMU.
    net::check_tap(&opts.net, Path::new("/sys/class/net"))?;
    net::check_host_ports(&opts.publish)?;
    let result = boot(qemu, &args, opts.timeout, &status_file, err);
    let _ = std::fs::remove_file(&status_file);
    result
}

fn boot(
    qemu: &str,
    args: &[String],
    timeout: Option<Duration>,
    status_file: &Path,
    err: &mut dyn Write,
) -> Result<u8, RunError> {
    let mut child = Command::new(qemu)
        .args(args)
        .spawn()
        .map_err(|source| RunError::Spawn {
            qemu: qemu.into(),
            source,
        })?;
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(RunError::Wait)? {
            break s;
        }
        if let Some(t) = timeout {
            if start.elapsed() >= t {
                let _ = child.kill();
                let _ = child.wait();
                let _ = writeln!(
                    err,
                    "rumprun: timed out after {} s; stopped the VM",
                    t.as_secs_f64()
                );
                return Ok(STATUS_NO_REPORT);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let report = std::fs::read(status_file).unwrap_or_default();
    Ok(match parse_status(&report) {
        Some(s) => s,
        None => {
            let code = status
                .code()
                .map_or_else(|| "none, killed by a signal".into(), |c| c.to_string());
            let _ = writeln!(
                err,
                "rumprun: the VM stopped without reporting an exit status \
                 (kernel crash, triple fault or QEMU error; QEMU exit code {code})"
            );
            STATUS_NO_REPORT
        }
    })
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
