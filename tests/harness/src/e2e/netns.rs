//! The tap test's network namespace: `ip netns add`, a tap device inside
//! it (`ip tuntap add ... mode tap`) with the host side's address, loopback
//! up; commands run inside it through `ip netns exec`. Dropping a
//! [`Netns`] deletes the namespace, which removes the tap device with it.

use std::process::{Command, Stdio};

/// A namespace this test created (and deletes on drop).
pub struct Netns {
    /// Its name, e.g. `rre2e-1234`.
    pub name: String,
}

/// Runs `ip ARGS`; returns stderr in the error.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running ip {}: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`ip {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Netns {
    /// Creates namespace `name` holding tap device `tap` with `host_cidr`
    /// (e.g. `192.168.77.1/24`), both links up.
    ///
    /// # Errors
    /// Returns what failed, saying that the machine cannot run the tap test
    /// (no CAP_NET_ADMIN, no /dev/net/tun, no `ip`), so that the test fails
    /// with a reason rather than passing without having run.
    pub fn create(name: &str, tap: &str, host_cidr: &str) -> Result<Netns, String> {
        // A namespace left over by a killed run of the same pid: remove it first.
        let _ = ip(&["netns", "del", name]);
        ip(&["netns", "add", name]).map_err(|e| {
            format!(
                "cannot create a network namespace (needs root / CAP_SYS_ADMIN and iproute2): {e}"
            )
        })?;
        let ns = Netns {
            name: name.to_owned(),
        };
        let inside = |args: &[&str]| {
            let mut v = vec!["netns", "exec", name, "ip"];
            v.extend_from_slice(args);
            ip(&v)
        };
        inside(&["link", "set", "lo", "up"])?;
        inside(&["tuntap", "add", "dev", tap, "mode", "tap"])
            .map_err(|e| format!("cannot create a tap device (needs /dev/net/tun): {e}"))?;
        inside(&["addr", "add", host_cidr, "dev", tap])?;
        inside(&["link", "set", tap, "up"])?;
        Ok(ns)
    }

    /// Returns a command that runs `program` inside the namespace.
    pub fn command(&self, program: &std::path::Path) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).arg(program);
        c
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = ip(&["netns", "del", &self.name]);
    }
}
