//! `rumprun bake`: kernel + program + rootfs + default configuration into
//! one bootable ELF (DESIGN.md decision 4). Finds the kernel
//! ([`locate_kernel`]), checks the program (`program`), walks the rootfs
//! (`rootfs`), builds the payload with `rumprun_config::image` and writes
//! the image through `elf`.

use std::io::Write;
use std::path::{Path, PathBuf};

use rumprun_config::image::{build_payload, ImageConfig};
use rumprun_config::symbols;

use crate::elf::{ElfError, Kernel};
use crate::net::{NetArgError, NetFlags};
use crate::program::{self, ProgramError};
use crate::rootfs::{self, RootfsError};

/// Environment variable naming the kernel ELF.
pub const KERNEL_ENV: &str = "RUMPRUN_KERNEL";
/// File name of the kernel in an install's `share/rumprun`.
pub const KERNEL_FILE: &str = "rumprun-kernel";

/// Everything `rumprun bake` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakeOptions {
    /// The program ELF.
    pub program: PathBuf,
    /// Where to write the image.
    pub output: PathBuf,
    /// Host directory to bake as the read-only root filesystem.
    pub rootfs: Option<PathBuf>,
    /// Default environment, `KEY=VALUE` each (already validated).
    pub env: Vec<String>,
    /// The program's name in the image (`argv[0]` is `/bin/<name>`).
    pub name: Option<String>,
    /// Default memory in MiB.
    pub memory_mib: u32,
    /// Hostname; defaults to the program's name.
    pub hostname: Option<String>,
    /// Default arguments after `argv[0]`.
    pub args: Vec<String>,
    /// Network settings (`--ip`, `--gw`, `--dns`, `--mtu`, `--ip6`,
    /// `--gw6`) over the defaults (DHCPv4, SLAAC).
    pub net: NetFlags,
}

/// Why an image could not be baked.
#[derive(Debug, thiserror::Error)]
pub enum BakeError {
    /// No kernel in any of the places looked at.
    #[error("no rumprun kernel found (looked at {}); build it with `make kernel`, or pass --kernel PATH", list(.0))]
    KernelNotFound(Vec<PathBuf>),
    /// A kernel named explicitly does not exist.
    #[error("kernel {0} (from {1}) does not exist; build it with `make kernel` or fix the path")]
    KernelMissing(PathBuf, &'static str),
    /// The kernel ELF is unusable.
    #[error("kernel {path}: {source}")]
    Kernel {
        /// The kernel's path.
        path: PathBuf,
        /// What is wrong with it.
        source: ElfError,
    },
    /// The program is unusable.
    #[error(transparent)]
    Program(#[from] ProgramError),
    /// The program was built for another image ABI.
    #[error("{path} was built by {toolchain} for rumprun ABI {found}, this rumprun speaks ABI {}; rebuild it with this rumprun-cc", rumprun_config::ABI_VERSION)]
    AbiMismatch {
        /// The program's path.
        path: String,
        /// The toolchain named in its note.
        toolchain: String,
        /// The ABI in its note.
        found: u32,
    },
    /// The rootfs cannot be built.
    #[error(transparent)]
    Rootfs(#[from] RootfsError),
    /// The VM memory cannot hold the kernel and the payload.
    #[error("-m {memory_mib}M is too small: the kernel and payload end at {need_mib} MiB of guest memory; pass at least -m {suggest}M")]
    MemoryTooSmall {
        /// The memory asked for.
        memory_mib: u32,
        /// Where the payload ends, rounded up to MiB.
        need_mib: u64,
        /// A size that leaves room for the kernel's heap and the program.
        suggest: u64,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The network flags contradict each other.
    #[error(transparent)]
    Net(#[from] NetArgError),
    /// The image could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds the kernel ELF: `--kernel`, then `$RUMPRUN_KERNEL`, then
/// `<dir of exe>/../share/rumprun/rumprun-kernel`, then the workspace's
/// release build. An explicit path that does not exist is an error rather
/// than a reason to look elsewhere.
pub fn locate_kernel(
    flag: Option<&Path>,
    env: Option<PathBuf>,
    exe: Option<&Path>,
) -> Result<PathBuf, BakeError> {
    if let Some(p) = flag {
        return exists_or(p.into(), "--kernel");
    }
    if let Some(p) = env {
        return exists_or(p, "$RUMPRUN_KERNEL");
    }
    let mut tried = Vec::new();
    if let Some(bin) = exe.and_then(Path::parent) {
        tried.push(bin.join("../share/rumprun").join(KERNEL_FILE));
    }
    tried.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/x86_64-unknown-none/release")
            .join(KERNEL_FILE),
    );
    match tried.iter().find(|p| p.is_file()) {
        Some(p) => Ok(p.clone()),
        None => Err(BakeError::KernelNotFound(tried)),
    }
}

fn exists_or(p: PathBuf, from: &'static str) -> Result<PathBuf, BakeError> {
    if p.is_file() {
        Ok(p)
    } else {
        Err(BakeError::KernelMissing(p, from))
    }
}

/// What bake did, for the summary line and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakeReport {
    /// The configuration baked in.
    pub config: ImageConfig,
    /// Size of the payload.
    pub payload_len: u64,
    /// Guest-physical address of the payload.
    pub payload_phys: u64,
    /// Number of kernel symbols baked in.
    pub symbols: usize,
}

fn read(path: &Path) -> Result<Vec<u8>, BakeError> {
    std::fs::read(path).map_err(|source| BakeError::Read {
        path: path.into(),
        source,
    })
}

/// Bakes an image; info lines (which toolchain built the program, the
/// summary) go to `log`.
pub fn bake(
    opts: &BakeOptions,
    kernel_path: &Path,
    log: &mut dyn Write,
) -> Result<BakeReport, BakeError> {
    let kernel_bytes = read(kernel_path)?;
    let kernel = Kernel::parse(&kernel_bytes).map_err(|source| BakeError::Kernel {
        path: kernel_path.into(),
        source,
    })?;
    let shown = opts.program.display().to_string();
    let program = read(&opts.program)?;
    let info = program::inspect(&shown, &program)?;
    // Log lines are best effort: a closed stderr must not fail the bake.
    match &info.note {
        Some(n) if n.abi != rumprun_config::ABI_VERSION => {
            return Err(BakeError::AbiMismatch {
                path: shown,
                toolchain: n.toolchain.clone(),
                found: n.abi,
            })
        }
        Some(n) => {
            let _ = writeln!(
                log,
                "rumprun: {shown} was built by {} (ABI {})",
                n.toolchain, n.abi
            );
        }
        None => {
            let _ = writeln!(
                log,
                "rumprun: {shown} has no rumprun build note: a prebuilt static binary, baked as is"
            );
        }
    }
    let net = opts.net.apply(&Default::default())?;
    let rootfs = opts.rootfs.as_deref().map(rootfs::build).transpose()?;
    let name = match &opts.name {
        Some(n) => n.clone(),
        None => opts
            .program
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "program".into()),
    };
    let config = ImageConfig {
        program_name: format!("/bin/{name}"),
        args: opts.args.clone(),
        env: opts.env.clone(),
        uid: 0,
        gid: 0,
        hostname: opts.hostname.clone().unwrap_or_else(|| name.clone()),
        memory_mib: opts.memory_mib,
        net,
    };
    let nsyms = kernel.symbols.len();
    let syms = symbols::encode(kernel.symbols.clone());
    let payload = build_payload(
        config.clone(),
        &program,
        rootfs.as_ref().map(|(b, _)| b.as_slice()),
        Some(&syms),
    );
    let (image, layout) = kernel
        .write_image(&payload)
        .map_err(|source| BakeError::Kernel {
            path: kernel_path.into(),
            source,
        })?;
    check_memory(opts.memory_mib, layout.desc.phys_addr + layout.desc.len)?;
    write_atomically(&opts.output, &image)?;
    let fs = match &rootfs {
        Some((_, c)) => format!(
            ", rootfs {} files / {} dirs / {} symlinks",
            c.files, c.dirs, c.symlinks
        ),
        None => String::new(),
    };
    let _ = writeln!(
        log,
        "rumprun: baked {} ({} KiB: program {} KiB{fs}, {} MiB default memory)",
        opts.output.display(),
        image.len() / 1024,
        program.len() / 1024,
        config.memory_mib
    );
    Ok(BakeReport {
        config,
        payload_len: layout.desc.len,
        payload_phys: layout.desc.phys_addr,
        symbols: nsyms,
    })
}

/// Checks that guest memory of `memory_mib` holds everything up to
/// `payload_end` (QEMU's loader fails with a less helpful message otherwise).
pub fn check_memory(memory_mib: u32, payload_end: u64) -> Result<(), BakeError> {
    const MIB: u64 = 1 << 20;
    let need_mib = payload_end.div_ceil(MIB);
    if need_mib <= u64::from(memory_mib) {
        return Ok(());
    }
    Err(BakeError::MemoryTooSmall {
        memory_mib,
        need_mib,
        suggest: (need_mib + 32).next_power_of_two(),
    })
}

/// Writes through a temporary file and a rename, so a failed bake never
/// leaves a half-written image under the requested name.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BakeError> {
    let err = |source| BakeError::Write {
        path: path.into(),
        source,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::find_payload;
    use crate::testutil::{fake_kernel, program, tempdir, Link};
    use rumprun_config::image::parse_payload;
    use rumprun_config::rootfs::RootFs;

    fn opts(dir: &Path, prog: PathBuf) -> BakeOptions {
        BakeOptions {
            program: prog,
            output: dir.join("out.img"),
            rootfs: None,
            env: vec!["GREETING=hi".into()],
            name: None,
            memory_mib: 64,
            hostname: None,
            args: vec!["world".into()],
            net: NetFlags::default(),
        }
    }

    #[test]
    fn bakes_program_config_rootfs_and_symbols_into_the_payload() {
        let dir = tempdir("bake");
        let kernel = fake_kernel(&dir);
        let prog = program(&dir, "hello", Link::RumprunCc);
        std::fs::create_dir(dir.join("root")).unwrap();
        std::fs::write(dir.join("root/motd"), "hi\n").unwrap();
        let mut o = opts(&dir, prog.clone());
        o.rootfs = Some(dir.join("root"));
        let mut log = Vec::new();
        let report = bake(&o, &kernel, &mut log).unwrap();
        let log = String::from_utf8(log).unwrap();
        assert!(log.contains("was built by rumprun-cc"), "{log}");
        assert!(log.contains("rumprun: baked"), "{log}");

        let image = std::fs::read(&o.output).unwrap();
        let p = parse_payload(find_payload(&image).unwrap()).unwrap();
        assert_eq!(p.manifest.config, report.config);
        assert_eq!(p.manifest.config.program_name, "/bin/hello");
        assert_eq!(p.manifest.config.hostname, "hello");
        assert_eq!(p.manifest.config.args, ["world"]);
        assert_eq!(p.manifest.config.env, ["GREETING=hi"]);
        assert_eq!(p.manifest.config.memory_mib, 64);
        assert_eq!(p.program, &std::fs::read(&prog).unwrap()[..]);
        let fs = RootFs::parse(p.rootfs.unwrap()).unwrap();
        assert_eq!(fs.data(fs.lookup("/motd").unwrap()), b"hi\n");
        let syms = symbols::decode(p.symbols.unwrap()).unwrap();
        assert!(syms.iter().any(|s| s.name == "kernel::kmain"));
        assert_eq!(syms.len(), report.symbols);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn name_and_hostname_override_defaults() {
        let dir = tempdir("bake");
        let kernel = fake_kernel(&dir);
        let prog = program(&dir, "s", Link::StaticMusl);
        let mut o = opts(&dir, prog);
        o.name = Some("nginx".into());
        o.hostname = Some("web1".into());
        let mut log = Vec::new();
        let r = bake(&o, &kernel, &mut log).unwrap();
        assert_eq!(r.config.program_name, "/bin/nginx");
        assert_eq!(r.config.hostname, "web1");
        assert!(String::from_utf8(log)
            .unwrap()
            .contains("no rumprun build note"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn network_flags_are_baked_and_checked() {
        use crate::net::{parse_dns, Ipv4Flag};
        use rumprun_config::net::{Ipv4Mode, Ipv6Mode};
        let dir = tempdir("bake");
        let kernel = fake_kernel(&dir);
        let prog = program(&dir, "s", Link::StaticMusl);
        let mut o = opts(&dir, prog);
        o.net = NetFlags {
            ip: Some(Ipv4Flag::Static([192, 168, 76, 9], 24)),
            gw: Some([192, 168, 76, 1]),
            dns: vec![
                parse_dns("192.168.76.1").unwrap(),
                parse_dns("fd00::1").unwrap(),
            ],
            mtu: Some(1400),
            ..Default::default()
        };
        let r = bake(&o, &kernel, &mut Vec::new()).unwrap();
        let image = std::fs::read(&o.output).unwrap();
        let p = parse_payload(find_payload(&image).unwrap()).unwrap();
        assert_eq!(p.manifest.config.net, r.config.net);
        assert_eq!(
            r.config.net.ipv4,
            Ipv4Mode::Static {
                addr: [192, 168, 76, 9],
                prefix: 24,
                gateway: Some([192, 168, 76, 1])
            }
        );
        assert_eq!(r.config.net.ipv6, Ipv6Mode::Slaac);
        assert_eq!(r.config.net.dns.len(), 2);
        assert_eq!(r.config.net.mtu, Some(1400));
        std::fs::remove_file(&o.output).unwrap();
        o.net = NetFlags {
            gw: Some([10, 0, 2, 2]),
            ..Default::default()
        };
        let e = bake(&o, &kernel, &mut Vec::new()).unwrap_err();
        assert!(
            e.to_string().starts_with("--gw needs a static address"),
            "{e}"
        );
        assert!(!o.output.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn dynamic_program_is_refused_and_no_image_written() {
        let dir = tempdir("bake");
        let kernel = fake_kernel(&dir);
        let prog = program(&dir, "dyn", Link::Dynamic);
        let o = opts(&dir, prog.clone());
        let e = bake(&o, &kernel, &mut Vec::new()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} is dynamically linked; relink with rumprun-cc",
                prog.display()
            )
        );
        assert!(!o.output.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn kernel_lookup_order_and_errors() {
        let dir = tempdir("bake");
        let k = dir.join("k");
        std::fs::write(&k, b"x").unwrap();
        assert_eq!(locate_kernel(Some(&k), None, None).unwrap(), k);
        assert_eq!(locate_kernel(None, Some(k.clone()), None).unwrap(), k);
        // The flag wins over the environment.
        let e = locate_kernel(Some(&dir.join("nope")), Some(k.clone()), None).unwrap_err();
        assert!(
            e.to_string().contains("(from --kernel) does not exist"),
            "{e}"
        );
        // An install's share/rumprun is found from the executable's directory.
        std::fs::create_dir_all(dir.join("share/rumprun")).unwrap();
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::write(dir.join("share/rumprun/rumprun-kernel"), b"x").unwrap();
        let found = locate_kernel(None, None, Some(&dir.join("bin/rumprun"))).unwrap();
        assert!(found.ends_with("share/rumprun/rumprun-kernel"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_kernel_message_says_make_kernel() {
        let e = BakeError::KernelNotFound(vec![PathBuf::from("/a"), PathBuf::from("/b")]);
        assert_eq!(
            e.to_string(),
            "no rumprun kernel found (looked at /a, /b); build it with `make kernel`, or pass --kernel PATH"
        );
    }

    #[test]
    fn memory_must_hold_the_payload() {
        assert!(check_memory(64, 63 << 20).is_ok());
        let e = check_memory(64, (64 << 20) + 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "-m 64M is too small: the kernel and payload end at 65 MiB of guest memory; pass at least -m 128M"
        );
    }

    #[test]
    fn not_a_kernel_is_named() {
        let dir = tempdir("bake");
        let prog = program(&dir, "p", Link::RumprunCc);
        let o = opts(&dir, prog.clone());
        // A program is not a kernel: no descriptor slot.
        let e = bake(&o, &prog, &mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("no section .rumprun_payload"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
