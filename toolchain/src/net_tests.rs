//! Host tests of the networking flags: parsing, merging with baked
//! settings, the QEMU arguments, and the checks made before boot.

use super::*;

fn fwd(s: &str) -> PortForward {
    parse_publish(s).unwrap()
}

#[test]
fn publish_values() {
    assert_eq!(
        fwd("8080:80"),
        PortForward {
            proto: Proto::Tcp,
            host_ip: None,
            host_port: 8080,
            guest_port: 80
        }
    );
    assert_eq!(fwd("6379:6379/tcp").proto, Proto::Tcp);
    assert_eq!(fwd("5353:53/udp").proto, Proto::Udp);
    let f = fwd("127.0.0.1:8080:80/udp");
    assert_eq!(f.host_ip, Some(Ipv4Addr::LOCALHOST));
    assert_eq!((f.host_port, f.guest_port), (8080, 80));
    for bad in [
        "",
        "80",
        "0:80",
        "80:0",
        "8080:80/sctp",
        "8080:80/",
        "65536:80",
        "a:80",
        "::1:80:80",
        "[::1]:80:80",
        "1.2.3:80:80",
        "8080:+80",
        "1:2:3:4",
    ] {
        assert_eq!(
            parse_publish(bad),
            Err(NetArgError::Publish(bad.into())),
            "{bad}"
        );
    }
    assert_eq!(
        parse_publish("80").unwrap_err().to_string(),
        "-p \"80\": expected HOST:GUEST[/tcp|/udp] or HOSTIP:HOST:GUEST[/tcp|/udp] with ports \
         1..=65535, for example -p 8080:80"
    );
}

#[test]
fn net_modes() {
    assert_eq!(parse_net_mode("user").unwrap(), NetMode::User);
    assert_eq!(parse_net_mode("none").unwrap(), NetMode::None);
    assert_eq!(
        parse_net_mode("tap:tap0").unwrap(),
        NetMode::Tap("tap0".into())
    );
    for bad in [
        "tap:",
        "tap:a,b",
        "tap:0123456789abcdef",
        "tap:a b",
        "tap:x=y",
    ] {
        assert!(
            matches!(parse_net_mode(bad), Err(NetArgError::TapName(_))),
            "{bad}"
        );
    }
    assert_eq!(
        parse_net_mode("bridge").unwrap_err().to_string(),
        "--net \"bridge\": expected user, tap:IFNAME or none, for example --net tap:tap0"
    );
    assert_eq!(NetMode::Tap("t".into()).to_string(), "tap:t");
}

#[test]
fn address_flags_name_the_flag() {
    assert_eq!(
        parse_ip("10.0.2.15").unwrap_err().to_string(),
        "--ip \"10.0.2.15\": expected A.B.C.D/N such as 10.0.2.15/24"
    );
    assert_eq!(parse_ip("dhcp").unwrap(), Ipv4Flag::Dhcp);
    assert_eq!(parse_ip("off").unwrap(), Ipv4Flag::Off);
    assert_eq!(parse_ip6("slaac").unwrap(), Ipv6Flag::Slaac);
    assert!(parse_ip6("fd00::2/64").is_ok());
    assert!(parse_gw("10.0.2.2").is_ok());
    assert!(parse_gw("fe80::1")
        .unwrap_err()
        .to_string()
        .starts_with("--gw "));
    assert!(parse_gw6("fe80::1").is_ok());
    assert_eq!(parse_dns("fd00::3").unwrap().len(), 16);
    assert!(parse_mtu("40")
        .unwrap_err()
        .to_string()
        .starts_with("--mtu \"40\": expected an MTU"));
    assert_eq!(parse_hostname("web1").unwrap(), "web1");
    assert!(parse_hostname("web 1")
        .unwrap_err()
        .to_string()
        .starts_with("--hostname \"web 1\":"));
}

#[test]
fn flags_merge_into_the_baked_settings() {
    let baked = NetConfig {
        ipv4: Ipv4Mode::Static {
            addr: [192, 168, 76, 9],
            prefix: 24,
            gateway: Some([192, 168, 76, 1]),
        },
        dns: vec![vec![192, 168, 76, 1]],
        ..Default::default()
    };
    // --mtu alone keeps the baked address.
    let f = NetFlags {
        mtu: Some(1400),
        ..Default::default()
    };
    let c = f.apply(&baked).unwrap();
    assert_eq!((c.ipv4, c.mtu), (baked.ipv4, Some(1400)));
    assert_eq!(c.dns, baked.dns);
    // --gw alone changes the gateway of the baked static address.
    let f = NetFlags {
        gw: Some([192, 168, 76, 254]),
        ..Default::default()
    };
    assert!(matches!(
        f.apply(&baked).unwrap().ipv4,
        Ipv4Mode::Static {
            gateway: Some([192, 168, 76, 254]),
            ..
        }
    ));
    // --ip dhcp forces DHCP; --dns replaces the list.
    let f = NetFlags {
        ip: Some(Ipv4Flag::Dhcp),
        dns: vec![vec![1, 1, 1, 1]],
        ..Default::default()
    };
    let c = f.apply(&baked).unwrap();
    assert_eq!((c.ipv4, c.dns), (Ipv4Mode::Dhcp, vec![vec![1, 1, 1, 1]]));
    // A new --ip drops the old gateway unless --gw comes with it.
    let f = NetFlags {
        ip: Some(Ipv4Flag::Static([10, 0, 0, 5], 8)),
        ..Default::default()
    };
    assert!(matches!(
        f.apply(&baked).unwrap().ipv4,
        Ipv4Mode::Static { gateway: None, .. }
    ));
    assert!(NetFlags::default().is_empty());
    assert_eq!(f.first_flag(), Some("--ip"));
}

#[test]
fn inconsistent_flags_are_refused() {
    let dhcp = NetConfig::default();
    let gw = NetFlags {
        gw: Some([10, 0, 2, 2]),
        ..Default::default()
    };
    assert_eq!(
        gw.apply(&dhcp).unwrap_err().to_string(),
        "--gw needs a static address: add --ip A.B.C.D/N (without it the image uses DHCP)"
    );
    let gw6 = NetFlags {
        gw6: Some(cfg::parse_ipv6("fe80::1").unwrap()),
        ..Default::default()
    };
    assert!(matches!(
        gw6.apply(&dhcp),
        Err(NetArgError::Gateway6WithoutAddress("SLAAC"))
    ));
    let outside = NetFlags {
        ip: Some(Ipv4Flag::Static([10, 0, 2, 15], 24)),
        gw: Some([10, 0, 3, 2]),
        ..Default::default()
    };
    assert_eq!(
        outside.apply(&dhcp).unwrap_err().to_string(),
        "network settings: \"10.0.3.2\": the IPv4 gateway is outside the interface's subnet"
    );
    let small = NetFlags {
        mtu: Some(576),
        ..Default::default()
    };
    assert!(small.apply(&dhcp).unwrap_err().to_string().contains("1280"));
    let small_v4 = NetFlags {
        mtu: Some(576),
        ip6: Some(Ipv6Flag::Off),
        ..Default::default()
    };
    assert_eq!(small_v4.apply(&dhcp).unwrap().mtu, Some(576));
}

#[test]
fn forwards_need_user_networking_and_distinct_host_ports() {
    let fs = [fwd("8080:80"), fwd("8080:80/udp"), fwd("127.0.0.1:8081:81")];
    assert_eq!(check_forwards(&NetMode::User, &fs), Ok(()));
    assert_eq!(check_forwards(&NetMode::None, &[]), Ok(()));
    let e = check_forwards(&NetMode::Tap("tap0".into()), &fs).unwrap_err();
    assert!(e.to_string().starts_with("-p needs --net user"), "{e}");
    let e = check_forwards(&NetMode::None, &fs).unwrap_err();
    assert!(
        e.to_string().contains("--net none gives the VM no NIC"),
        "{e}"
    );
    let e = check_forwards(&NetMode::User, &[fwd("8080:80"), fwd("127.0.0.1:8080:81")]);
    assert_eq!(
        e.unwrap_err().to_string(),
        "-p: host port 8080/tcp is forwarded twice"
    );
    let distinct = [fwd("127.0.0.1:8080:80"), fwd("127.0.0.2:8080:80")];
    assert_eq!(check_forwards(&NetMode::User, &distinct), Ok(()));
}

#[test]
fn qemu_arguments_per_backend_and_machine() {
    let dhcp = NetConfig::default();
    let fs = [fwd("8080:80"), fwd("127.0.0.1:5353:53/udp")];
    assert_eq!(
        qemu_args(
            &NetMode::User,
            &fs,
            Machine::Q35,
            &dhcp,
            DeviceOpts::default()
        )
        .join(" "),
        "-netdev user,id=n0,hostfwd=tcp::8080-:80,hostfwd=udp:127.0.0.1:5353-:53 \
         -device virtio-net-pci,netdev=n0"
    );
    assert_eq!(
        qemu_args(
            &NetMode::User,
            &[],
            Machine::Microvm,
            &dhcp,
            DeviceOpts::default()
        )
        .join(" "),
        "-netdev user,id=n0 -device virtio-net-device,netdev=n0"
    );
    assert_eq!(
        qemu_args(
            &NetMode::Tap("tap0".into()),
            &[],
            Machine::Microvm,
            &dhcp,
            DeviceOpts::default()
        )
        .join(" "),
        "-netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device virtio-net-device,netdev=n0"
    );
    assert!(qemu_args(
        &NetMode::None,
        &[],
        Machine::Q35,
        &dhcp,
        DeviceOpts::default()
    )
    .is_empty());
    // A static address moves slirp's network and receives the forwards.
    let st = NetConfig {
        ipv4: Ipv4Mode::Static {
            addr: [192, 168, 76, 9],
            prefix: 24,
            gateway: Some([192, 168, 76, 1]),
        },
        ..Default::default()
    };
    assert_eq!(
        qemu_args(
            &NetMode::User,
            &fs[..1],
            Machine::Q35,
            &st,
            DeviceOpts::default()
        )
        .join(" "),
        "-netdev user,id=n0,net=192.168.76.0/24,host=192.168.76.1,\
         hostfwd=tcp::8080-192.168.76.9:80 -device virtio-net-pci,netdev=n0"
    );
    // A subnet smaller than slirp needs gets the /24 around it.
    let small = NetConfig {
        ipv4: Ipv4Mode::Static {
            addr: [172, 16, 5, 33],
            prefix: 28,
            gateway: Some([172, 16, 5, 46]),
        },
        ..Default::default()
    };
    assert_eq!(
        qemu_args(
            &NetMode::User,
            &[],
            Machine::Microvm,
            &small,
            DeviceOpts::default()
        )[1],
        "user,id=n0,net=172.16.5.0/24,host=172.16.5.46"
    );
    // On a tap device the static address is the guest's business only.
    assert_eq!(
        qemu_args(
            &NetMode::Tap("t".into()),
            &[],
            Machine::Q35,
            &st,
            DeviceOpts::default()
        )[1],
        "tap,id=n0,ifname=t,script=no,downscript=no"
    );
}

#[test]
fn a_host_port_in_use_is_named() {
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let f = fwd(&format!("127.0.0.1:{port}:80"));
    let e = check_host_ports(&[f]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "host port {port}/tcp on 127.0.0.1 is already in use; stop what holds it or pick \
             another host port, e.g. -p {}:80",
            port + 1
        )
    );
    // Every address (the default) overlaps the loopback listener too.
    let e = check_host_ports(&[fwd(&format!("{port}:80"))]).unwrap_err();
    assert!(matches!(e, NetArgError::PortInUse { .. }), "{e}");
    let held_udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let uport = held_udp.local_addr().unwrap().port();
    let e = check_host_ports(&[fwd(&format!("127.0.0.1:{uport}:53/udp"))]).unwrap_err();
    assert!(e.to_string().ends_with(":53/udp"), "{e}");
    // A free port passes, and is free again afterwards.
    drop(held);
    assert_eq!(check_host_ports(&[f]), Ok(()));
    assert_eq!(check_host_ports(&[f]), Ok(()));
    let e = check_host_ports(&[fwd("192.0.2.77:8080:80")]).unwrap_err();
    assert!(
        e.to_string().contains("is not an address of this host"),
        "{e}"
    );
}

#[test]
fn a_missing_tap_device_says_how_to_create_it() {
    let dir = crate::testutil::tempdir("tap");
    std::fs::create_dir(dir.join("tap0")).unwrap();
    assert_eq!(check_tap(&NetMode::Tap("tap0".into()), &dir), Ok(()));
    assert_eq!(check_tap(&NetMode::User, &dir), Ok(()));
    let e = check_tap(&NetMode::Tap("rr9".into()), &dir).unwrap_err();
    assert_eq!(
        e.to_string(),
        "--net tap:rr9: no interface rr9 on this host; create it first: \
         `sudo ip tuntap add dev rr9 mode tap user $USER && sudo ip link set rr9 up`"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn no_offload_turns_checksum_offload_off_on_each_machine() {
    let dhcp = NetConfig::default();
    let tap = NetMode::Tap("rrtap0".into());
    for (machine, device) in [
        (Machine::Q35, "virtio-net-pci"),
        (Machine::Microvm, "virtio-net-device"),
    ] {
        assert_eq!(
            qemu_args(&tap, &[], machine, &dhcp, NO_OFFLOAD).join(" "),
            format!(
                "-netdev tap,id=n0,ifname=rrtap0,script=no,downscript=no \
                 -device {device},netdev=n0,csum=off,guest_csum=off"
            )
        );
        // User networking offers no offload, but the flag still says so.
        assert_eq!(
            qemu_args(
                &NetMode::User,
                &[fwd("8080:80")],
                machine,
                &dhcp,
                NO_OFFLOAD
            )[3],
            format!("{device},netdev=n0,csum=off,guest_csum=off")
        );
        // By default the device offers what its backend can.
        assert_eq!(
            qemu_args(&tap, &[], machine, &dhcp, DeviceOpts::default())[3],
            format!("{device},netdev=n0")
        );
    }
    assert!(qemu_args(&NetMode::None, &[], Machine::Q35, &dhcp, NO_OFFLOAD).is_empty());
}

/// No offload, no MAC.
const NO_OFFLOAD: DeviceOpts = DeviceOpts {
    no_offload: true,
    mac: None,
};

#[test]
fn mac_addresses_parse_and_print_and_bad_ones_are_refused() {
    let m = parse_mac("52:54:00:AB:cd:0f").unwrap();
    assert_eq!(m, Mac([0x52, 0x54, 0, 0xab, 0xcd, 0x0f]));
    assert_eq!(m.to_string(), "52:54:00:ab:cd:0f");
    assert_eq!(
        parse_mac("02-00-00-00-00-01").unwrap().to_string(),
        "02:00:00:00:00:01"
    );
    for bad in [
        "",
        "52:54:00:ab:cd",
        "52:54:00:ab:cd:ef:01",
        "52:54:00:ab:cd:e",
        "52:54:00:ab:cd:eff",
        "52:54:00:ab:cd:gg",
        "52:54:00:ab:cd:+1",
        "01:00:5e:00:00:01", // multicast
        "ff:ff:ff:ff:ff:ff", // broadcast
        "00:00:00:00:00:00",
    ] {
        assert_eq!(parse_mac(bad), Err(NetArgError::Mac(bad.into())), "{bad:?}");
    }
    assert!(NetArgError::Mac("x".into())
        .to_string()
        .contains("unicast (the first octet even)"));
}

#[test]
fn random_macs_are_local_unicast_under_qemus_prefix_and_differ() {
    let macs: Vec<Mac> = (0..8).map(|_| Mac::random()).collect();
    for m in &macs {
        assert_eq!(m.0[..3], [0x52, 0x54, 0x00]);
        // IEEE 802: bit 1 of the first octet (local), bit 0 clear (unicast).
        assert_eq!(m.0[0] & 3, 2);
        assert_eq!(parse_mac(&m.to_string()), Ok(*m));
    }
    // 24 random bits: eight draws all equal would be a broken source.
    assert!(macs.iter().any(|m| *m != macs[0]));
}

#[test]
fn the_mac_goes_on_the_device_before_the_offload_switches() {
    let dhcp = NetConfig::default();
    let tap = NetMode::Tap("rrtap0".into());
    let dev = DeviceOpts {
        no_offload: true,
        mac: Some(Mac([0x52, 0x54, 0, 1, 2, 3])),
    };
    assert_eq!(
        qemu_args(&tap, &[], Machine::Q35, &dhcp, dev)[3],
        "virtio-net-pci,netdev=n0,mac=52:54:00:01:02:03,csum=off,guest_csum=off"
    );
    let dev = DeviceOpts {
        no_offload: false,
        ..dev
    };
    assert_eq!(
        qemu_args(&NetMode::User, &[], Machine::Microvm, &dhcp, dev)[3],
        "virtio-net-device,netdev=n0,mac=52:54:00:01:02:03"
    );
}
