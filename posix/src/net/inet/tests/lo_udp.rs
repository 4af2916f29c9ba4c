//! UDP over loopback: echo, boundaries, MSG_PEEK/MSG_TRUNC lengths,
//! connected filtering, errnos.

use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::event::ev;
use crate::net::{MsgFlags, Shutdown};

#[test]
fn udp_echo_keeps_boundaries_and_every_byte() {
    let t = T::new();
    let srv = t.udp4();
    srv.bind_to(&a4([127, 0, 0, 1], 0)).unwrap();
    let sa = srv.local_addr().unwrap();
    let cli = t.udp4();
    let mut buf = vec![0u8; 70_000];
    for round in 0..200usize {
        let len = (round * 331) % 9000 + 1;
        let msg: Vec<u8> = (0..len).map(|i| (i * 7 + round) as u8).collect();
        assert_eq!(
            cli.send_to(&msg, Some(&sa), MsgFlags::default()).unwrap(),
            len
        );
        assert_eq!(srv.readable_bytes(), len);
        let r = srv.recv(&mut buf, MsgFlags::default()).unwrap();
        assert_eq!(r.len, len);
        let from = r.from.unwrap();
        srv.send_to(&buf[..len], Some(&from), MsgFlags::default())
            .unwrap();
        let r = cli.recv(&mut buf, MsgFlags::default()).unwrap();
        assert_eq!(&buf[..r.len], &msg[..]);
        assert_eq!(r.from.unwrap(), sa);
    }
    // The largest IPv4 datagram fits over loopback; one more byte does not.
    let big = vec![5u8; 65_507];
    cli.send_to(&big, Some(&sa), MsgFlags::default()).unwrap();
    assert_eq!(srv.recv(&mut buf, MsgFlags::default()).unwrap().len, 65_507);
    let too_big = vec![5u8; 65_508];
    assert_eq!(
        errno(cli.send_to(&too_big, Some(&sa), MsgFlags::default())),
        Errno::EMSGSIZE
    );
}

#[test]
fn peek_and_truncation_report_the_full_length() {
    let t = T::new();
    let srv = t.udp4();
    srv.bind_to(&a4([127, 0, 0, 1], 0)).unwrap();
    let sa = srv.local_addr().unwrap();
    let cli = t.udp4();
    cli.send_to(b"0123456789", Some(&sa), MsgFlags::default())
        .unwrap();
    cli.send_to(b"second", Some(&sa), MsgFlags::default())
        .unwrap();
    assert_eq!(
        mask(&*srv),
        ev::IN | ev::RDNORM | ev::OUT | ev::WRNORM | ev::WRBAND
    );
    let mut b = [0u8; 4];
    let r = srv.recv(&mut b, MsgFlags(MsgFlags::PEEK)).unwrap();
    assert_eq!((r.len, r.full_len), (4, 10));
    let r = srv.recv(&mut b, MsgFlags::default()).unwrap();
    assert_eq!((r.len, r.full_len, &b), (4, 10, b"0123"));
    let mut b = [0u8; 16];
    let r = srv.recv(&mut b, MsgFlags::default()).unwrap();
    assert_eq!(&b[..r.len], b"second");
    assert_eq!(errno(srv.recv(&mut b, MsgFlags::default())), Errno::EAGAIN);
}

#[test]
fn connected_udp_filters_other_peers_and_errnos() {
    let t = T::new();
    let a = t.udp4();
    a.bind_to(&a4([127, 0, 0, 1], 0)).unwrap();
    let b = t.udp4();
    b.bind_to(&a4([127, 0, 0, 1], 0)).unwrap();
    let c = t.udp4();
    c.bind_to(&a4([127, 0, 0, 1], 0)).unwrap();
    assert_eq!(
        errno(a.send_to(b"x", None, MsgFlags::default())),
        Errno::EDESTADDRREQ
    );
    assert_eq!(errno(a.peer_addr()), Errno::ENOTCONN);
    a.connect_to(&b.local_addr().unwrap()).unwrap();
    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    c.send_to(
        b"stranger",
        Some(&a.local_addr().unwrap()),
        MsgFlags::default(),
    )
    .unwrap();
    b.send_to(
        b"friend",
        Some(&a.local_addr().unwrap()),
        MsgFlags::default(),
    )
    .unwrap();
    let mut buf = [0u8; 16];
    let r = a.recv(&mut buf, MsgFlags::default()).unwrap();
    assert_eq!(&buf[..r.len], b"friend");
    a.write(b"hi").unwrap();
    assert_eq!(b.read(&mut buf).unwrap(), 2);
    a.connect_to(&SockAddr::Unspec).unwrap();
    assert_eq!(errno(a.peer_addr()), Errno::ENOTCONN);
    assert_eq!(errno(c.shutdown(Shutdown::Read)), Errno::ENOTCONN);
    assert_eq!(c.recv(&mut buf, MsgFlags::default()).unwrap().len, 0);
    assert_ne!(mask(&*c) & ev::RDHUP, 0);
    let d = t.udp4();
    d.bind_to(&a4([127, 0, 0, 1], 6000)).unwrap();
    let e = t.udp4();
    assert_eq!(errno(e.bind_to(&a4([0; 4], 6000))), Errno::EADDRINUSE);
    assert_eq!(
        errno(e.send_to(b"x", Some(&a4([127, 0, 0, 1], 0)), MsgFlags::default())),
        Errno::EINVAL
    );
}

#[test]
fn every_new_datagram_notifies_even_when_already_readable() {
    let t = T::new();
    let srv = t.udp4();
    srv.bind_to(&a4([127, 0, 0, 1], 0)).unwrap();
    let sa = srv.local_addr().unwrap();
    let cli = t.udp4();
    cli.send_to(b"one", Some(&sa), MsgFlags::default()).unwrap();
    let q = crate::fd::FileOps::wait_queue(&*srv).unwrap();
    let _ = t.hub.take();
    q.add_thread(5);
    cli.send_to(b"two", Some(&sa), MsgFlags::default()).unwrap();
    assert_eq!(t.hub.take(), [5]);
}
