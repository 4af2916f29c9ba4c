//! The `rumprun-cc` compiler driver: turns a gcc command line into one that
//! compiles against musl's headers and links a static-pie program with
//! musl's `rcrt1.o`, the libc-shim archive (before libc) and the
//! `.note.rumprun` object. Key types: [`Support`] (where the specs file, shim
//! and note live) and [`Action`] (what the driver does for a command line).
//! The binary in `bin/rumprun-cc.rs` only executes the [`Action`].

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// The triplet `-dumpmachine` prints, so autoconf's `config.sub` and
/// `$host` checks see a musl Linux target.
pub const TRIPLET: &str = "x86_64-linux-musl";
/// Name of the gcc specs file in the support directory.
pub const SPECS: &str = "rumprun-gcc.specs";
/// Name of the libc-shim archive in the support directory.
pub const SHIM: &str = "libc-shim.a";
/// Name of the `.note.rumprun` object in the support directory.
pub const NOTE: &str = "rumprun-note.o";
/// Environment variable that overrides where the support files are looked up.
pub const SUPPORT_ENV: &str = "RUMPRUN_SUPPORT_DIR";

/// The support files built by `toolchain/build.rs`, embedded so that
/// `rumprun-cc --rumprun-install-support DIR` can install them.
pub const EMBEDDED: [(&str, &[u8]); 3] = [
    (
        SPECS,
        include_bytes!(concat!(
            env!("RUMPRUN_DEV_SUPPORT_DIR"),
            "/rumprun-gcc.specs"
        )),
    ),
    (
        SHIM,
        include_bytes!(concat!(env!("RUMPRUN_DEV_SUPPORT_DIR"), "/libc-shim.a")),
    ),
    (
        NOTE,
        include_bytes!(concat!(env!("RUMPRUN_DEV_SUPPORT_DIR"), "/rumprun-note.o")),
    ),
];

/// What the driver compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// `rumprun-cc`: C through gcc.
    C,
    /// `rumprun-c++`: C++ through g++ (not supported yet, see [`CcError::CxxUnsupported`]).
    Cxx,
}

impl Lang {
    /// Returns the language an executable name asks for: C++ when it ends in `++`.
    pub fn from_argv0(argv0: &OsStr) -> Lang {
        let name = Path::new(argv0)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with("++") {
            Lang::Cxx
        } else {
            Lang::C
        }
    }

    fn name(self) -> &'static str {
        match self {
            Lang::C => "rumprun-cc",
            Lang::Cxx => "rumprun-c++",
        }
    }
}

/// Why the driver refuses a command line.
#[derive(Debug, thiserror::Error)]
pub enum CcError {
    /// `-shared` was asked for.
    #[error("{0}: -shared is not supported: a unikernel runs one statically linked program; build a static library with `ar` instead")]
    Shared(&'static str),
    /// C++ was asked for.
    #[error("rumprun-c++: C++ is not supported yet: Debian ships libstdc++ only for glibc, and its headers and library do not work with musl; build C code with rumprun-cc")]
    CxxUnsupported,
    /// No support directory was found.
    #[error("{0}: cannot find {SPECS}, {SHIM} and {NOTE}: set {SUPPORT_ENV}, run `make install`, or use the rumprun-cc built in the source tree")]
    NoSupport(&'static str),
    /// Installing the support files failed.
    #[error("rumprun-cc: cannot install the support files into {dir}: {source}")]
    Install {
        /// The directory being written.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What the driver does for one command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Prints a line and exits 0 (`-dumpmachine`).
    Print(String),
    /// Runs `program` with `args` and exits with its status.
    Exec {
        /// The compiler to run (`gcc`).
        program: OsString,
        /// Its arguments.
        args: Vec<OsString>,
    },
    /// Writes the embedded support files into a directory.
    InstallSupport(PathBuf),
}

/// Where the support files live: a directory holding [`SPECS`], [`SHIM`] and [`NOTE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Support {
    /// The directory.
    pub dir: PathBuf,
}

impl Support {
    /// Finds the support directory: `$RUMPRUN_SUPPORT_DIR`, then
    /// `<dir of exe>/../share/rumprun` (what `make install` fills), then the
    /// development build's `OUT_DIR`.
    pub fn locate(env: Option<OsString>, exe: Option<&Path>) -> Option<Support> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(dir) = env {
            candidates.push(dir.into());
        }
        if let Some(bin) = exe.and_then(Path::parent) {
            candidates.push(bin.join("../share/rumprun"));
        }
        candidates.push(PathBuf::from(env!("RUMPRUN_DEV_SUPPORT_DIR")));
        candidates
            .into_iter()
            .find(|d| [SPECS, SHIM, NOTE].iter().all(|f| d.join(f).is_file()))
            .map(|dir| Support { dir })
    }

    fn file(&self, name: &str) -> OsString {
        self.dir.join(name).into_os_string()
    }
}

/// Writes the embedded support files into `dir` (created if missing).
pub fn install_support(dir: &Path) -> Result<(), CcError> {
    let wrap = |source| CcError::Install {
        dir: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(wrap)?;
    for (name, bytes) in EMBEDDED {
        std::fs::write(dir.join(name), bytes).map_err(wrap)?;
    }
    Ok(())
}

/// Options whose value is the next argument, so that value is never taken
/// for a mode flag (`-MT -c` names a target called `-c`).
const TAKES_VALUE: &[&str] = &[
    "-o",
    "-x",
    "-MF",
    "-MT",
    "-MQ",
    "-I",
    "-L",
    "-l",
    "-D",
    "-U",
    "-include",
    "-imacros",
    "-isystem",
    "-idirafter",
    "-iquote",
    "-iprefix",
    "-isysroot",
    "-Xlinker",
    "-Xassembler",
    "-Xpreprocessor",
    "-aux-info",
    "-T",
    "-u",
    "-z",
];

/// Flags that only ask the compiler about itself: no input, no link.
fn is_query(a: &str) -> bool {
    a == "--version"
        || a == "-v"
        || a == "--help"
        || a == "-dumpversion"
        || a == "-dumpfullversion"
        || a == "-dumpspecs"
        || a.starts_with("-print-")
        || a.starts_with("--print-")
}

/// Link-mode flags the driver owns: it always links static-pie.
fn is_dropped_link_flag(a: &str) -> bool {
    matches!(a, "-static" | "-pie" | "-no-pie" | "-static-pie" | "-nopie")
}

/// Decides what to do for a command line (`args` excludes `argv[0]`).
pub fn plan(lang: Lang, args: &[OsString], support: Option<&Support>) -> Result<Action, CcError> {
    let name = lang.name();
    if args.first().map(OsString::as_os_str) == Some(OsStr::new("--rumprun-install-support")) {
        if let Some(dir) = args.get(1) {
            return Ok(Action::InstallSupport(dir.into()));
        }
    }
    let mut compile_only = false;
    let mut query = false;
    let mut no_libc = false;
    let mut inputs = 0usize;
    let mut skip_value = false;
    for a in args {
        if skip_value {
            skip_value = false;
            continue;
        }
        let s = a.to_string_lossy();
        match s.as_ref() {
            "-dumpmachine" => return Ok(Action::Print(TRIPLET.into())),
            "-shared" => return Err(CcError::Shared(name)),
            "-c" | "-S" | "-E" | "-M" | "-MM" | "-fsyntax-only" => compile_only = true,
            "-nostdlib" | "-nodefaultlibs" | "-nolibc" => no_libc = true,
            "-" => inputs += 1,
            s if TAKES_VALUE.contains(&s) => skip_value = true,
            s if is_query(s) => query = true,
            s if !s.starts_with('-') => inputs += 1,
            _ => {}
        }
    }
    if lang == Lang::Cxx && !(query && inputs == 0) {
        return Err(CcError::CxxUnsupported);
    }
    let support = support.ok_or(CcError::NoSupport(name))?;
    let mut out: Vec<OsString> = vec![
        OsString::from(format!("-specs={}", support.file(SPECS).to_string_lossy())),
        "-fPIE".into(),
    ];
    let link = !compile_only && !query && inputs > 0;
    if link {
        out.extend(
            args.iter()
                .filter(|a| !is_dropped_link_flag(&a.to_string_lossy()))
                .cloned(),
        );
        out.push("-static-pie".into());
        out.push(support.file(NOTE));
        if !no_libc {
            // After every user object and library, before the specs' -lc.
            out.push(support.file(SHIM));
        }
    } else {
        out.extend(args.iter().cloned());
    }
    let program = match lang {
        Lang::C => "gcc",
        Lang::Cxx => "g++",
    };
    Ok(Action::Exec {
        program: program.into(),
        args: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sup() -> Support {
        Support {
            dir: PathBuf::from("/s"),
        }
    }

    fn run(lang: Lang, args: &[&str]) -> Result<Action, CcError> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        plan(lang, &args, Some(&sup()))
    }

    fn exec_args(a: Action) -> Vec<String> {
        match a {
            Action::Exec { args, .. } => args
                .into_iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            other => panic!("expected exec, got {other:?}"),
        }
    }

    #[test]
    fn dumpmachine_prints_musl_triplet() {
        assert_eq!(
            run(Lang::C, &["-dumpmachine"]).unwrap(),
            Action::Print("x86_64-linux-musl".into())
        );
    }

    #[test]
    fn compile_only_passes_through_with_musl_specs() {
        for mode in ["-c", "-S", "-E", "-M", "-MM"] {
            let a = exec_args(run(Lang::C, &[mode, "x.c", "-o", "x.o"]).unwrap());
            assert_eq!(
                a,
                [
                    "-specs=/s/rumprun-gcc.specs",
                    "-fPIE",
                    mode,
                    "x.c",
                    "-o",
                    "x.o"
                ]
            );
        }
    }

    #[test]
    fn link_adds_static_pie_note_and_shim_last() {
        let a = exec_args(run(Lang::C, &["-O2", "-static", "-o", "h", "h.c", "-lm"]).unwrap());
        assert_eq!(
            a,
            [
                "-specs=/s/rumprun-gcc.specs",
                "-fPIE",
                "-O2",
                "-o",
                "h",
                "h.c",
                "-lm",
                "-static-pie",
                "/s/rumprun-note.o",
                "/s/libc-shim.a"
            ]
        );
    }

    #[test]
    fn nostdlib_link_leaves_out_the_shim() {
        let a = exec_args(run(Lang::C, &["-nostdlib", "a.o"]).unwrap());
        assert!(!a.iter().any(|x| x.ends_with("libc-shim.a")));
        assert!(a.iter().any(|x| x.ends_with("rumprun-note.o")));
    }

    #[test]
    fn option_values_are_not_mode_flags() {
        // `-o -c` names an output file "-c": still a link.
        let a = exec_args(run(Lang::C, &["-o", "-c", "a.o"]).unwrap());
        assert!(a.contains(&"-static-pie".to_string()));
    }

    #[test]
    fn queries_do_not_link() {
        for q in ["-v", "--version", "-print-prog-name=ld", "-dumpversion"] {
            let a = exec_args(run(Lang::C, &[q]).unwrap());
            assert!(!a.contains(&"-static-pie".to_string()), "{q}");
        }
        // `gcc -E -` reads stdin: compile-only.
        let a = exec_args(run(Lang::C, &["-E", "-"]).unwrap());
        assert!(!a.contains(&"-static-pie".to_string()));
    }

    #[test]
    fn shared_and_cxx_are_clear_errors() {
        let e = run(Lang::C, &["-shared", "-o", "x.so", "x.o"]).unwrap_err();
        assert!(e.to_string().contains("-shared is not supported"), "{e}");
        let e = run(Lang::Cxx, &["-c", "x.cc"]).unwrap_err();
        assert!(e.to_string().contains("C++ is not supported yet"), "{e}");
        assert!(run(Lang::Cxx, &["--version"]).is_ok());
    }

    #[test]
    fn argv0_selects_language() {
        assert_eq!(
            Lang::from_argv0(OsStr::new("/usr/bin/rumprun-c++")),
            Lang::Cxx
        );
        assert_eq!(Lang::from_argv0(OsStr::new("rumprun-cc")), Lang::C);
    }

    #[test]
    fn missing_support_is_an_error_that_says_what_to_do() {
        let e = plan(Lang::C, &["x.c".into()], None).unwrap_err();
        assert!(e.to_string().contains("make install"), "{e}");
    }

    #[test]
    fn install_support_writes_all_files_and_locate_finds_them() {
        let dir = std::env::temp_dir().join(format!("rr-support-{}", std::process::id()));
        install_support(&dir).unwrap();
        let found = Support::locate(Some(dir.clone().into_os_string()), None).unwrap();
        assert_eq!(found.dir, dir);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
