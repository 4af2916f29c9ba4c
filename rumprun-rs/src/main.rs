//! The rumprun-rs kernel (stub, being written).
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("rumprun-kernel builds only for x86_64-unknown-none");
    std::process::exit(2);
}
