//! Finding things: the workspace root, its target directory, the host tools
//! (`rumprun-cc`, `rumprun`) and the kernel. Order for a tool: an explicit
//! environment variable, the directory of this harness binary (cargo puts
//! the toolchain's binaries beside it), the workspace's target directory
//! (newest of release/debug), then `PATH`.

use std::env;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Returns the workspace root: the nearest ancestor of the current
/// directory holding `tests/conformance` and a `Cargo.toml`, else the one
/// this harness was built from.
pub fn workspace_root() -> PathBuf {
    if let Ok(cwd) = env::current_dir() {
        for dir in cwd.ancestors() {
            if dir.join("Cargo.toml").is_file() && dir.join("tests/conformance").is_dir() {
                return dir.to_path_buf();
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Returns the cargo target directory: `$CARGO_TARGET_DIR` (relative to
/// the workspace if relative), else `<workspace>/target`.
pub fn target_dir(workspace: &Path) -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => workspace.join(d),
        _ => workspace.join("target"),
    }
}

fn modified(p: &Path) -> Option<SystemTime> {
    p.metadata()
        .ok()
        .filter(|m| m.is_file())
        .and_then(|m| m.modified().ok())
}

/// Finds host tool `name`: `$<env_var>`, beside the running harness,
/// `<target>/{release,debug}/name` (the newer one), then `PATH`.
///
/// # Errors
/// Returns a message saying where it looked and how to build the tool.
pub fn find_tool(name: &str, env_var: &str, target: &Path) -> Result<PathBuf, String> {
    if let Some(p) = env::var_os(env_var).filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!(
                "${env_var} is {}, which is not a file",
                p.display()
            ))
        };
    }
    if let Some(dir) = env::current_exe().ok().as_deref().and_then(Path::parent) {
        let p = dir.join(name);
        if p.is_file() {
            return Ok(p);
        }
    }
    let built = ["release", "debug"]
        .iter()
        .map(|profile| target.join(profile).join(name))
        .filter_map(|p| modified(&p).map(|t| (t, p)))
        .max_by_key(|(t, _)| *t);
    if let Some((_, p)) = built {
        return Ok(p);
    }
    if let Some(path) = env::var_os("PATH") {
        for dir in env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    Err(format!(
        "cannot find {name}: set ${env_var}, or build it with `cargo build -p toolchain`, or put it on PATH"
    ))
}

/// Returns the kernel to bake with when the tree has built one
/// (`<target>/x86_64-unknown-none/release/rumprun-kernel`, from `make
/// kernel`) and `$RUMPRUN_KERNEL` is unset; else `None`, leaving the choice
/// to `rumprun bake`.
pub fn tree_kernel(target: &Path) -> Option<PathBuf> {
    if env::var_os("RUMPRUN_KERNEL").is_some() {
        return None;
    }
    let p = target.join("x86_64-unknown-none/release/rumprun-kernel");
    p.is_file().then_some(p)
}
