//! Builds the rumprun-cc support files for the development tree: the
//! libc-shim archive, the `.note.rumprun` object and the gcc specs file,
//! all in `$OUT_DIR/support`. `rumprun-cc` embeds copies of them (so
//! `rumprun-cc --rumprun-install-support DIR` can install them) and looks
//! here last, so a plain `cargo build` gives a working compiler driver.

use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let shim = manifest.join("../libc-shim");
    let support = out.join("support");
    std::fs::create_dir_all(&support).expect("create OUT_DIR/support");
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets it");
    let toolchain = format!("\"rumprun-cc {version}\"");
    let abi = rumprun_config::ABI_VERSION.to_string();

    // The shim is plain C without libc headers, so the system gcc builds it
    // as position-independent code ready for a static-pie link.
    let base = || {
        let mut b = cc::Build::new();
        b.compiler("gcc")
            .cargo_metadata(false)
            .pic(true)
            .opt_level(2)
            .debug(false)
            .flag("-fno-stack-protector")
            .out_dir(&support);
        b
    };
    base().file(shim.join("daemon.c")).compile("c-shim");
    let objs = base()
        .file(shim.join("note.c"))
        .define("RUMPRUN_ABI_VERSION", abi.as_str())
        .define("RUMPRUN_TOOLCHAIN", toolchain.as_str())
        .compile_intermediates();
    let note = objs.first().expect("one object for note.c");
    std::fs::copy(note, support.join("rumprun-note.o")).expect("copy note object");
    write_specs(&support.join("rumprun-gcc.specs"));

    println!(
        "cargo:rustc-env=RUMPRUN_DEV_SUPPORT_DIR={}",
        support.display()
    );
    println!("cargo:rerun-if-changed=../libc-shim");
    println!("cargo:rerun-if-changed=build.rs");
}

/// Writes the gcc specs file: musl's headers for every compile (as Debian's
/// musl-gcc.specs does) and, for links, musl's static-pie start file
/// rcrt1.o, which relocates the program itself before main.
fn write_specs(path: &Path) {
    let musl_lib = "/usr/lib/x86_64-linux-musl";
    let musl_inc = "/usr/include/x86_64-linux-musl";
    let specs = format!(
        "%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem {musl_inc} -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem {musl_inc} -isystem include%s

*link_libgcc:
-L{musl_lib} -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
{musl_lib}/rcrt1.o {musl_lib}/crti.o crtbeginS.o%s

*endfile:
crtendS.o%s {musl_lib}/crtn.o

*link:
-nostdlib -static -pie --no-dynamic-linker -z text %{{rdynamic:-export-dynamic}}

*esp_link:


*esp_options:


*esp_cpp_options:


"
    );
    std::fs::write(path, specs).expect("write specs");
}
