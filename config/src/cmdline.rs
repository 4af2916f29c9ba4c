//! Run-time overrides carried on the kernel command line.
//!
//! `rumprun run IMAGE -e K=V -- a b` must change the program's environment
//! and arguments without re-baking, so the launcher encodes them into the
//! command line that QEMU hands the kernel (`-append`, which PVH passes as
//! `hvm_start_info.cmdline_paddr`). Tokens are separated by spaces:
//! `rr.env=K%3DV` adds or replaces one variable, `rr.args` says the default
//! arguments are replaced (by the `rr.arg=` tokens that follow, possibly
//! none), `rr.trace` turns on the syscall trace, `rr.debug` the kernel's
//! debug lines, `rr.hostname=` replaces the hostname, and the network
//! tokens (`rr.ip=`, `rr.gw=`, `rr.dhcp`, `rr.dns=`, `rr.mtu=`, `rr.ip6=`,
//! `rr.gw6=`; see [`crate::net::NetTokens`]) replace the whole network
//! configuration. Values are percent-encoded so
//! any byte except NUL survives. Unknown tokens are errors, not ignored, so a
//! mismatched launcher and kernel fail loudly.

use alloc::string::String;
use alloc::vec::Vec;

use crate::image::ImageConfig;

/// What `rumprun run` changes relative to the baked [`ImageConfig`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Overrides {
    /// `KEY=VALUE` entries that replace or add to the baked environment.
    pub env: Vec<String>,
    /// Replacement argument list (after `argv[0]`); `None` keeps the baked one.
    pub args: Option<Vec<String>>,
    /// Print every system call (strace-style) on the console.
    pub trace: bool,
    /// Print the kernel's debug lines (boot-to-main time, memory).
    pub debug: bool,
    /// Fault in the kernel on purpose after boot (tests the crash report).
    pub crash_test: bool,
    /// Replacement network settings (`rr.ip=`, `rr.gw=`, ...); `None`
    /// keeps the baked ones.
    pub net: Option<crate::net::NetConfig>,
    /// Replacement hostname (`rr.hostname=`); `None` keeps the baked one.
    pub hostname: Option<String>,
}

/// Why a command line could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmdlineError {
    /// A token the kernel does not know.
    UnknownToken(String),
    /// A bad `%XX` escape or an encoded NUL.
    BadEscape(String),
    /// An `rr.env=` value without `=`.
    EnvWithoutEquals(String),
    /// An `rr.arg=` before any `rr.args`.
    ArgBeforeArgs,
    /// A bad network token or hostname, or an inconsistent set of them.
    Net(crate::net::NetError),
}

impl core::fmt::Display for CmdlineError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CmdlineError::UnknownToken(t) => write!(f, "unknown command-line token {t:?}"),
            CmdlineError::BadEscape(t) => write!(f, "bad percent escape in {t:?}"),
            CmdlineError::EnvWithoutEquals(t) => write!(f, "environment entry {t:?} has no '='"),
            CmdlineError::ArgBeforeArgs => write!(f, "rr.arg= before rr.args"),
            CmdlineError::Net(e) => write!(f, "network setting {e}"),
        }
    }
}

fn keep(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_./:,+@".contains(&b)
}

fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

fn decode(s: &str) -> Result<String, CmdlineError> {
    let bad = || CmdlineError::BadEscape(s.into());
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3).ok_or_else(bad)?;
            let hex = core::str::from_utf8(hex).map_err(|_| bad())?;
            let v = u8::from_str_radix(hex, 16).map_err(|_| bad())?;
            if v == 0 {
                return Err(bad());
            }
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// Encodes overrides as kernel command-line tokens.
pub fn encode(o: &Overrides) -> String {
    let mut out = String::new();
    let sep = |out: &mut String| {
        if !out.is_empty() {
            out.push(' ');
        }
    };
    for e in &o.env {
        sep(&mut out);
        out.push_str("rr.env=");
        encode_into(&mut out, e);
    }
    if let Some(args) = &o.args {
        sep(&mut out);
        out.push_str("rr.args");
        for a in args {
            out.push_str(" rr.arg=");
            encode_into(&mut out, a);
        }
    }
    if o.trace {
        sep(&mut out);
        out.push_str("rr.trace");
    }
    if o.debug {
        sep(&mut out);
        out.push_str("rr.debug");
    }
    if o.crash_test {
        sep(&mut out);
        out.push_str("rr.crash-test");
    }
    if let Some(h) = &o.hostname {
        sep(&mut out);
        out.push_str("rr.hostname=");
        encode_into(&mut out, h);
    }
    for t in o.net.iter().flat_map(crate::net::NetConfig::tokens) {
        sep(&mut out);
        out.push_str(&t);
    }
    out
}

/// Prefix of the tokens QEMU's microvm machine appends for each virtio-mmio
/// device (`virtio_mmio.device=512@0xfeb00e00:12`, Linux's syntax). [`parse`]
/// skips them; the kernel's device probe reads them.
pub const VIRTIO_MMIO_DEVICE: &str = "virtio_mmio.device=";

/// Parses kernel command-line tokens back into overrides (skipping
/// [`VIRTIO_MMIO_DEVICE`] tokens).
pub fn parse(line: &str) -> Result<Overrides, CmdlineError> {
    let mut o = Overrides::default();
    let mut net = crate::net::NetTokens::default();
    for tok in line.split_ascii_whitespace() {
        if let Some(v) = tok.strip_prefix("rr.env=") {
            let v = decode(v)?;
            if !v.contains('=') {
                return Err(CmdlineError::EnvWithoutEquals(v));
            }
            o.env.push(v);
        } else if tok == "rr.args" {
            o.args = Some(Vec::new());
        } else if let Some(v) = tok.strip_prefix("rr.arg=") {
            let v = decode(v)?;
            o.args.as_mut().ok_or(CmdlineError::ArgBeforeArgs)?.push(v);
        } else if tok == "rr.trace" {
            o.trace = true;
        } else if tok == "rr.debug" {
            o.debug = true;
        } else if tok == "rr.crash-test" {
            o.crash_test = true;
        } else if let Some(v) = tok.strip_prefix("rr.hostname=") {
            let v = decode(v)?;
            crate::net::check_hostname(&v).map_err(CmdlineError::Net)?;
            o.hostname = Some(v);
        } else if net.token(tok).map_err(CmdlineError::Net)? {
            // Collected; checked as a whole below.
        } else if tok.starts_with(VIRTIO_MMIO_DEVICE) {
            // Device windows for the kernel's virtio-mmio probe, which reads
            // them from the raw line (drivers::virtio_mmio); not an override.
        } else {
            return Err(CmdlineError::UnknownToken(tok.into()));
        }
    }
    o.net = net.finish().map_err(CmdlineError::Net)?;
    Ok(o)
}

impl ImageConfig {
    /// Applies run-time overrides: env entries replace same-named baked ones
    /// (or are appended), a replacement argument list, hostname or network
    /// configuration replaces the baked one.
    pub fn apply(&mut self, o: &Overrides) {
        for e in &o.env {
            let key = e.split('=').next().unwrap_or("");
            match self
                .env
                .iter_mut()
                .find(|x| x.split('=').next() == Some(key))
            {
                Some(slot) => *slot = e.clone(),
                None => self.env.push(e.clone()),
            }
        }
        if let Some(args) = &o.args {
            self.args = args.clone();
        }
        if let Some(h) = &o.hostname {
            self.hostname = h.clone();
        }
        if let Some(net) = &o.net {
            self.net = net.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn round_trips_awkward_strings() {
        let o = Overrides {
            env: vec!["A=b c".into(), "PCT=100%".into(), "U=é\t\"'".into()],
            args: Some(vec!["".into(), "two words".into(), "rr.trace".into()]),
            trace: true,
            debug: true,
            crash_test: true,
            net: None,
            hostname: Some("web-1".into()),
        };
        let line = encode(&o);
        assert!(!line.contains('\t'));
        assert_eq!(parse(&line).unwrap(), o);
    }

    #[test]
    fn empty_replacement_args_differ_from_no_override() {
        let none = Overrides::default();
        let empty = Overrides {
            args: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(parse(&encode(&none)).unwrap().args, None);
        assert_eq!(parse(&encode(&empty)).unwrap().args, Some(vec![]));
    }

    #[test]
    fn virtio_mmio_device_tokens_are_skipped() {
        let o = parse(
            "virtio_mmio.device=512@0xfeb00e00:12 rr.debug virtio_mmio.device=512@0xfeb00c00:11",
        )
        .unwrap();
        assert_eq!(
            o,
            Overrides {
                debug: true,
                ..Default::default()
            }
        );
        assert!(matches!(
            parse("virtio_mmio.devices=1"),
            Err(CmdlineError::UnknownToken(_))
        ));
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(matches!(
            parse("console=ttyS0"),
            Err(CmdlineError::UnknownToken(_))
        ));
        assert!(matches!(
            parse("rr.env=A%3"),
            Err(CmdlineError::BadEscape(_))
        ));
        assert!(matches!(
            parse("rr.env=A%00%3Db"),
            Err(CmdlineError::BadEscape(_))
        ));
        assert!(matches!(
            parse("rr.env=NOEQ"),
            Err(CmdlineError::EnvWithoutEquals(_))
        ));
        assert_eq!(parse("rr.arg=x"), Err(CmdlineError::ArgBeforeArgs));
    }

    #[test]
    fn network_and_hostname_tokens_round_trip_and_apply() {
        use crate::net::{Ipv4Mode, Ipv6Mode, NetConfig};
        let net = NetConfig {
            ipv4: Ipv4Mode::Static {
                addr: [10, 0, 2, 15],
                prefix: 24,
                gateway: Some([10, 0, 2, 2]),
            },
            ipv6: Ipv6Mode::Off,
            dns: vec![vec![10, 0, 2, 3], crate::net::parse_dns("fd00::3").unwrap()],
            mtu: Some(1400),
        };
        let o = Overrides {
            env: vec!["A=1".into()],
            net: Some(net.clone()),
            hostname: Some("web1".into()),
            ..Default::default()
        };
        let line = encode(&o);
        assert_eq!(
            line,
            "rr.env=A%3D1 rr.hostname=web1 rr.ip=10.0.2.15/24 rr.gw=10.0.2.2 rr.ip6=off \
             rr.dns=10.0.2.3 rr.dns=fd00::3 rr.mtu=1400"
        );
        assert_eq!(parse(&line).unwrap(), o);
        let forced = parse("rr.dhcp").unwrap().net.unwrap();
        assert_eq!(forced, NetConfig::default());
        let mut c = ImageConfig {
            hostname: "hello".into(),
            net: NetConfig {
                ipv4: Ipv4Mode::Off,
                ..Default::default()
            },
            ..Default::default()
        };
        c.apply(&Overrides::default());
        assert_eq!((c.hostname.as_str(), c.net.ipv4), ("hello", Ipv4Mode::Off));
        c.apply(&o);
        assert_eq!(c.hostname, "web1");
        assert_eq!(c.net, net);
    }

    #[test]
    fn bad_network_tokens_are_errors() {
        for line in [
            "rr.ip=10.0.2.15",
            "rr.ip=10.0.2.15/24 rr.dhcp",
            "rr.gw=10.0.2.2",
            "rr.dns=",
            "rr.mtu=big",
            "rr.ip6=fd00::2",
            "rr.hostname=a%20b",
            "rr.hostname=",
        ] {
            assert!(
                matches!(parse(line), Err(CmdlineError::Net(_))),
                "{line}: {:?}",
                parse(line)
            );
        }
        assert_eq!(
            parse("rr.ip=10.0.2.15").unwrap_err().to_string(),
            "network setting \"rr.ip=10.0.2.15\": expected A.B.C.D/N such as 10.0.2.15/24"
        );
        assert!(matches!(
            parse("rr.ipv4=1"),
            Err(CmdlineError::UnknownToken(_))
        ));
    }

    #[test]
    fn apply_merges_env_and_replaces_args() {
        let mut c = ImageConfig {
            args: vec!["world".into()],
            env: vec!["GREETING=hi".into(), "KEEP=1".into()],
            ..Default::default()
        };
        c.apply(&Overrides {
            env: vec!["GREETING=yo".into(), "NEW=2".into()],
            args: Some(vec!["other".into(), "args".into()]),
            trace: false,
            debug: false,
            crash_test: false,
            net: None,
            hostname: None,
        });
        assert_eq!(c.env, vec!["GREETING=yo", "KEEP=1", "NEW=2"]);
        assert_eq!(c.args, vec!["other", "args"]);
    }
}
