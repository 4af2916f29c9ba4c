//! Tests of the QEMU command line (through `--dry-run`, so the KVM path is
//! checked without KVM) and of the exit-status protocol with a fake QEMU.

use super::*;
use crate::accel::HostProbe;
use crate::bake::{bake, BakeOptions};
use crate::net::Mac;
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
        net: Default::default(),
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
         -chardev file,id=rrstatus,path=STATUS -device isa-debugcon,iobase={:#x},chardev=rrstatus",
        img.display(),
        DEBUGCON_PORT
    );
    // The default network is QEMU's user networking with the machine's
    // virtio-net device.
    for (machine, mname, nic) in [
        (Machine::Microvm, "microvm", "virtio-net-device"),
        (Machine::Q35, "q35", "virtio-net-pci"),
    ] {
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
                format!(
                    "qemu-system-x86_64 -M {mname} {aflags} {base} \
                     -netdev user,id=n0 -device {nic},netdev=n0\n"
                )
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

fn dry_err(opts: &RunOptions) -> String {
    run(opts, &INTEL, None, "q", &mut Vec::new(), &mut Vec::new())
        .unwrap_err()
        .to_string()
}

/// Returns the words of a dry-run line from `-netdev`/`-device` on (the
/// NIC) up to `-append`, and the `-append` value.
fn nic_and_append(out: &str) -> (String, String) {
    let words: Vec<&str> = out.split_whitespace().collect();
    let start = words
        .iter()
        .position(|w| *w == "-netdev")
        .unwrap_or(words.len());
    let end = words
        .iter()
        .position(|w| *w == "-append")
        .unwrap_or(words.len());
    let append = words
        .get(end + 1..)
        .map(|w| w.join(" "))
        .unwrap_or_default();
    (
        words[start.min(end)..end].join(" "),
        append.trim_matches('\'').to_string(),
    )
}

#[test]
fn dry_run_user_networking_with_forwards_on_each_machine() {
    let dir = tempdir("run");
    let img = image(&dir);
    let publish = [
        "8080:80",
        "6379:6379/tcp",
        "5353:53/udp",
        "127.0.0.1:2222:22",
    ]
    .map(|p| crate::net::parse_publish(p).unwrap())
    .to_vec();
    let fwd = "hostfwd=tcp::8080-:80,hostfwd=tcp::6379-:6379,hostfwd=udp::5353-:53,\
               hostfwd=tcp:127.0.0.1:2222-:22";
    for (machine, dev) in [
        (Machine::Q35, "virtio-net-pci"),
        (Machine::Microvm, "virtio-net-device"),
    ] {
        for accel in [Accel::Kvm, Accel::Tcg] {
            let opts = RunOptions {
                image: img.clone(),
                machine,
                accel: Some(accel),
                publish: publish.clone(),
                dry_run: true,
                ..Default::default()
            };
            let (out, err) = dry(&opts, &INTEL);
            assert_eq!(err, "");
            let (nic, append) = nic_and_append(&out);
            assert_eq!(
                nic,
                format!("-netdev user,id=n0,{fwd} -device {dev},netdev=n0"),
                "{out}"
            );
            // No address flags: the image's own settings stand.
            assert_eq!(append, "", "{out}");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dry_run_address_flags_travel_on_the_command_line() {
    use crate::net::{parse_dns, parse_publish, Ipv4Flag, Ipv6Flag, NetFlags};
    let dir = tempdir("run");
    let img = image(&dir);
    let opts = RunOptions {
        image: img,
        accel: Some(Accel::Kvm),
        machine: Machine::Q35,
        publish: vec![parse_publish("8080:80").unwrap()],
        net_flags: NetFlags {
            ip: Some(Ipv4Flag::Static([10, 0, 2, 99], 24)),
            gw: Some([10, 0, 2, 2]),
            dns: vec![
                parse_dns("10.0.2.3").unwrap(),
                parse_dns("fd00::3").unwrap(),
            ],
            mtu: Some(1400),
            ip6: Some(Ipv6Flag::Off),
            gw6: None,
        },
        hostname: Some("web1".into()),
        dry_run: true,
        ..Default::default()
    };
    let (out, _) = dry(&opts, &INTEL);
    assert!(
        out.contains(" -accel kvm -cpu host,-arch-capabilities "),
        "{out}"
    );
    let (nic, append) = nic_and_append(&out);
    assert_eq!(
        nic,
        "-netdev user,id=n0,net=10.0.2.0/24,host=10.0.2.2,hostfwd=tcp::8080-10.0.2.99:80 \
         -device virtio-net-pci,netdev=n0"
    );
    assert_eq!(
        append,
        "rr.hostname=web1 rr.ip=10.0.2.99/24 rr.gw=10.0.2.2 rr.ip6=off rr.dns=10.0.2.3 \
         rr.dns=fd00::3 rr.mtu=1400"
    );
    let parsed = cmdline::parse(&append).unwrap();
    assert_eq!(parsed.hostname.as_deref(), Some("web1"));
    assert_eq!(parsed.net.unwrap().mtu, Some(1400));
    std::fs::remove_dir_all(dir).unwrap();
}

/// A MAC for tap tests (without one each run gets a random one).
const MAC: Mac = Mac([0x52, 0x54, 0, 0xaa, 0xbb, 0xcc]);

#[test]
fn dry_run_tap_and_none() {
    use crate::net::{Ipv4Flag, NetFlags};
    let dir = tempdir("run");
    let img = image(&dir);
    let tap = RunOptions {
        image: img.clone(),
        accel: Some(Accel::Tcg),
        net: NetMode::Tap("rrtap0".into()),
        net_flags: NetFlags {
            ip: Some(Ipv4Flag::Static([192, 168, 77, 2], 24)),
            gw: Some([192, 168, 77, 1]),
            ..Default::default()
        },
        mac: Some(MAC),
        dry_run: true,
        ..Default::default()
    };
    // --dry-run does not need the tap device to exist.
    let (out, _) = dry(&tap, &INTEL);
    let (nic, append) = nic_and_append(&out);
    assert_eq!(
        nic,
        "-netdev tap,id=n0,ifname=rrtap0,script=no,downscript=no \
         -device virtio-net-device,netdev=n0,mac=52:54:00:aa:bb:cc"
    );
    assert_eq!(append, "rr.ip=192.168.77.2/24 rr.gw=192.168.77.1");
    let q35 = RunOptions {
        machine: Machine::Q35,
        accel: Some(Accel::Kvm),
        ..tap.clone()
    };
    let (out, _) = dry(&q35, &INTEL);
    assert!(
        out.contains(" -device virtio-net-pci,netdev=n0,mac=52:54:00:aa:bb:cc "),
        "{out}"
    );
    for machine in [Machine::Microvm, Machine::Q35] {
        let none = RunOptions {
            image: img.clone(),
            machine,
            accel: Some(Accel::Tcg),
            net: NetMode::None,
            dry_run: true,
            ..Default::default()
        };
        let (out, _) = dry(&none, &INTEL);
        assert!(
            !out.contains("-netdev") && !out.contains("virtio-net"),
            "{out}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dry_run_no_offload_on_each_machine() {
    let dir = tempdir("run");
    let img = image(&dir);
    for (machine, device) in [
        (Machine::Microvm, "virtio-net-device"),
        (Machine::Q35, "virtio-net-pci"),
    ] {
        let opts = RunOptions {
            image: img.clone(),
            machine,
            accel: Some(Accel::Tcg),
            net: NetMode::Tap("rrtap0".into()),
            no_offload: true,
            mac: Some(MAC),
            dry_run: true,
            ..Default::default()
        };
        let (out, _) = dry(&opts, &INTEL);
        let (nic, _) = nic_and_append(&out);
        assert_eq!(
            nic,
            format!(
                "-netdev tap,id=n0,ifname=rrtap0,script=no,downscript=no \
                 -device {device},netdev=n0,mac=52:54:00:aa:bb:cc,csum=off,guest_csum=off"
            )
        );
    }
    // Without a NIC there is no offload to turn off, and no MAC to set.
    let none = RunOptions {
        image: img,
        net: NetMode::None,
        no_offload: true,
        dry_run: true,
        ..Default::default()
    };
    assert_eq!(
        dry_err(&none),
        "--no-offload configures the NIC, and --net none gives the VM no NIC; drop one of them"
    );
    let none_mac = RunOptions {
        no_offload: false,
        mac: Some(MAC),
        ..none
    };
    assert_eq!(
        dry_err(&none_mac),
        "--mac configures the NIC, and --net none gives the VM no NIC; drop one of them"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dry_run_mac_given_or_random_per_run_on_tap_and_qemus_default_on_user() {
    let dir = tempdir("run");
    let img = image(&dir);
    let tap = RunOptions {
        image: img.clone(),
        accel: Some(Accel::Tcg),
        net: NetMode::Tap("rrtap0".into()),
        dry_run: true,
        ..Default::default()
    };
    let mac_of = |opts: &RunOptions| {
        let (out, _) = dry(opts, &INTEL);
        let (nic, _) = nic_and_append(&out);
        nic.split_once(",mac=")
            .map(|(_, m)| m.split(',').next().unwrap_or_default().to_owned())
    };
    // Two runs of one image on a tap device: two different local MACs.
    let (a, b) = (mac_of(&tap).unwrap(), mac_of(&tap).unwrap());
    assert!(
        a.starts_with("52:54:00:") && b.starts_with("52:54:00:"),
        "{a} {b}"
    );
    // 24 random bits: a repeat is a one-in-16-million event; try a few.
    assert!(
        (0..4).any(|_| mac_of(&tap).unwrap() != a),
        "the MAC never changes"
    );
    let given = RunOptions {
        mac: Some(Mac([0x02, 0, 0, 0, 0, 0x2a])),
        ..tap.clone()
    };
    assert_eq!(mac_of(&given).as_deref(), Some("02:00:00:00:00:2a"));
    // User networking: QEMU's default, unless one is given.
    let user = RunOptions {
        net: NetMode::User,
        ..tap.clone()
    };
    assert_eq!(mac_of(&user), None);
    let user_given = RunOptions {
        net: NetMode::User,
        ..given
    };
    assert_eq!(mac_of(&user_given).as_deref(), Some("02:00:00:00:00:2a"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn network_misuse_is_refused_before_anything_runs() {
    use crate::net::{parse_publish, Ipv4Flag, NetFlags};
    let dir = tempdir("run");
    let img = image(&dir);
    let p = vec![parse_publish("8080:80").unwrap()];
    let base = RunOptions {
        image: img,
        accel: Some(Accel::Tcg),
        dry_run: true,
        ..Default::default()
    };
    let e = dry_err(&RunOptions {
        net: NetMode::Tap("tap0".into()),
        publish: p.clone(),
        ..base.clone()
    });
    assert!(e.starts_with("-p needs --net user"), "{e}");
    let e = dry_err(&RunOptions {
        net: NetMode::None,
        publish: p,
        ..base.clone()
    });
    assert!(e.contains("--net none gives the VM no NIC"), "{e}");
    let e = dry_err(&RunOptions {
        net: NetMode::None,
        net_flags: NetFlags {
            ip: Some(Ipv4Flag::Dhcp),
            ..Default::default()
        },
        ..base.clone()
    });
    assert_eq!(
        e,
        "--ip configures the NIC, and --net none gives the VM no NIC; drop one of them"
    );
    // The image was baked with DHCP: --gw alone has no address to go with.
    let e = dry_err(&RunOptions {
        net_flags: NetFlags {
            gw: Some([10, 0, 2, 2]),
            ..Default::default()
        },
        ..base
    });
    assert!(e.starts_with("--gw needs a static address"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_busy_host_port_or_missing_tap_stops_the_boot_before_qemu() {
    let dir = tempdir("run");
    let img = image(&dir);
    // This QEMU would leave a mark: it must never start.
    let mark = dir.join("started");
    let q = fake_qemu(
        &dir,
        "qmark",
        &format!("touch {}; printf 'exit 0\\n' > \"$p\"", mark.display()),
    );
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let opts = RunOptions {
        image: img.clone(),
        accel: Some(Accel::Tcg),
        publish: vec![crate::net::parse_publish(&format!("127.0.0.1:{port}:80")).unwrap()],
        ..Default::default()
    };
    let e = run(&opts, &PVM, None, &q, &mut Vec::new(), &mut Vec::new()).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "host port {port}/tcp on 127.0.0.1 is already in use"
        )),
        "{e}"
    );
    assert!(!mark.exists());
    // Freed, the same forward boots.
    drop(held);
    let st = run(&opts, &PVM, None, &q, &mut Vec::new(), &mut Vec::new()).unwrap();
    assert_eq!(st, 0);
    assert!(mark.exists());
    std::fs::remove_file(&mark).unwrap();
    let tap = RunOptions {
        image: img,
        accel: Some(Accel::Tcg),
        net: NetMode::Tap("rrnotap9".into()),
        ..Default::default()
    };
    let e = run(&tap, &PVM, None, &q, &mut Vec::new(), &mut Vec::new()).unwrap_err();
    assert!(e.to_string().contains("no interface rrnotap9"), "{e}");
    assert!(!mark.exists());
    std::fs::remove_dir_all(dir).unwrap();
}
