//! Running a child process with a time limit, its output going to files
//! (no pipes, so a chatty child cannot block), and turning how it ended into
//! a shell-style status: exit code, or 128 + N when killed by signal N (the
//! unikernel reports a program's death by signal the same way,
//! `rumprun_config::exit::status_for_signal`).

use std::fs::File;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Exited or was killed by a signal: the shell-style status.
    Status(u8),
    /// Still running at the time limit; it was killed.
    TimedOut,
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ending::Status(s) => write!(f, "status {s}"),
            Ending::TimedOut => write!(f, "timed out"),
        }
    }
}

/// Returns the shell-style status of an ended child: its exit code, or
/// 128 + N for death by signal N.
pub fn shell_status(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        // Exit codes are 0..=255 on Linux; the low byte is what a shell sees.
        return (code & 0xff) as u8;
    }
    let sig = status.signal().unwrap_or(0);
    128u8.wrapping_add((sig & 0x7f) as u8)
}

/// Where a child's output goes.
pub enum Output<'a> {
    /// stdout and stderr into one file, as the unikernel console merges them.
    Merged(&'a Path),
    /// stdout and stderr into two files.
    Split(&'a Path, &'a Path),
}

/// Runs `cmd` with stdin from /dev/null and output to files, killing it
/// after `limit`.
///
/// # Errors
/// Returns a message when the files cannot be created or the program not started.
pub fn run_with_limit(
    mut cmd: Command,
    out: Output<'_>,
    limit: Duration,
) -> Result<Ending, String> {
    let create = |p: &Path| File::create(p).map_err(|e| format!("creating {}: {e}", p.display()));
    let (stdout, stderr) = match out {
        Output::Merged(p) => {
            let f = create(p)?;
            let g = f
                .try_clone()
                .map_err(|e| format!("duplicating {}: {e}", p.display()))?;
            (f, g)
        }
        Output::Split(o, e) => (create(o)?, create(e)?),
    };
    cmd.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("starting {program}: {e}"))?;
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(Ending::Status(shell_status(status))),
            Ok(None) if Instant::now() >= deadline => {
                // The child may end between try_wait and kill; either way it is reaped below.
                let _ = child.kill();
                let _ = child.wait();
                return Ok(Ending::TimedOut);
            }
            Ok(None) => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(format!("waiting for {program}: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, limit: Duration) -> (Ending, String) {
        let dir = std::env::temp_dir().join(format!("conformance-exec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let out = dir.join(format!("{}.out", script.len()));
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg(script);
        let ending = run_with_limit(cmd, Output::Merged(&out), limit).expect("sh runs");
        let text = std::fs::read_to_string(&out).expect("output file");
        (ending, text)
    }

    #[test]
    fn exit_codes_and_merged_output() {
        let (e, out) = sh("echo a; echo b >&2; exit 42", Duration::from_secs(10));
        assert_eq!(e, Ending::Status(42));
        assert_eq!(out, "a\nb\n");
    }

    #[test]
    fn death_by_signal_is_128_plus_n() {
        let (e, _) = sh("kill -SEGV $$", Duration::from_secs(10));
        assert_eq!(e, Ending::Status(139));
    }

    #[test]
    fn time_limit_kills() {
        let (e, _) = sh("exec sleep 10", Duration::from_millis(200));
        assert_eq!(e, Ending::TimedOut);
    }
}
