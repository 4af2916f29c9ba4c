//! `rumprun-cc` / `rumprun-c++`: gcc wrappers that build static-pie musl
//! programs for rumprun-rs (see `toolchain::cc` for the rules).
#![forbid(unsafe_code)]

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

use toolchain::cc::{self, Action, Lang, Support};

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    let argv0 = argv.next().unwrap_or_else(|| "rumprun-cc".into());
    let args: Vec<_> = argv.collect();
    let lang = Lang::from_argv0(&argv0);
    let exe = std::env::current_exe().ok();
    let support = Support::locate(std::env::var_os(cc::SUPPORT_ENV), exe.as_deref());
    let action = match cc::plan(lang, &args, support.as_ref()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match action {
        Action::Print(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Action::InstallSupport(dir) => match cc::install_support(&dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        Action::Exec { program, args } => {
            if std::env::var_os("RUMPRUN_CC_VERBOSE").is_some() {
                eprintln!("rumprun-cc: {} {:?}", program.to_string_lossy(), args);
            }
            // exec() only returns on failure.
            let err = Command::new(&program).args(&args).exec();
            eprintln!(
                "rumprun-cc: cannot run {}: {err} (install it with `make setup`)",
                program.to_string_lossy()
            );
            ExitCode::from(127)
        }
    }
}
