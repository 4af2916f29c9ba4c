//! Run-time overrides carried on the kernel command line.
//!
//! `rumprun run IMAGE -e K=V -- a b` must change the program's environment
//! and arguments without re-baking, so the launcher encodes them into the
//! command line that QEMU hands the kernel (`-append`, which PVH passes as
//! `hvm_start_info.cmdline_paddr`). Tokens are separated by spaces:
//! `rr.env=K%3DV` adds or replaces one variable, `rr.args` says the default
//! arguments are replaced (by the `rr.arg=` tokens that follow, possibly
//! none), `rr.trace` turns on the syscall trace, `rr.debug` the kernel's
//! debug lines. Values are percent-encoded so
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
}

impl core::fmt::Display for CmdlineError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CmdlineError::UnknownToken(t) => write!(f, "unknown command-line token {t:?}"),
            CmdlineError::BadEscape(t) => write!(f, "bad percent escape in {t:?}"),
            CmdlineError::EnvWithoutEquals(t) => write!(f, "environment entry {t:?} has no '='"),
            CmdlineError::ArgBeforeArgs => write!(f, "rr.arg= before rr.args"),
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
    out
}

/// Parses kernel command-line tokens back into overrides.
pub fn parse(line: &str) -> Result<Overrides, CmdlineError> {
    let mut o = Overrides::default();
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
        } else {
            return Err(CmdlineError::UnknownToken(tok.into()));
        }
    }
    Ok(o)
}

impl ImageConfig {
    /// Applies run-time overrides: env entries replace same-named baked ones
    /// (or are appended), a replacement argument list replaces the baked one.
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        });
        assert_eq!(c.env, vec!["GREETING=yo", "KEEP=1", "NEW=2"]);
        assert_eq!(c.args, vec!["other", "args"]);
    }
}
