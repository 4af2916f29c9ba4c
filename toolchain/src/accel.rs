//! Chooses QEMU's accelerator (DESIGN.md decision 6 and "Facts about these
//! machines"): KVM only where it runs ordinary guests (kvm_intel or kvm_amd
//! loaded and /dev/kvm openable), TCG elsewhere, and never KVM served by PVM
//! (kvm_pvm), which only runs PVM-aware guests. The host is read through
//! [`HostProbe`] so tests can fake any machine.

use std::fmt;

/// QEMU accelerator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Accel {
    /// Hardware virtualisation through /dev/kvm.
    Kvm,
    /// QEMU's portable emulator.
    Tcg,
}

impl fmt::Display for Accel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Accel::Kvm => "kvm",
            Accel::Tcg => "tcg",
        })
    }
}

/// Environment variable that overrides the automatic choice.
pub const ACCEL_ENV: &str = "RUMPRUN_ACCEL";

/// What the launcher needs to know about the host.
pub trait HostProbe {
    /// Returns whether `/sys/module/<name>` exists.
    fn module_loaded(&self, name: &str) -> bool;
    /// Returns whether `/dev/kvm` opens read-write.
    fn kvm_usable(&self) -> bool;
}

/// The real host.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealHost;

impl HostProbe for RealHost {
    fn module_loaded(&self, name: &str) -> bool {
        std::path::Path::new("/sys/module").join(name).exists()
    }

    fn kvm_usable(&self) -> bool {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/kvm")
            .is_ok()
    }
}

/// The chosen accelerator and, when chosen automatically, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The accelerator.
    pub accel: Accel,
    /// One line for stderr explaining an automatic fallback to TCG.
    pub note: Option<String>,
}

/// Why the accelerator request is unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{ACCEL_ENV}={0:?}: expected kvm or tcg")]
pub struct BadAccelEnv(pub String);

/// Chooses: `--accel`, then `$RUMPRUN_ACCEL`, then the host probe.
pub fn choose(
    flag: Option<Accel>,
    env: Option<&str>,
    host: &dyn HostProbe,
) -> Result<Choice, BadAccelEnv> {
    let fixed = |accel| Choice { accel, note: None };
    if let Some(a) = flag {
        return Ok(fixed(a));
    }
    match env.map(str::trim) {
        Some("kvm") => return Ok(fixed(Accel::Kvm)),
        Some("tcg") => return Ok(fixed(Accel::Tcg)),
        Some("") | None => {}
        Some(other) => return Err(BadAccelEnv(other.into())),
    }
    let tcg = |why: &str| Choice {
        accel: Accel::Tcg,
        note: Some(format!("rumprun: {why}; using TCG")),
    };
    Ok(if host.module_loaded("kvm_pvm") {
        tcg("/dev/kvm is PVM (kvm_pvm), which cannot run unmodified guests")
    } else if !host.kvm_usable() {
        tcg("/dev/kvm is not available")
    } else if host.module_loaded("kvm_intel") || host.module_loaded("kvm_amd") {
        fixed(Accel::Kvm)
    } else {
        tcg("/dev/kvm is served by neither kvm_intel nor kvm_amd")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake {
        modules: &'static [&'static str],
        kvm: bool,
    }

    impl HostProbe for Fake {
        fn module_loaded(&self, name: &str) -> bool {
            self.modules.contains(&name)
        }
        fn kvm_usable(&self) -> bool {
            self.kvm
        }
    }

    const PVM: Fake = Fake {
        modules: &["kvm", "kvm_pvm"],
        kvm: true,
    };
    const INTEL: Fake = Fake {
        modules: &["kvm", "kvm_intel"],
        kvm: true,
    };

    #[test]
    fn pvm_hosts_fall_back_to_tcg_with_one_line() {
        let c = choose(None, None, &PVM).unwrap();
        assert_eq!(c.accel, Accel::Tcg);
        assert_eq!(
            c.note.as_deref(),
            Some(
                "rumprun: /dev/kvm is PVM (kvm_pvm), which cannot run unmodified guests; using TCG"
            )
        );
    }

    #[test]
    fn real_kvm_is_used_silently() {
        let c = choose(None, None, &INTEL).unwrap();
        assert_eq!(
            c,
            Choice {
                accel: Accel::Kvm,
                note: None
            }
        );
        let amd = Fake {
            modules: &["kvm_amd"],
            kvm: true,
        };
        assert_eq!(choose(None, None, &amd).unwrap().accel, Accel::Kvm);
    }

    #[test]
    fn no_usable_kvm_gives_tcg_and_says_why() {
        let closed = Fake {
            modules: &["kvm_intel"],
            kvm: false,
        };
        let c = choose(None, None, &closed).unwrap();
        assert_eq!(c.accel, Accel::Tcg);
        assert!(c.note.unwrap().contains("not available"));
        let odd = Fake {
            modules: &["kvm"],
            kvm: true,
        };
        assert_eq!(choose(None, None, &odd).unwrap().accel, Accel::Tcg);
    }

    #[test]
    fn flag_beats_env_beats_probe() {
        assert_eq!(choose(None, Some("kvm"), &PVM).unwrap().accel, Accel::Kvm);
        assert_eq!(choose(None, Some("tcg"), &INTEL).unwrap().accel, Accel::Tcg);
        assert_eq!(
            choose(Some(Accel::Tcg), Some("kvm"), &INTEL).unwrap().accel,
            Accel::Tcg
        );
        assert_eq!(choose(Some(Accel::Kvm), None, &PVM).unwrap().note, None);
        assert_eq!(
            choose(None, Some("hvf"), &INTEL).unwrap_err().to_string(),
            "RUMPRUN_ACCEL=\"hvf\": expected kvm or tcg"
        );
    }
}
