//! Parsers for the values the `rumprun` CLI takes (`-e KEY=VALUE`,
//! `-m 64M`), shared by `bake` and `run`, with errors that show a correct
//! example.

/// Why a command-line value was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ArgError {
    /// `-e` without `=` or with an empty key.
    #[error("-e {0:?}: expected KEY=VALUE, for example -e GREETING=hi")]
    Env(String),
    /// A memory size that does not parse.
    #[error("-m {0:?}: expected a memory size in MiB or with a unit, for example -m 64M or -m 1G")]
    Memory(String),
}

/// Checks one `-e` entry: a non-empty key, then `=`, then any value.
pub fn parse_env(s: &str) -> Result<String, ArgError> {
    match s.split_once('=') {
        Some((k, _)) if !k.is_empty() && !k.contains('\0') && !s.contains('\0') => Ok(s.into()),
        _ => Err(ArgError::Env(s.into())),
    }
}

/// Parses a memory size (`64`, `64M`, `64MiB`, `1G`, `1GiB`) into MiB.
pub fn parse_memory(s: &str) -> Result<u32, ArgError> {
    let bad = || ArgError::Memory(s.into());
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u32 = num.parse().map_err(|_| bad())?;
    let mul = match unit.to_ascii_lowercase().as_str() {
        "" | "m" | "mb" | "mib" => 1,
        "g" | "gb" | "gib" => 1024,
        _ => return Err(bad()),
    };
    match n.checked_mul(mul) {
        Some(v) if v > 0 => Ok(v),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_entries() {
        assert_eq!(parse_env("A=b").unwrap(), "A=b");
        assert_eq!(parse_env("A=").unwrap(), "A=");
        assert_eq!(parse_env("A=b=c").unwrap(), "A=b=c");
        let e = parse_env("GREETING").unwrap_err();
        assert_eq!(
            e.to_string(),
            "-e \"GREETING\": expected KEY=VALUE, for example -e GREETING=hi"
        );
        assert!(parse_env("=x").is_err());
    }

    #[test]
    fn memory_sizes() {
        assert_eq!(parse_memory("64M").unwrap(), 64);
        assert_eq!(parse_memory("64").unwrap(), 64);
        assert_eq!(parse_memory("128MiB").unwrap(), 128);
        assert_eq!(parse_memory("1G").unwrap(), 1024);
        for bad in ["", "M", "0", "64K", "lots", "9999999G"] {
            assert!(parse_memory(bad).is_err(), "{bad}");
        }
    }
}
