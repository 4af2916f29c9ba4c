//! The tap tests: the echo server on a tap device in a namespace created
//! for the test ([`netns`](crate::netns)), with a static address, booted
//! with `--debug` so that the kernel's NIC line says which checksum
//! offload it negotiated, and driven by this binary's `--client-tcp`
//! helper run inside the namespace. Three variants: offload in use, the
//! launcher's `--no-offload`, and the host's tap device with transmit
//! checksumming off (`ethtool -K`), so that frames reach the guest fully
//! checksummed and unmarked and the guest checks them itself (the last
//! two also send raw frames with bad UDP checksums, which must not be
//! echoed: `bad_csum.py`). [`TapGuest`]
//! is shared with the tap throughput of [`bench`](mod@crate::bench).

use std::fs;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use crate::exec::{self, Ending, Output};
use crate::guest::{children, cpu_ticks, Guest};
use crate::netns::Netns;
use crate::{check_net_line, Env, Runner};

/// The namespace's tap device.
const TAP_DEV: &str = "rrtap0";
/// Addresses of the tap link: the namespace's side and the guest's.
const TAP_HOST_CIDR: &str = "192.168.77.1/24";
const TAP_HOST: &str = "192.168.77.1";
const TAP_GUEST: &str = "192.168.77.2";
/// QEMU's MAC for a NIC given none, which a tap NIC must not keep.
const QEMU_DEFAULT_MAC: &str = "52:54:00:12:34:56";

/// Returns what the kernel's `--debug` NIC line says after
/// `checksum offload: ` (`tx rx`, `tx`, `rx` or `none`), e.g. from
/// `net: virtio-net on pci 00:02.0, MAC ..., MSI-X vector 33, checksum offload: tx rx`.
pub fn offload_of(console: &str) -> Option<&str> {
    let line = console
        .lines()
        .find(|l| l.contains("net: virtio-net on "))?;
    let (_, rest) = line.split_once("checksum offload: ")?;
    Some(rest.trim())
}

/// Checks that the console's NIC line reports offload `want`; returns the
/// part it checked (`checksum offload: tx rx`).
pub fn check_offload(console: &str, want: &str) -> Result<String, String> {
    match offload_of(console) {
        Some(got) if got == want => Ok(format!("checksum offload: {got}")),
        Some(got) => Err(format!(
            "the kernel says 'checksum offload: {got}', expected '{want}'"
        )),
        None => {
            let line = console
                .lines()
                .find(|l| l.contains("net: virtio-net on "))
                .map_or_else(
                    || "no 'net: virtio-net on ...' line (booted with --debug?)".to_owned(),
                    |l| format!("'{l}'"),
                );
            Err(format!(
                "no 'checksum offload: ...' on the kernel's NIC line: {line}"
            ))
        }
    }
}

/// Returns the MAC address on the kernel's `--debug` NIC line.
pub fn mac_of(console: &str) -> Option<&str> {
    let line = console
        .lines()
        .find(|l| l.contains("net: virtio-net on "))?;
    let (_, rest) = line.split_once(", MAC ")?;
    let mac = rest.split(',').next()?.trim();
    (mac.len() == 17 && mac.split(':').all(|b| u8::from_str_radix(b, 16).is_ok())).then_some(mac)
}

/// The raw-frame sender of [`TapGuest::bad_checksums`] (Python: the
/// harness has no raw sockets).
const BAD_CSUM_PY: &str = include_str!("bad_csum.py");

/// Returns the `tx-checksumming` state (`on`, `off`, maybe with
/// ` [fixed]`) from the output of `ethtool -k IF`.
pub fn tx_checksumming(ethtool_k: &str) -> Option<&str> {
    ethtool_k
        .lines()
        .find_map(|l| l.trim().strip_prefix("tx-checksumming:"))
        .map(str::trim)
}

/// Returns the seconds of a `--client-tcp` report line (`... in 3.21 s, ...`).
pub fn client_secs(report: &str) -> Option<f64> {
    let (_, rest) = report.split_once(" in ")?;
    rest.split_once(" s")?.0.trim().parse().ok()
}

/// The echo server booted on the tap device of a namespace of its own.
/// Field order matters: the guest stops before the namespace goes.
pub struct TapGuest {
    guest: Guest,
    ns: Netns,
    out: PathBuf,
    tag: String,
}

impl TapGuest {
    /// Creates namespace `rre2e-PID-TAG` with the tap device, boots the
    /// echo server there with `--debug`, the static address and `extra`
    /// launcher flags, and waits for its ready line and interface line.
    ///
    /// # Errors
    /// Returns what failed (namespace, boot, console line).
    pub fn boot(env: &Env, tag: &str, extra: &[&str]) -> Result<TapGuest, String> {
        let ns = Netns::create(
            &format!("rre2e-{}-{tag}", std::process::id()),
            TAP_DEV,
            TAP_HOST_CIDR,
        )?;
        let rumprun = env.rumprun.as_ref().ok_or("no rumprun binary")?;
        let mut cmd = ns.command(rumprun);
        cmd.arg("run")
            .arg(env.img("echo_server")?)
            .args(["--timeout", "900", "-m", "512M", "--debug"])
            .args(["--net", &format!("tap:{TAP_DEV}")])
            .args(["--ip", &format!("{TAP_GUEST}/24"), "--gw", TAP_HOST])
            .args(extra);
        let console = env.out.join(format!("{tag}.console"));
        let mut guest = Guest::start(cmd, &console, &format!("echo server on tap ({tag})"))?;
        guest.wait_for("echo_server: ready", env.boot)?;
        let t = TapGuest {
            guest,
            ns,
            out: env.out.clone(),
            tag: tag.to_owned(),
        };
        t.net_line()?;
        Ok(t)
    }

    /// Returns the interface line (`eth0 192.168.77.2/24 gw 192.168.77.1 ...`).
    pub fn net_line(&self) -> Result<String, String> {
        check_net_line(
            &self.guest.console(),
            &format!("rumprun: eth0 {TAP_GUEST}/24 gw {TAP_HOST}"),
        )
    }

    /// Checks the kernel's offload report (see [`check_offload`]).
    pub fn offload(&self, want: &str) -> Result<String, String> {
        check_offload(&self.guest.console(), want).map_err(|e| format!("{e}{}", self.tail()))
    }

    /// Returns the CPU time (clock ticks) `rumprun` and its QEMU child
    /// have used so far.
    pub fn cpu_ticks(&self) -> u64 {
        let pid = self.guest.pid();
        std::iter::once(pid)
            .chain(children(pid))
            .filter_map(cpu_ticks)
            .sum()
    }

    /// Returns the console's tail, for failure reports.
    pub fn tail(&self) -> String {
        self.guest.tail()
    }

    /// Runs `ethtool ARGS` inside the namespace and returns its stdout.
    fn ethtool(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .ns
            .command(std::path::Path::new("ethtool"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running ethtool (install it: make setup): {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!(
                "`ethtool {}` in the namespace failed ({}): {}{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stdout).trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    /// Returns the host tap device's `tx-checksumming` (`on` when QEMU
    /// told the tap driver the guest takes partial checksums, i.e. the
    /// guest negotiated VIRTIO_NET_F_GUEST_CSUM).
    pub fn host_tx_csum(&self) -> Result<String, String> {
        let k = self.ethtool(&["-k", TAP_DEV])?;
        tx_checksumming(&k)
            .map(str::to_owned)
            .ok_or_else(|| format!("no tx-checksumming in `ethtool -k {TAP_DEV}`:\n{k}"))
    }

    /// Turns the host tap device's transmit checksumming off, so that the
    /// host's frames to the guest carry complete checksums and no
    /// NEEDS_CSUM mark. Must come after the guest's feature negotiation:
    /// QEMU sets the tap's offloads then (TUNSETOFFLOAD), which would undo
    /// an earlier `ethtool -K`.
    pub fn host_tx_csum_off(&self) -> Result<(), String> {
        self.ethtool(&["-K", TAP_DEV, "tx", "off"]).map(drop)
    }

    /// The MAC address on the kernel's `--debug` NIC line.
    ///
    /// # Errors
    /// No such line.
    pub fn mac(&self) -> Result<String, String> {
        mac_of(&self.guest.console())
            .map(str::to_owned)
            .ok_or_else(|| format!("no MAC on the kernel's NIC line{}", self.tail()))
    }

    /// Sends UDP datagrams to the echo server as raw frames on the tap
    /// device (complete checksums, no virtio-net mark), half of them with a
    /// wrong UDP checksum, and checks that only the good ones are echoed:
    /// the guest checks unmarked frames itself. Also checks the UDP
    /// checksums of the guest's echoes as the tap hands them up: complete,
    /// or (left to the device) the pseudo-header sum, and at least one of
    /// the latter iff `tx_offload`. Returns the script's line.
    ///
    /// # Errors
    /// A bad datagram echoed, no good one echoed, a wrong checksum from
    /// the guest, transmit offload not used as expected, or no python3.
    pub fn bad_checksums(&self, tx_offload: bool) -> Result<String, String> {
        let mac = self.mac()?;
        let script = self.out.join("bad_csum.py");
        fs::write(&script, BAD_CSUM_PY)
            .map_err(|e| format!("writing {}: {e}", script.display()))?;
        let mut c = self.ns.command(std::path::Path::new("python3"));
        let tx = if tx_offload { "on" } else { "off" };
        c.arg(&script)
            .args([TAP_DEV, TAP_HOST, TAP_GUEST, &mac, tx]);
        let log = self.out.join(format!("{}-bad-csum.out", self.tag));
        let ending = exec::run_with_limit(c, Output::Merged(&log), Duration::from_secs(60))
            .map_err(|e| format!("running python3 (needed for raw frames): {e}"))?;
        let out = fs::read_to_string(&log).unwrap_or_default();
        if ending == Ending::Status(0) {
            Ok(out.trim().to_owned())
        } else {
            Err(format!(
                "raw frames with bad UDP checksums ({ending}): {}{}",
                out.trim(),
                self.tail()
            ))
        }
    }

    /// Runs the `--client-tcp` helper inside the namespace: `conns`
    /// connections moving `bytes` in all; returns its report line.
    ///
    /// # Errors
    /// Returns the helper's output and the guest's console tail.
    pub fn client(&self, conns: usize, bytes: u64, limit: Duration) -> Result<String, String> {
        let me = std::env::current_exe().map_err(|e| format!("finding this binary: {e}"))?;
        let mut c = self.ns.command(&me);
        c.args([
            "--client-tcp",
            &format!("{TAP_GUEST}:7"),
            &conns.to_string(),
            &bytes.to_string(),
        ]);
        let log = self.out.join(format!("{}-client.out", self.tag));
        let ending = exec::run_with_limit(c, Output::Merged(&log), limit)?;
        let out = fs::read_to_string(&log).unwrap_or_default();
        if ending == Ending::Status(0) {
            Ok(out.trim().to_owned())
        } else {
            Err(format!(
                "client in the namespace: {ending}: {}{}",
                out.trim(),
                self.tail()
            ))
        }
    }

    /// Stops the guest; the namespace goes when this is dropped.
    pub fn stop(&mut self) {
        self.guest.stop();
    }
}

/// One tap test.
struct Variant {
    name: &'static str,
    /// Extra launcher flags.
    flags: &'static [&'static str],
    /// What the kernel must report.
    offload: &'static str,
    /// The host tap's tx-checksumming QEMU must have set for that.
    host_tx: &'static str,
    /// Turn the host tap's transmit checksumming off before the traffic.
    host_tx_off: bool,
    /// Also send raw datagrams with bad UDP checksums ([`TapGuest::bad_checksums`]).
    bad_csum: bool,
    /// The `--mac` given (also in `flags`), which the guest must report;
    /// `None`: the launcher's random one, which must not be QEMU's default.
    mac: Option<&'static str>,
    conns: usize,
    bytes: u64,
}

const VARIANTS: [Variant; 3] = [
    Variant {
        name: "tap_in_netns_static_ip_echo",
        flags: &[],
        offload: "tx rx",
        host_tx: "on",
        host_tx_off: false,
        bad_csum: false,
        mac: None,
        conns: 8,
        bytes: 16 << 20,
    },
    // q35 here and below: the launcher's csum=off,guest_csum=off on
    // virtio-net-pci, and offload through a modern virtio-pci device (12-
    // byte header); the first boots microvm (virtio-mmio, which QEMU 7.2
    // gives the legacy 10-byte header).
    Variant {
        name: "tap_offload_off_no_offload_flag_q35_echo",
        flags: &[
            "--no-offload",
            "--machine",
            "q35",
            "--mac",
            "52:54:00:77:00:02",
        ],
        offload: "none",
        host_tx: "off",
        host_tx_off: false,
        bad_csum: true,
        mac: Some("52:54:00:77:00:02"),
        conns: 8,
        bytes: 4 << 20,
    },
    Variant {
        name: "tap_host_tx_csum_off_guest_verifies_q35_echo",
        flags: &["--machine", "q35"],
        offload: "tx rx",
        host_tx: "on",
        host_tx_off: true,
        bad_csum: true,
        mac: None,
        conns: 8,
        bytes: 4 << 20,
    },
];

/// Runs one variant: boot, check the offload both sides see, traffic.
fn one(env: &Env, v: &Variant, tag: &str) -> Result<String, String> {
    let mut g = TapGuest::boot(env, tag, v.flags)?;
    let line = g.net_line()?;
    let mac = g.mac()?;
    match v.mac {
        Some(want) if mac != want => {
            return Err(format!("the guest reports MAC {mac}, --mac gave {want}"));
        }
        None if mac == QEMU_DEFAULT_MAC || !mac.starts_with("52:54:00:") => {
            return Err(format!(
                "the guest reports MAC {mac}; a tap NIC should get a random 52:54:00:xx:xx:xx"
            ));
        }
        _ => {}
    }
    let offload = g.offload(v.offload)?;
    let tx = g.host_tx_csum()?;
    if !tx.starts_with(v.host_tx) {
        return Err(format!(
            "the host's {TAP_DEV} has tx-checksumming {tx}, expected {} (QEMU sets it from \
             the guest's VIRTIO_NET_F_GUEST_CSUM){}",
            v.host_tx,
            g.tail()
        ));
    }
    let mut host = format!("host {TAP_DEV} tx-checksumming {tx}");
    if v.host_tx_off {
        g.host_tx_csum_off()?;
        let now = g.host_tx_csum()?;
        if !now.starts_with("off") {
            return Err(format!(
                "`ethtool -K {TAP_DEV} tx off` left tx-checksumming {now}"
            ));
        }
        host = format!("host {TAP_DEV} tx-checksumming {tx}, turned {now} before the traffic");
    }
    let r = g.client(v.conns, v.bytes, Duration::from_secs(300));
    let raw = if v.bad_csum {
        format!("; {}", g.bad_checksums(v.offload.starts_with("tx"))?)
    } else {
        String::new()
    };
    g.stop();
    Ok(format!("{}{raw}; {offload}; {host}; MAC {mac}; {line}", r?))
}

/// Runs the selected tap tests (unikernel only).
pub fn tap_tests(env: &Env, run: &mut Runner) {
    for (i, v) in VARIANTS.iter().enumerate() {
        if !run.selected(v.name) {
            continue;
        }
        if env.native {
            run.skip(v.name, "needs the unikernel");
            continue;
        }
        let r = one(env, v, &format!("tap{i}"));
        run.report(v.name, r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offload_is_read_from_the_nic_line() {
        let c = "rumprun: booting\n\
                 net: virtio-net on pci 00:02.0, MAC 52:54:00:12:34:56, MSI-X vector 33, checksum offload: tx rx\r\n\
                 rumprun: eth0 192.168.77.2/24 gw 192.168.77.1\n";
        assert_eq!(offload_of(c), Some("tx rx"));
        assert_eq!(
            check_offload(c, "tx rx"),
            Ok("checksum offload: tx rx".into())
        );
        let e = check_offload(c, "none").expect_err("differs");
        assert!(
            e.contains("'checksum offload: tx rx', expected 'none'"),
            "{e}"
        );
        let none = "net: virtio-net on mmio 0xfeb00e00, MAC 52:54:00:12:34:56, GSI 16 -> vector 33, checksum offload: none\n";
        assert_eq!(offload_of(none), Some("none"));
        let old =
            "net: virtio-net on mmio 0xfeb00e00, MAC 52:54:00:12:34:56, GSI 16 -> vector 33\n";
        assert_eq!(offload_of(old), None);
        let e = check_offload(old, "none").expect_err("no mark");
        assert!(e.contains("GSI 16 -> vector 33'"), "{e}");
        assert_eq!(mac_of(c), Some("52:54:00:12:34:56"));
        assert_eq!(mac_of(old), Some("52:54:00:12:34:56"));
        assert_eq!(mac_of("net: virtio-net on pci 00:02.0, MAC 52:54\n"), None);
        let e = check_offload("hello\n", "none").expect_err("no line");
        assert!(e.contains("booted with --debug?"), "{e}");
    }

    #[test]
    fn ethtool_and_client_reports_parse() {
        let k = "Features for rrtap0:\nrx-checksumming: off [fixed]\ntx-checksumming: on\n\
                 \ttx-checksum-ipv4: off [fixed]\n\ttx-checksum-ip-generic: on\n";
        assert_eq!(tx_checksumming(k), Some("on"));
        assert_eq!(
            tx_checksumming("tx-checksumming: off [requested on]\n"),
            Some("off [requested on]")
        );
        assert_eq!(tx_checksumming("nothing\n"), None);
        let r = "1 connections moved 128 MiB each way in 5.25 s, 24.4 MiB/s, every byte checked";
        assert_eq!(client_secs(r), Some(5.25));
        assert_eq!(client_secs("garbage"), None);
    }
}
