//! rumprun-cc as CC of an autoconf project: `./configure CC=rumprun-cc &&
//! make` must probe, compile and link a static-pie program that uses the
//! libc-shim `daemon()`; the program also runs on the Linux host (DESIGN.md
//! decision 1). Skipped, saying so, where autoconf is not installed
//! (`make setup` installs it).

use std::path::Path;
use std::process::Command;

const CONFIGURE_AC: &str = "AC_INIT([probe], [1.0])
AC_PROG_CC
AC_CHECK_HEADERS([unistd.h sys/epoll.h])
AC_CHECK_FUNCS([daemon clock_gettime])
AC_CHECK_LIB([m], [cos])
AC_CONFIG_HEADERS([config.h])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
";

const MAKEFILE_IN: &str = "CC = @CC@
CFLAGS = @CFLAGS@
LIBS = @LIBS@
probe: probe.o
\t$(CC) $(CFLAGS) -o probe probe.o $(LIBS)
probe.o: probe.c config.h
\t$(CC) $(CFLAGS) -c probe.c
";

const PROBE_C: &str = r#"#include "config.h"
#include <stdio.h>
#include <unistd.h>
int main(void) {
#if defined(HAVE_DAEMON) && defined(HAVE_SYS_EPOLL_H)
    if (daemon(1, 1) != 0) return 2;
    printf("configured, still in the foreground as %d\n", (int)getpid() > 0);
    return 0;
#else
    return 3;
#endif
}
"#;

fn sh(dir: &Path, cmd: &str) -> String {
    let o = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .current_dir(dir)
        .output()
        .expect("run sh");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "`{cmd}` failed:\n{all}");
    all
}

#[test]
fn configure_and_make_with_rumprun_cc() {
    if Command::new("autoconf").arg("--version").output().is_err() {
        eprintln!("skipped: autoconf is not installed (run `make setup`)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("rr-autoconf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("configure.ac"), CONFIGURE_AC).unwrap();
    std::fs::write(dir.join("Makefile.in"), MAKEFILE_IN).unwrap();
    std::fs::write(dir.join("probe.c"), PROBE_C).unwrap();
    sh(&dir, "autoconf && autoheader");
    let cc = env!("CARGO_BIN_EXE_rumprun-cc");
    let log = sh(&dir, &format!("./configure CC={cc}"));
    assert!(log.contains("checking for daemon... yes"), "{log}");
    assert!(
        log.contains("whether we are cross compiling... no"),
        "{log}"
    );
    sh(&dir, "make");
    let file = sh(&dir, "readelf -lhn probe");
    assert!(
        file.contains("DYN (Position-Independent Executable file)"),
        "{file}"
    );
    assert!(!file.contains("INTERP"), "{file}");
    assert!(file.contains("rumprun"), "{file}");
    let out = sh(&dir, "./probe");
    assert_eq!(out, "configured, still in the foreground as 1\n");
    std::fs::remove_dir_all(&dir).unwrap();
}
