//! The process hooks (attach_nic, net_poll, net_ready, the net timer) and
//! the /etc files seen through the VFS.

use alloc::boxed::Box;
use alloc::vec;

use rumprun_config::image::ImageConfig;
use rumprun_config::net::{Ipv4Mode, NetConfig};

use super::nic::FakeNic;
use crate::mock::MockPlatform;
use crate::net::Socket;
use crate::process::Process;

fn config(net: NetConfig) -> ImageConfig {
    ImageConfig {
        hostname: "web".into(),
        net,
        ..Default::default()
    }
}

#[test]
fn hooks_print_the_address_once_and_report_readiness() {
    let p = MockPlatform::default();
    let proc = Process::new(
        &config(NetConfig {
            ipv4: Ipv4Mode::Static {
                addr: [10, 0, 2, 15],
                prefix: 24,
                gateway: Some([10, 0, 2, 2]),
            },
            dns: vec![vec![10, 0, 2, 3]],
            ..Default::default()
        }),
        false,
    );
    assert!(proc.net_ready());
    let (nic, _wire) = FakeNic::new();
    proc.attach_nic(&p, Box::new(nic));
    assert!(proc.net_ready());
    let _ = proc.net_poll(&p);
    let _ = proc.net_poll(&p);
    let console = alloc::string::String::from_utf8(p.console.borrow().clone()).unwrap();
    assert_eq!(
        console,
        "rumprun: eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3\n"
    );
    let st = proc.state_for_tests();
    assert_eq!(
        &*st.net
            .take_timer_change()
            .map(|_| ())
            .into_iter()
            .collect::<alloc::vec::Vec<_>>(),
        &[] as &[()],
        "net_poll armed the timer itself"
    );
}

#[test]
fn dhcp_mode_is_not_ready_until_a_lease() {
    let p = MockPlatform::default();
    let proc = Process::new(&config(NetConfig::default()), false);
    assert!(proc.net_ready(), "no NIC: ready");
    let (nic, wire) = FakeNic::new();
    proc.attach_nic(&p, Box::new(nic));
    assert!(!proc.net_ready());
    // The DHCP client sent a DISCOVER and wants a retransmission timer.
    let next = proc.net_poll(&p);
    assert!(next.is_some());
    assert!(!wire.lock().from_guest.is_empty());
}

#[test]
fn generated_hosts_and_resolv_conf_follow_the_stack() {
    let t = super::T::with_cfg(NetConfig {
        ipv4: Ipv4Mode::Static {
            addr: [192, 168, 1, 5],
            prefix: 24,
            gateway: None,
        },
        ..Default::default()
    });
    assert_eq!(&*t.etc.net.resolv.get(), b"nameserver 10.0.2.3\n");
    assert!(t.etc.net.hosts.get().ends_with(b"127.0.1.1\tbox\n"));
    let (nic, _w) = FakeNic::new();
    t.net.attach(Box::new(nic), 1, t.hub.now_ns());
    assert!(t.etc.net.hosts.get().ends_with(b"192.168.1.5\tbox\n"));
    // Static without DNS: the QEMU default stays.
    assert_eq!(&*t.etc.net.resolv.get(), b"nameserver 10.0.2.3\n");
    let (_, line) = t.net.poll(t.hub.now_ns());
    assert_eq!(line.as_deref(), Some("rumprun: eth0 192.168.1.5/24\n"));
    // The VFS serves the live bytes.
    let files = crate::files::Files::new(t.etc.clone(), 1 << 20);
    let root = files.vfs.root();
    let f = files
        .vfs
        .open(
            &root,
            b"/etc/hosts",
            crate::vfs::flags::OpenFlags::try_from(0).unwrap(),
            crate::vfs::flags::Mode::new(0),
        )
        .unwrap();
    let mut b = [0u8; 256];
    let n = f.read(&mut b).unwrap();
    assert!(b[..n].ends_with(b"192.168.1.5\tbox\n"));
}

#[test]
fn an_idle_stack_asks_for_no_near_timer() {
    let mut cfg = NetConfig {
        ipv4: Ipv4Mode::Static {
            addr: [10, 0, 2, 15],
            prefix: 24,
            gateway: Some([10, 0, 2, 2]),
        },
        ..Default::default()
    };
    cfg.ipv6 = rumprun_config::net::Ipv6Mode::Slaac;
    let t = super::T::with_cfg(cfg);
    let (nic, _w) = FakeNic::new();
    t.net.attach(Box::new(nic), 1, t.hub.now_ns());
    let l = t.tcp4();
    l.bind_to(&super::a4([0; 4], 80)).unwrap();
    l.listen(16).unwrap();
    let mut wakeups = 0;
    let end = t.hub.now_ns() + 60_000_000_000;
    while t.hub.now_ns() < end {
        let (next, _) = t.net.poll(t.hub.now_ns());
        let Some(next) = next else { break };
        wakeups += 1;
        t.hub.set_now(next.max(t.hub.now_ns() + 1));
    }
    // A few router solicitations at start, then quiet: an idle
    // unikernel must not spin its host CPU.
    assert!(
        wakeups < 30,
        "{wakeups} net timer wakeups in an idle minute"
    );
}
