//! TCP over loopback: echo with many connections and every byte checked,
//! backlog, refused connect, resets, half-close, readiness bits, errnos.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::event::ev;
use crate::fd::FileOps;
use crate::net::socket::AF_INET6;
use crate::net::{Connecting, MsgFlags, Shutdown};

fn pattern(conn: usize, i: usize) -> u8 {
    ((i * 13 + conn * 7 + i / 251) % 256) as u8
}

#[test]
fn echo_many_connections_large_transfers_every_byte_checked() {
    echo_many(&T::new());
}

#[test]
fn echo_many_connections_under_tcp_memory_pressure() {
    // A 2 MiB "VM": past 1 MiB of TCP buffers new sockets get 16 KiB each
    // way instead of 64 KiB, and still carry every byte.
    let t = T::new();
    t.net.set_memory(2 << 20);
    let bytes = echo_many(&t);
    // 12 clients, 12 accepted, the listening socket: unmoderated that is
    // 25 x 128 KiB = 3.1 MiB; moderated about 1 MiB + 17 x 32 KiB.
    assert!(
        bytes > 1 << 20 && bytes < 1_700_000,
        "{bytes} bytes of TCP buffers"
    );
}

/// Echoes 150-340 KB on each of 12 loopback connections at once, every
/// byte checked; returns the TCP buffer bytes while all were open.
fn echo_many(t: &T) -> usize {
    let (l, port) = t.listener(0, 64);
    const N: usize = 12;
    let sizes: Vec<usize> = (0..N).map(|i| 150_000 + i * 17_011).collect();
    let clients: Vec<_> = (0..N)
        .map(|_| {
            let c = t.tcp4();
            assert_eq!(
                c.connect_to(&a4([127, 0, 0, 1], port)).unwrap(),
                Connecting::InProgress
            );
            c
        })
        .collect();
    let mut servers = Vec::new();
    while let Ok((s, _)) = l.accept(true) {
        servers.push((s, Vec::<u8>::new(), false));
    }
    assert_eq!(servers.len(), N);
    assert_eq!(mask(&*l), 0, "accept queue drained");
    let bytes = t.net.with(|s| s.ifs.tcp_buffer_bytes());
    let mut sent = vec![0usize; N];
    let mut got = vec![0usize; N];
    let mut done = [false; N];
    let mut buf = vec![0u8; 40_000];
    for _round in 0..20_000 {
        for (i, c) in clients.iter().enumerate() {
            if sent[i] < sizes[i] {
                let end = (sent[i] + 30_000).min(sizes[i]);
                let chunk: Vec<u8> = (sent[i]..end).map(|j| pattern(i, j)).collect();
                match c.write(&chunk) {
                    Ok(n) => sent[i] += n,
                    Err(e) => assert_eq!(e.errno, Errno::EAGAIN),
                }
                if sent[i] == sizes[i] {
                    c.shutdown(Shutdown::Write).unwrap();
                }
            }
            if !done[i] {
                match c.read(&mut buf) {
                    Ok(0) => {
                        assert_eq!(got[i], sizes[i], "conn {i} ended early");
                        done[i] = true;
                    }
                    Ok(n) => {
                        for (k, b) in buf[..n].iter().enumerate() {
                            assert_eq!(*b, pattern(i, got[i] + k), "conn {i} byte {}", got[i] + k);
                        }
                        got[i] += n;
                    }
                    Err(e) => assert_eq!(e.errno, Errno::EAGAIN),
                }
            }
        }
        for (s, pending, eof) in servers.iter_mut() {
            if !pending.is_empty() {
                if let Ok(n) = s.write(pending) {
                    pending.drain(..n);
                }
            }
            if pending.len() < 100_000 && !*eof {
                match s.read(&mut buf) {
                    Ok(0) => *eof = true,
                    Ok(n) => pending.extend_from_slice(&buf[..n]),
                    Err(e) => assert_eq!(e.errno, Errno::EAGAIN),
                }
            }
            if *eof && pending.is_empty() {
                let _ = so(s).shutdown(Shutdown::Write);
            }
        }
        if done.iter().all(|d| *d) {
            break;
        }
        t.tick(1);
    }
    assert!(done.iter().all(|d| *d), "sent {sent:?} got {got:?}");
    bytes
}

#[test]
fn fresh_sockets_report_linux_readiness() {
    let t = T::new();
    let c = t.tcp4();
    assert_eq!(mask(&*c), ev::OUT | ev::WRNORM | ev::HUP);
    let u = t.udp4();
    assert_eq!(mask(&*u), ev::OUT | ev::WRNORM | ev::WRBAND);
    let (l, port) = t.listener(0, 4);
    assert_eq!(mask(&*l), 0);
    let c2 = t.tcp4();
    c2.connect_to(&a4([127, 0, 0, 1], port)).unwrap();
    assert_eq!(mask(&*l), ev::IN | ev::RDNORM);
    assert_eq!(mask(&*c2), ev::OUT | ev::WRNORM);
    assert_eq!(l.readable_bytes(), 0);
}

#[test]
fn connect_to_a_closed_port_is_refused() {
    let t = T::new();
    let c = t.tcp4();
    assert_eq!(
        c.connect_to(&a4([127, 0, 0, 1], 9)).unwrap(),
        Connecting::InProgress
    );
    // The RST came back inside the call (loopback runs at once).
    let m = mask(&*c);
    assert_eq!(
        m,
        ev::IN | ev::RDNORM | ev::RDHUP | ev::OUT | ev::WRNORM | ev::HUP | ev::ERR
    );
    assert_eq!(c.take_error(), Errno::ECONNREFUSED as i32);
    assert_eq!(c.take_error(), 0);
    assert_eq!(mask(&*c) & ev::ERR, 0);
    // A blocking connect's finish sees the refusal too.
    let c = t.tcp4();
    c.connect_to(&a4([127, 0, 0, 1], 9)).unwrap();
    assert_eq!(
        c.finish_connect().unwrap().unwrap_err().errno,
        Errno::ECONNREFUSED
    );
    assert_eq!(errno(c.peer_addr()), Errno::ENOTCONN);
}

#[test]
fn connect_errnos_eisconn_ealready_and_unreachable() {
    let t = T::new();
    let (c, _s, l) = t.pair();
    assert_eq!(errno(c.connect_to(&a4([127, 0, 0, 1], 1))), Errno::EISCONN);
    assert_eq!(errno(l.connect_to(&a4([127, 0, 0, 1], 1))), Errno::EISCONN);
    let far = t.tcp4();
    assert_eq!(
        errno(far.connect_to(&a4([192, 0, 2, 1], 80))),
        Errno::ENETUNREACH
    );
    // SYN to a listener whose queue is full is dropped: still connecting.
    let (l2, p2) = t.listener(0, 0);
    let a = t.tcp4();
    a.connect_to(&a4([127, 0, 0, 1], p2)).unwrap();
    let b = t.tcp4();
    b.connect_to(&a4([127, 0, 0, 1], p2)).unwrap();
    assert_eq!(b.finish_connect(), None);
    assert_eq!(
        errno(b.connect_to(&a4([127, 0, 0, 1], p2))),
        Errno::EALREADY
    );
    assert_eq!(mask(&*b), 0, "SYN_SENT reports nothing");
    drop(l2);
}

#[test]
fn backlog_bounds_the_accept_queue_and_retransmitted_syns_get_in() {
    let t = T::new();
    let (l, port) = t.listener(0, 2);
    let cs: Vec<_> = (0..5)
        .map(|_| {
            let c = t.tcp4();
            c.connect_to(&a4([127, 0, 0, 1], port)).unwrap();
            c
        })
        .collect();
    let connected =
        |cs: &[Arc<InetSocket>]| cs.iter().filter(|c| mask(&***c) & ev::OUT != 0).count();
    // Linux takes backlog + 1 connections into the queue.
    assert_eq!(connected(&cs), 3);
    let mut accepted = Vec::new();
    for _ in 0..3 {
        accepted.push(l.accept(false).unwrap().0);
    }
    assert_eq!(l.accept(true).err().unwrap().errno, Errno::EAGAIN);
    // The others retransmit their SYN (smoltcp's first RTO) and get in.
    for _ in 0..50 {
        t.tick(100);
    }
    assert_eq!(connected(&cs), 5);
    accepted.push(l.accept(true).unwrap().0);
    accepted.push(l.accept(true).unwrap().0);
    assert!(!accepted[0].description().is_nonblocking());
    assert!(accepted[3].description().is_nonblocking());
}

#[test]
fn linger_zero_close_resets_the_peer_econnreset_then_epipe() {
    let t = T::new();
    let (c, s, _l) = t.pair();
    c.write(b"hello").unwrap();
    so(&s).common().opts.lock().linger = Some(0);
    drop(s);
    let m = mask(&*c);
    assert_eq!(
        m,
        ev::IN | ev::RDNORM | ev::RDHUP | ev::OUT | ev::WRNORM | ev::HUP | ev::ERR
    );
    let mut b = [0u8; 8];
    assert_eq!(errno(c.read(&mut b)), Errno::ECONNRESET);
    assert_eq!(c.read(&mut b).unwrap(), 0);
    assert_eq!(errno(c.write(b"x")), Errno::EPIPE);
    assert_eq!(errno(c.peer_addr()), Errno::ENOTCONN);
}

#[test]
fn send_after_reset_gives_econnreset_once_then_epipe() {
    let t = T::new();
    let (c, s, _l) = t.pair();
    // Unread data at close makes tcp_close send a RST.
    c.write(b"unread").unwrap();
    drop(s);
    assert_eq!(errno(c.write(b"x")), Errno::ECONNRESET);
    assert_eq!(errno(c.write(b"x")), Errno::EPIPE);
}

#[test]
fn half_close_lets_the_peer_reply() {
    let t = T::new();
    let (c, s, _l) = t.pair();
    c.write(b"request").unwrap();
    c.shutdown(Shutdown::Write).unwrap();
    assert_eq!(errno(c.write(b"more")), Errno::EPIPE);
    let m = mask(&*s);
    assert_eq!(m, ev::IN | ev::RDNORM | ev::RDHUP | ev::OUT | ev::WRNORM);
    let mut b = [0u8; 32];
    assert_eq!(s.read(&mut b).unwrap(), 7);
    assert_eq!(&b[..7], b"request");
    assert_eq!(s.read(&mut b).unwrap(), 0);
    s.write(b"reply").unwrap();
    assert_eq!(c.read(&mut b).unwrap(), 5);
    assert_eq!(&b[..5], b"reply");
    so(&s).shutdown(Shutdown::Write).unwrap();
    assert_eq!(c.read(&mut b).unwrap(), 0);
    // Both directions shut: POLLHUP as well.
    assert_ne!(mask(&*c) & ev::HUP, 0);
}

#[test]
fn peek_fionread_and_addresses() {
    let t = T::new();
    let (c, s, l) = t.pair();
    c.write(b"abcdef").unwrap();
    assert_eq!(so(&s).readable_bytes(), 6);
    let mut b = [0u8; 4];
    let r = so(&s).recv(&mut b, MsgFlags(MsgFlags::PEEK)).unwrap();
    assert_eq!((r.len, &b[..]), (4, &b"abcd"[..]));
    assert_eq!(s.read(&mut b).unwrap(), 4);
    assert_eq!(&b, b"abcd");
    assert_eq!(so(&s).readable_bytes(), 2);
    let la = l.local_addr().unwrap();
    assert_eq!(so(&s).local_addr().unwrap(), la);
    assert_eq!(so(&s).peer_addr().unwrap(), c.local_addr().unwrap());
    assert_eq!(c.peer_addr().unwrap(), la);
    let p = port_of(&c.local_addr().unwrap());
    assert!((32768..=60999).contains(&p));
    assert_eq!(mask(&*s), ev::IN | ev::RDNORM | ev::OUT | ev::WRNORM);
}

#[test]
fn unconnected_calls_give_linux_errnos() {
    let t = T::new();
    let c = t.tcp4();
    let mut b = [0u8; 4];
    assert_eq!(errno(c.read(&mut b)), Errno::ENOTCONN);
    assert_eq!(errno(c.write(b"x")), Errno::EPIPE);
    assert_eq!(errno(c.shutdown(Shutdown::Both)), Errno::ENOTCONN);
    assert_eq!(errno(c.peer_addr()), Errno::ENOTCONN);
    assert_eq!(c.accept(true).err().unwrap().errno, Errno::EINVAL);
    assert_eq!(c.local_addr().unwrap(), a4([0; 4], 0));
    let st = c.fstat().unwrap();
    assert_eq!(st.file_type, crate::vfs::types::FileType::Socket);
    assert_eq!(st.perm, 0o777);
    let u = t.udp4();
    assert_eq!(errno(u.listen(1)), Errno::EOPNOTSUPP);
}

#[test]
fn bind_conflicts_follow_reuseaddr_and_reuseport() {
    let t = T::new();
    let (l, port) = t.listener(0, 1);
    let b = t.tcp4();
    assert_eq!(
        errno(b.bind_to(&a4([127, 0, 0, 1], port))),
        Errno::EADDRINUSE
    );
    assert_eq!(errno(b.bind_to(&a4([0; 4], port))), Errno::EADDRINUSE);
    assert_eq!(
        errno(b.bind_to(&a4([10, 9, 9, 9], 0))),
        Errno::EADDRNOTAVAIL
    );
    b.bind_to(&a4([127, 0, 0, 1], 0)).unwrap();
    assert_eq!(errno(b.bind_to(&a4([127, 0, 0, 1], 0))), Errno::EINVAL);
    drop(l);
    let c = t.tcp4();
    c.bind_to(&a4([127, 0, 0, 1], port)).unwrap();
    // SO_REUSEADDR on both, neither listening: allowed; listening then conflicts.
    let x = t.tcp4();
    let y = t.tcp4();
    x.common().opts.lock().reuseaddr = true;
    y.common().opts.lock().reuseaddr = true;
    x.bind_to(&a4([127, 0, 0, 1], 4444)).unwrap();
    y.bind_to(&a4([127, 0, 0, 1], 4444)).unwrap();
    x.listen(1).unwrap();
    assert_eq!(errno(y.listen(1)), Errno::EADDRINUSE);
    // SO_REUSEPORT on both: two listeners.
    let p = t.tcp4();
    let q = t.tcp4();
    p.common().opts.lock().reuseport = true;
    q.common().opts.lock().reuseport = true;
    p.bind_to(&a4([0; 4], 5555)).unwrap();
    q.bind_to(&a4([0; 4], 5555)).unwrap();
    p.listen(1).unwrap();
    q.listen(1).unwrap();
}

#[test]
fn ipv6_sockets_take_v4_mapped_peers_unless_v6only() {
    let t = T::new();
    let l = t.sock(AF_INET6, crate::net::socket::SOCK_STREAM);
    l.bind_to(&SockAddr::Inet6 {
        addr: [0; 16],
        port: 7070,
        flowinfo: 0,
        scope_id: 0,
    })
    .unwrap();
    l.listen(4).unwrap();
    let c = t.tcp4();
    c.connect_to(&a4([127, 0, 0, 1], 7070)).unwrap();
    let (_s, peer) = l.accept(true).unwrap();
    let SockAddr::Inet6 { addr, .. } = peer else {
        panic!("{peer:?}")
    };
    assert_eq!(addr[..12], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
    assert_eq!(addr[12..], [127, 0, 0, 1]);
    let mut lo6 = [0u8; 16];
    lo6[15] = 1;
    let c6 = t.sock(AF_INET6, crate::net::socket::SOCK_STREAM);
    c6.connect_to(&SockAddr::Inet6 {
        addr: lo6,
        port: 7070,
        flowinfo: 0,
        scope_id: 0,
    })
    .unwrap();
    assert!(l.accept(true).is_ok());
    let v6 = t.sock(AF_INET6, crate::net::socket::SOCK_STREAM);
    v6.set_option(41, 26, &1i32.to_ne_bytes()).unwrap();
    assert_eq!(v6.get_option(41, 26).unwrap(), 1i32.to_ne_bytes());
    let mut mapped = [0u8; 16];
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    mapped[12..].copy_from_slice(&[127, 0, 0, 1]);
    assert_eq!(
        errno(v6.connect_to(&SockAddr::Inet6 {
            addr: mapped,
            port: 7070,
            flowinfo: 0,
            scope_id: 0
        })),
        Errno::ENETUNREACH
    );
    v6.bind_to(&SockAddr::Inet6 {
        addr: [0; 16],
        port: 0,
        flowinfo: 0,
        scope_id: 0,
    })
    .unwrap();
    assert_eq!(
        errno(v6.set_option(41, 26, &0i32.to_ne_bytes())),
        Errno::EINVAL
    );
    assert_eq!(
        errno(c.set_option(41, 26, &0i32.to_ne_bytes())),
        Errno::ENOPROTOOPT
    );
}

#[test]
fn tcp_options_read_back() {
    let t = T::new();
    let (c, _s, l) = t.pair();
    c.set_option(6, 1, &1i32.to_ne_bytes()).unwrap();
    assert_eq!(c.get_option(6, 1).unwrap(), 1i32.to_ne_bytes());
    for (name, v) in [(4, 30i32), (5, 5), (6, 3), (9, 10), (23, 5)] {
        c.set_option(6, name, &v.to_ne_bytes()).unwrap();
        assert_eq!(c.get_option(6, name).unwrap(), v.to_ne_bytes());
    }
    assert_eq!(
        errno(c.set_option(6, 4, &0i32.to_ne_bytes())),
        Errno::EINVAL
    );
    assert_eq!(errno(c.set_option(6, 1, &[1])), Errno::EINVAL);
    assert_eq!(errno(c.get_option(6, 999)), Errno::ENOPROTOOPT);
    c.set_option(1, 9, &1i32.to_ne_bytes()).unwrap();
    assert_eq!(l.get_option(1, 30).unwrap(), 1i32.to_ne_bytes());
    assert_eq!(c.get_option(1, 30).unwrap(), 0i32.to_ne_bytes());
    let u = t.udp4();
    assert_eq!(
        errno(u.set_option(6, 1, &1i32.to_ne_bytes())),
        Errno::ENOPROTOOPT
    );
}

#[test]
fn graceful_close_frees_everything() {
    let t = T::new();
    let (c, s, l) = t.pair();
    drop(s);
    let mut b = [0u8; 4];
    assert_eq!(c.read(&mut b).unwrap(), 0);
    assert_eq!(
        mask(&*c),
        ev::IN | ev::RDNORM | ev::RDHUP | ev::OUT | ev::WRNORM
    );
    drop(c);
    drop(l);
    for _ in 0..30 {
        t.tick(1000);
    }
    t.net.look(|st| {
        assert!(st.entries.is_empty());
        assert!(st.zombies.is_empty(), "zombies left: {}", st.zombies.len());
        assert!(st.ports.is_empty());
        assert_eq!(st.ifs.lo.set.iter().count(), 0);
    });
}

#[test]
fn connecting_to_nothing_times_out() {
    let t = T::with_cfg(rumprun_config::net::NetConfig {
        ipv4: rumprun_config::net::Ipv4Mode::Static {
            addr: [10, 0, 2, 15],
            prefix: 24,
            gateway: Some([10, 0, 2, 2]),
        },
        ..Default::default()
    });
    let (nic, _wire) = super::nic::FakeNic::new();
    t.net.attach(alloc::boxed::Box::new(nic), 1, t.hub.now_ns());
    let c = t.tcp4();
    c.connect_to(&a4([10, 0, 2, 99], 80)).unwrap();
    for _ in 0..130 {
        t.tick(1000);
    }
    assert_eq!(
        c.finish_connect().unwrap().unwrap_err().errno,
        Errno::ETIMEDOUT
    );
}

#[test]
fn connect_again_after_completion_reports_success_then_eisconn() {
    let t = T::new();
    let (_l, port) = t.listener(0, 4);
    let c = t.tcp4();
    assert_eq!(
        c.connect_to(&a4([127, 0, 0, 1], port)).unwrap(),
        Connecting::InProgress
    );
    assert_eq!(
        c.connect_to(&a4([127, 0, 0, 1], port)).unwrap(),
        Connecting::Done
    );
    assert_eq!(
        errno(c.connect_to(&a4([127, 0, 0, 1], port))),
        Errno::EISCONN
    );
}

#[test]
fn both_sides_shut_is_hup_without_err() {
    let t = T::new();
    let (c, s, _l) = t.pair();
    so(&s).shutdown(Shutdown::Write).unwrap();
    c.shutdown(Shutdown::Write).unwrap();
    let want = ev::IN | ev::RDNORM | ev::RDHUP | ev::OUT | ev::WRNORM | ev::HUP;
    assert_eq!(mask(&*c), want);
    assert_eq!(mask(&*s), want);
    assert_eq!(c.take_error(), 0);
}

#[test]
fn data_to_a_closed_peer_is_answered_with_a_reset() {
    let t = T::new();
    let (c, s, _l) = t.pair();
    drop(s);
    assert_eq!(
        mask(&*c),
        ev::IN | ev::RDNORM | ev::RDHUP | ev::OUT | ev::WRNORM
    );
    assert_eq!(c.write(b"x").unwrap(), 1);
    // tcp_reset in CLOSE_WAIT: EPIPE, then EPIPE again.
    assert_ne!(mask(&*c) & ev::ERR, 0);
    assert_eq!(errno(c.write(b"y")), Errno::EPIPE);
    assert_eq!(errno(c.write(b"z")), Errno::EPIPE);
}

#[test]
fn time_wait_holds_the_port_unless_reuseaddr() {
    let t = T::new();
    let (c, s, l) = t.pair();
    let port = port_of(&l.local_addr().unwrap());
    // The server side closes first: its end goes to TIME-WAIT.
    drop(s);
    let mut b = [0u8; 4];
    assert_eq!(c.read(&mut b).unwrap(), 0);
    drop(c);
    drop(l);
    let d = t.tcp4();
    assert_eq!(
        errno(d.bind_to(&a4([127, 0, 0, 1], port))),
        Errno::EADDRINUSE
    );
    d.common().opts.lock().reuseaddr = true;
    d.bind_to(&a4([127, 0, 0, 1], port)).unwrap();
    d.listen(1).unwrap();
}
