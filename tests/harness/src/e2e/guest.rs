//! The programs under test as running processes: a unikernel started
//! through `rumprun run` (which starts QEMU as its child) or the same
//! binary on the host (`--native`), each in a process group of its own so
//! that stopping it stops QEMU too. Its console (stdout) goes to a file
//! that [`Guest::wait_for`] watches for a line. Dropping a [`Guest`] kills
//! the group and reaps the child, so a failing test leaves nothing behind.

use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A started program and where its console goes.
pub struct Guest {
    child: Child,
    console: PathBuf,
    errors: PathBuf,
    what: String,
}

impl Guest {
    /// Starts `cmd` in a new process group, stdin from /dev/null, stdout
    /// into `console` and stderr into `console` + `.err`.
    ///
    /// # Errors
    /// Returns a message when the files cannot be created or the program not started.
    pub fn start(mut cmd: Command, console: &Path, what: &str) -> Result<Guest, String> {
        let errors = console.with_extension("err");
        let out =
            File::create(console).map_err(|e| format!("creating {}: {e}", console.display()))?;
        let err =
            File::create(&errors).map_err(|e| format!("creating {}: {e}", errors.display()))?;
        cmd.stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = cmd
            .spawn()
            .map_err(|e| format!("starting {what} ({:?}): {e}", cmd.get_program()))?;
        Ok(Guest {
            child,
            console: console.to_path_buf(),
            errors,
            what: what.to_owned(),
        })
    }

    /// Returns the process id of the started command (`rumprun` itself, or
    /// the native program), which is also its process group id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Returns the console so far, with CRLF turned into LF.
    pub fn console(&self) -> String {
        fs::read(&self.console)
            .map(|b| String::from_utf8_lossy(&b).replace("\r\n", "\n"))
            .unwrap_or_default()
    }

    /// Returns the last lines of the console and of stderr, for failure reports.
    pub fn tail(&self) -> String {
        let mut s = String::new();
        for (label, text) in [
            ("console", self.console()),
            (
                "stderr",
                fs::read_to_string(&self.errors).unwrap_or_default(),
            ),
        ] {
            let lines: Vec<&str> = text.lines().collect();
            let from = lines.len().saturating_sub(15);
            for l in &lines[from..] {
                s.push_str(&format!("\n  {label} | {l}"));
            }
        }
        s
    }

    /// Waits until a console line contains `needle` and returns that line.
    ///
    /// # Errors
    /// Returns a message with the console's tail when the program ends
    /// first or `limit` passes.
    pub fn wait_for(&mut self, needle: &str, limit: Duration) -> Result<String, String> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(l) = self.console().lines().find(|l| l.contains(needle)) {
                return Ok(l.to_owned());
            }
            if let Ok(Some(st)) = self.child.try_wait() {
                // One more look: the line may have landed just before the exit.
                if let Some(l) = self.console().lines().find(|l| l.contains(needle)) {
                    return Ok(l.to_owned());
                }
                return Err(format!(
                    "{} ended ({st}) before printing '{needle}'{}",
                    self.what,
                    self.tail()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} did not print '{needle}' within {}s{}",
                    self.what,
                    limit.as_secs(),
                    self.tail()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for the program to end by itself; returns its exit code
    /// (128 + N for signal N).
    ///
    /// # Errors
    /// Returns a message when it is still running after `limit` (it is then killed).
    pub fn wait_exit(&mut self, limit: Duration) -> Result<i32, String> {
        use std::os::unix::process::ExitStatusExt;
        let deadline = Instant::now() + limit;
        loop {
            match self.child.try_wait() {
                Ok(Some(st)) => return Ok(st.code().unwrap_or(128 + st.signal().unwrap_or(0))),
                Ok(None) if Instant::now() >= deadline => {
                    self.stop();
                    return Err(format!(
                        "{} still running after {}s{}",
                        self.what,
                        limit.as_secs(),
                        self.tail()
                    ));
                }
                Ok(None) => thread::sleep(Duration::from_millis(100)),
                Err(e) => return Err(format!("waiting for {}: {e}", self.what)),
            }
        }
    }

    /// Kills the whole process group (QEMU included) and reaps the child.
    pub fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SIGTERM first so QEMU can close its tap and sockets, then SIGKILL.
            kill_group(self.child.id(), "TERM");
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    break;
                }
                thread::sleep(Duration::from_millis(50));
            }
        }
        // Children of the group (QEMU) may outlive the leader: kill the group anyway.
        kill_group(self.child.id(), "KILL");
        let _ = self.child.wait();
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends SIG`sig` to process group `pgid` through kill(1) (the harness
/// forbids unsafe code, so no libc call); errors (no such group) are ignored.
fn kill_group(pgid: u32, sig: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg("--")
        .arg(format!("-{pgid}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Returns the pids of `pid`'s children (from /proc's `children` file of
/// each of its threads), e.g. QEMU under `rumprun run`.
pub fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            if let Ok(s) = fs::read_to_string(t.path().join("children")) {
                out.extend(s.split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
            }
        }
    }
    out
}

/// Returns the CPU time (user + system, in clock ticks) `pid` has used so
/// far, from field 14 and 15 of /proc/PID/stat.
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_cpu_ticks(&stat)
}

/// Parses utime + stime out of a /proc/PID/stat line (the command name,
/// in parentheses, may hold spaces: fields are counted after the last ')').
pub fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state); utime is field 14, stime field 15.
    let utime: u64 = f.get(11)?.parse().ok()?;
    let stime: u64 = f.get(12)?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_skip_names_with_spaces() {
        let line =
            "4242 (qemu system x) S 1 4242 4242 0 -1 4194560 100 0 0 0 37 5 0 0 20 0 3 0 99 0 0";
        assert_eq!(parse_cpu_ticks(line), Some(42));
        assert_eq!(parse_cpu_ticks("garbage"), None);
    }

    #[test]
    fn guest_waits_for_a_line_and_is_stopped() {
        let dir = std::env::temp_dir().join(format!("e2e-guest-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg("echo booting; echo 'ready now'; exec sleep 30");
        let mut g = Guest::start(cmd, &dir.join("c.out"), "sh").expect("starts");
        let line = g.wait_for("ready", Duration::from_secs(10)).expect("line");
        assert_eq!(line, "ready now");
        let t = Instant::now();
        g.stop();
        assert!(t.elapsed() < Duration::from_secs(5));
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg("echo nope; exit 3");
        let mut g = Guest::start(cmd, &dir.join("d.out"), "sh").expect("starts");
        let err = g
            .wait_for("ready", Duration::from_secs(10))
            .expect_err("ends first");
        assert!(err.contains("ended"), "{err}");
        assert_eq!(g.wait_exit(Duration::from_secs(5)), Ok(3));
        let _ = fs::remove_dir_all(&dir);
    }
}
