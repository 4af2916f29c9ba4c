//! Tests of the QEMU command line (through `--dry-run`, so the KVM path is
//! checked without KVM) and of the exit-status protocol with a fake QEMU.

use super::*;
use crate::accel::HostProbe;
use crate::bake::{bake, BakeOptions};
use crate::testutil::{fake_kernel, program, tempdir, Link};

struct Host(&'static [&'static str]);

impl HostProbe for Host {
    fn module_loaded(&self, name: &str) -> bool {
        self.0.contains(&name)
    }
    fn kvm_usable(&self) -> bool {
        true
    }
}

const PVM: Host = Host(&["kvm", "kvm_pvm"]);
const INTEL: Host = Host(&["kvm", "kvm_intel"]);

fn image(dir: &Path) -> PathBuf {
    let kernel = fake_kernel(dir);
    let prog = program(dir, "hello", Link::RumprunCc);
    let opts = BakeOptions {
        program: prog,
        output: dir.join("hello.img"),
        rootfs: None,
        env: vec![],
        name: None,
        memory_mib: 96,
        hostname: None,
        args: vec![],
    };
    bake(&opts, &kernel, &mut Vec::new()).unwrap();
    opts.output
}

fn dry(opts: &RunOptions, host: &Host) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let st = run(opts, host, None, "qemu-system-x86_64", &mut out, &mut err).unwrap();
    assert_eq!(st, 0);
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// Replaces the per-run status file path so lines compare exactly.
fn normalise(line: &str) -> String {
    let start = line.find("path=").unwrap() + 5;
    let end = start + line[start..].find(' ').unwrap();
    format!("{}STATUS{}", &line[..start], &line[end..])
}

#[test]
fn dry_run_lines_for_each_machine_and_accelerator() {
    let dir = tempdir("run");
    let img = image(&dir);
    let base = format!(
        "-m 96M -nodefaults -no-user-config -display none -no-reboot -serial stdio \
         -kernel {} -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
         -chardev file,id=rrstatus,path=STATUS -device isa-debugcon,iobase={:#x},chardev=rrstatus\n",
        img.display(),
        DEBUGCON_PORT
    );
    for (machine, mname) in [(Machine::Microvm, "microvm"), (Machine::Q35, "q35")] {
        for (accel, aflags) in [
            (Accel::Kvm, "-accel kvm -cpu host,-arch-capabilities"),
            (Accel::Tcg, "-accel tcg -cpu max"),
        ] {
            let opts = RunOptions {
                image: img.clone(),
                machine,
                accel: Some(accel),
                dry_run: true,
                ..Default::default()
            };
            let (out, err) = dry(&opts, &INTEL);
            assert_eq!(
                normalise(&out),
                format!("qemu-system-x86_64 -M {mname} {aflags} {base}")
            );
            assert_eq!(err, "");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dry_run_on_pvm_host_uses_tcg_and_says_why_once() {
    let dir = tempdir("run");
    let img = image(&dir);
    let opts = RunOptions {
        image: img,
        dry_run: true,
        ..Default::default()
    };
    let (out, err) = dry(&opts, &PVM);
    assert!(out.contains(" -accel tcg -cpu max "), "{out}");
    assert_eq!(
        err,
        "rumprun: /dev/kvm is PVM (kvm_pvm), which cannot run unmodified guests; using TCG\n"
    );
    let (out, _) = dry(&opts, &INTEL);
    assert!(
        out.contains(" -accel kvm -cpu host,-arch-capabilities "),
        "{out}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn overrides_travel_on_the_command_line_and_memory_flag_wins() {
    let dir = tempdir("run");
    let img = image(&dir);
    let opts = RunOptions {
        image: img,
        env: vec!["GREETING=hello there".into()],
        args: vec!["it's".into(), "me".into()],
        trace: true,
        memory_mib: Some(256),
        accel: Some(Accel::Tcg),
        dry_run: true,
        ..Default::default()
    };
    let (out, _) = dry(&opts, &PVM);
    assert!(out.contains(" -m 256M "), "{out}");
    assert!(
        out.trim_end().ends_with(
            "-append 'rr.env=GREETING%3Dhello%20there rr.args rr.arg=it%27s rr.arg=me rr.trace'"
        ),
        "{out}"
    );
    // The encoded line parses back to the same overrides.
    let line = out
        .rsplit("-append '")
        .next()
        .unwrap()
        .trim_end()
        .trim_end_matches('\'');
    let parsed = cmdline::parse(line).unwrap();
    assert_eq!(parsed.env, ["GREETING=hello there"]);
    assert_eq!(parsed.args.unwrap(), ["it's", "me"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn running_a_non_image_is_a_clear_error() {
    let dir = tempdir("run");
    let prog = program(&dir, "p", Link::RumprunCc);
    let opts = RunOptions {
        image: prog,
        dry_run: true,
        ..Default::default()
    };
    let e = run(&opts, &PVM, None, "q", &mut Vec::new(), &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("not a baked image"), "{e}");
    let opts = RunOptions {
        image: dir.join("missing.img"),
        ..Default::default()
    };
    let e = run(&opts, &PVM, None, "q", &mut Vec::new(), &mut Vec::new()).unwrap_err();
    assert!(e.to_string().starts_with("cannot read image"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

fn fake_qemu(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in file,id=rrstatus,path=*) p=\"${{a#file,id=rrstatus,path=}}\";; esac; done\n{body}\n"
    );
    std::fs::write(&p, script).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.display().to_string()
}

fn boot_with(qemu: &str, img: &Path, timeout: Option<Duration>) -> (u8, String) {
    let opts = RunOptions {
        image: img.into(),
        accel: Some(Accel::Tcg),
        timeout,
        ..Default::default()
    };
    let mut err = Vec::new();
    let st = run(&opts, &PVM, None, qemu, &mut Vec::new(), &mut err).unwrap();
    (st, String::from_utf8(err).unwrap())
}

#[test]
fn exit_status_comes_from_the_debugcon_line() {
    let dir = tempdir("run");
    let img = image(&dir);
    let q = fake_qemu(
        &dir,
        "q42",
        "printf 'booting\\nexit 42\\n' > \"$p\"; exit 85",
    );
    assert_eq!(boot_with(&q, &img, None), (42, String::new()));
    let q = fake_qemu(&dir, "q139", "printf 'exit 139\\n' > \"$p\"; exit 1");
    assert_eq!(boot_with(&q, &img, None).0, 139);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn no_report_and_timeout_give_124_with_a_message() {
    let dir = tempdir("run");
    let img = image(&dir);
    let q = fake_qemu(&dir, "qcrash", "exit 3");
    let (st, err) = boot_with(&q, &img, None);
    assert_eq!(st, STATUS_NO_REPORT);
    assert_eq!(
        err,
        "rumprun: the VM stopped without reporting an exit status (kernel crash, \
         triple fault or QEMU error; QEMU exit code 3)\n"
    );
    let q = fake_qemu(&dir, "qhang", "exec sleep 30");
    let t = Instant::now();
    let (st, err) = boot_with(&q, &img, Some(Duration::from_millis(300)));
    assert_eq!(st, STATUS_NO_REPORT);
    assert!(err.contains("timed out after 0.3 s"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(10));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn missing_qemu_says_how_to_install_it() {
    let dir = tempdir("run");
    let img = image(&dir);
    let opts = RunOptions {
        image: img,
        accel: Some(Accel::Tcg),
        ..Default::default()
    };
    let e = run(
        &opts,
        &PVM,
        None,
        "/nonexistent/qemu",
        &mut Vec::new(),
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("make setup"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn shell_quoting() {
    assert_eq!(shell_quote("plain-word_1.img"), "plain-word_1.img");
    assert_eq!(shell_quote(""), "''");
    assert_eq!(shell_quote("a b"), "'a b'");
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
}

#[test]
fn fake_kernel_boots_in_qemu_finds_the_payload_and_reports_its_status() {
    if Command::new(QEMU_DEFAULT)
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: {QEMU_DEFAULT} is not installed (run `make setup`)");
        return;
    }
    let dir = tempdir("qemu");
    let img = image(&dir);
    for machine in [Machine::Microvm, Machine::Q35] {
        let opts = RunOptions {
            image: img.clone(),
            machine,
            accel: Some(Accel::Tcg),
            timeout: Some(Duration::from_secs(60)),
            ..Default::default()
        };
        let mut err = Vec::new();
        let st = run(&opts, &PVM, None, QEMU_DEFAULT, &mut Vec::new(), &mut err).unwrap();
        // 7: the PVH entry followed the patched slot to the payload magic.
        assert_eq!(st, 7, "{machine:?}: {}", String::from_utf8_lossy(&err));
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn memory_too_small_for_the_image_is_refused() {
    let dir = tempdir("run");
    let img = image(&dir);
    let opts = RunOptions {
        image: img,
        memory_mib: Some(1),
        dry_run: true,
        ..Default::default()
    };
    let e = run(&opts, &PVM, None, "q", &mut Vec::new(), &mut Vec::new()).unwrap_err();
    assert!(e.to_string().starts_with("-m 1M is too small"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}
