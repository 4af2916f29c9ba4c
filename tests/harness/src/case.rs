//! Conformance cases: discovery of `*.c` programs in a directory, the
//! comment header each one may carry (`// args:`, `// env:`, `// status:`,
//! `// memory:`, `// timeout:`), and the `known-differences.txt` list.
//! Used by `main`; knows nothing about running programs.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One C program and what its header declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// File stem, e.g. `getcwd_small_buffer_gives_erange`.
    pub name: String,
    /// The `.c` file.
    pub source: PathBuf,
    /// The run's parameters, from the header.
    pub spec: Spec,
}

/// What a program's comment header declares; defaults when absent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spec {
    /// Arguments after `argv[0]` (`// args: a b c`, split on whitespace).
    pub args: Vec<String>,
    /// Environment entries (`// env: K=V [K2=V2]`, repeatable), in order.
    pub env: Vec<(String, String)>,
    /// Expected exit status on both sides (`// status: 42`, default 0).
    pub status: u8,
    /// VM memory for the unikernel run (`// memory: 256M`), as `rumprun run -m` takes it.
    pub memory: Option<String>,
    /// Per-side time limit in seconds (`// timeout: 60`), overriding the default.
    pub timeout_secs: Option<u64>,
}

/// Parses the header lines of a program: `// key: value` lines anywhere in
/// the file's leading comment block.
///
/// # Errors
/// Returns a message naming the line when a value does not parse.
pub fn parse_spec(source: &str) -> Result<Spec, String> {
    let mut spec = Spec::default();
    for (i, line) in source.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with("//") {
            if line.is_empty() {
                continue;
            }
            break;
        }
        let body = line.trim_start_matches('/').trim();
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let at = |what: &str| format!("line {}: {what}", i + 1);
        match key.trim() {
            "args" => spec.args = value.split_whitespace().map(str::to_owned).collect(),
            "env" => {
                for kv in value.split_whitespace() {
                    let (k, v) = kv
                        .split_once('=')
                        .ok_or_else(|| at(&format!("env entry `{kv}` is not KEY=VALUE")))?;
                    spec.env.push((k.to_owned(), v.to_owned()));
                }
            }
            "status" => {
                spec.status = value
                    .parse()
                    .map_err(|_| at(&format!("status `{value}` is not 0..=255")))?;
            }
            "memory" => spec.memory = Some(value.to_owned()),
            "timeout" => {
                spec.timeout_secs = Some(
                    value
                        .parse()
                        .map_err(|_| at(&format!("timeout `{value}` is not seconds")))?,
                );
            }
            _ => {}
        }
    }
    Ok(spec)
}

/// Lists the `*.c` files of `dir`, sorted by name, keeping those whose name
/// contains one of `filters` (all of them when `filters` is empty).
///
/// # Errors
/// Returns the I/O error of reading the directory or a file, or a header
/// error naming the file.
pub fn discover(dir: &Path, filters: &[String]) -> Result<Vec<Case>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut cases = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("c") {
            continue;
        }
        let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            continue;
        };
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let spec = parse_spec(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        cases.push(Case {
            name,
            source: path,
            spec,
        });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

/// Parses `known-differences.txt`: `case_name: reason` per line, `#`
/// comments and blank lines ignored. Returns case name -> reason.
///
/// # Errors
/// Returns a message naming a line without a reason.
pub fn parse_known_differences(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(':') {
            Some((name, reason)) if !name.trim().is_empty() && !reason.trim().is_empty() => {
                map.insert(name.trim().to_owned(), reason.trim().to_owned());
            }
            _ => return Err(format!("line {}: expected `case_name: reason`", i + 1)),
        }
    }
    Ok(map)
}

/// Reads `dir/known-differences.txt`; a missing file means no differences.
///
/// # Errors
/// Returns the read or parse error, naming the file.
pub fn load_known_differences(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let path = dir.join("known-differences.txt");
    match fs::read_to_string(&path) {
        Ok(text) => parse_known_differences(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_gives_args_env_status() {
        let src = "// Checks x.\n// args: a b  c\n// env: K=V X=1\n// env: Y=a=b\n// status: 42\n\
                   // memory: 256M\n// timeout: 9\n#include <stdio.h>\n// args: ignored\n";
        let spec = parse_spec(src).expect("valid header");
        assert_eq!(spec.args, ["a", "b", "c"]);
        assert_eq!(
            spec.env,
            [
                ("K".into(), "V".into()),
                ("X".into(), "1".into()),
                ("Y".into(), "a=b".into())
            ]
        );
        assert_eq!(spec.status, 42);
        assert_eq!(spec.memory.as_deref(), Some("256M"));
        assert_eq!(spec.timeout_secs, Some(9));
    }

    #[test]
    fn no_header_gives_defaults() {
        assert_eq!(
            parse_spec("int main(void) { return 0; }\n"),
            Ok(Spec::default())
        );
    }

    #[test]
    fn bad_header_values_are_errors() {
        assert!(parse_spec("// status: 300\n").is_err());
        assert!(parse_spec("// env: NOEQUALS\n").is_err());
    }

    #[test]
    fn known_differences_parse() {
        let m = parse_known_differences("# comment\n\nfork_x: single process\n").expect("valid");
        assert_eq!(m.get("fork_x").map(String::as_str), Some("single process"));
        assert!(parse_known_differences("no reason here\n").is_err());
    }
}
