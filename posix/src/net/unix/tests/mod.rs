//! Host tests of AF_UNIX socket objects: pairs of each kind, datagram
//! boundaries, MSG_PEEK/MSG_TRUNC, shutdown and close (EOF, EPIPE,
//! ECONNRESET, ECONNREFUSED), readiness bits, SO_SNDBUF bounds, ioctls;
//! `names` has the named sockets (paths, abstract names, backlog).

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::errno::Errno;
use crate::event::ev;
use crate::files::Files;
use crate::net::socket::{SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM};
use crate::net::{MsgFlags, SockAddr, SockEnv, Socket, UnixAddr};
use crate::vfs::etc::EtcConfig;
use crate::vfs::flags::AtFlags;
use crate::vfs::types::FileType;

mod names;

const CRED: Ucred = Ucred {
    pid: 1,
    uid: 1000,
    gid: 100,
};

fn files() -> Files {
    Files::new(EtcConfig::new("unix", 1000, 100), 64 << 20)
}

fn hub() -> Arc<WaitHub> {
    WaitHub::new()
}

fn sk(f: &Arc<dyn FileOps>) -> &dyn Socket {
    f.as_socket().expect("a unix socket is a socket")
}

fn path(p: &str) -> SockAddr {
    SockAddr::Unix(UnixAddr::Path(p.as_bytes().to_vec()))
}

fn abs(n: &str) -> SockAddr {
    SockAddr::Unix(UnixAddr::Abstract(n.as_bytes().to_vec()))
}

fn errno<T>(r: SysResult<T>) -> Errno {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.errno,
    }
}

fn bits(f: &Arc<dyn FileOps>) -> u32 {
    u32::from(f.poll().0)
}

fn send(
    fs: &mut Files,
    f: &Arc<dyn FileOps>,
    data: &[u8],
    to: Option<&SockAddr>,
) -> SysResult<usize> {
    sk(f).send(&mut SockEnv { files: fs }, data, to, MsgFlags(0))
}

fn recv(
    f: &Arc<dyn FileOps>,
    n: usize,
    flags: u32,
) -> SysResult<(Vec<u8>, usize, Option<SockAddr>)> {
    let mut b = vec![0u8; n];
    let r = sk(f).recv(&mut b, MsgFlags(flags))?;
    b.truncate(r.len);
    Ok((b, r.full_len, r.from))
}

fn bind(fs: &mut Files, f: &Arc<dyn FileOps>, a: &SockAddr) -> SysResult<()> {
    sk(f).bind(&mut SockEnv { files: fs }, a)
}

fn connect(fs: &mut Files, f: &Arc<dyn FileOps>, a: &SockAddr) -> SysResult<()> {
    sk(f).connect(&mut SockEnv { files: fs }, a).map(|c| {
        assert_eq!(c, crate::net::Connecting::Done);
    })
}

/// A listener on `addr` with `backlog`, and a connected (client, server).
fn listener(fs: &mut Files, h: &Arc<WaitHub>, ty: i32, addr: &SockAddr) -> Arc<dyn FileOps> {
    let l = socket(h, ty, true, CRED).unwrap();
    bind(fs, &l, addr).unwrap();
    sk(&l).listen(8).unwrap();
    l
}

fn connected(
    fs: &mut Files,
    h: &Arc<WaitHub>,
    l: &Arc<dyn FileOps>,
    ty: i32,
    addr: &SockAddr,
) -> (Arc<dyn FileOps>, Arc<dyn FileOps>) {
    let c = socket(h, ty, true, CRED).unwrap();
    connect(fs, &c, addr).unwrap();
    let (s, _) = sk(l).accept(true).unwrap();
    (c, s)
}

#[test]
fn unknown_kinds_are_refused_and_raw_is_dgram() {
    let h = hub();
    assert_eq!(errno(socket(&h, 4, false, CRED)), Errno::ESOCKTNOSUPPORT);
    assert_eq!(errno(pair(&h, 9, false, CRED)), Errno::ESOCKTNOSUPPORT);
    let r = socket(&h, 3, false, CRED).unwrap();
    assert_eq!(sk(&r).sock_type(), SOCK_DGRAM);
    assert_eq!(sk(&r).domain(), crate::net::socket::AF_UNIX);
    assert_eq!(sk(&r).protocol(), 0);
    let m = r.fstat().unwrap();
    assert_eq!(m.file_type, FileType::Socket);
    assert_eq!(m.perm, 0o777);
}

#[test]
fn stream_pair_moves_bytes_with_peek_and_fionread() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    assert!(a.description().is_nonblocking());
    assert_eq!(bits(&a), ev::OUT | ev::WRNORM | ev::WRBAND);
    assert_eq!(a.write(b"hello").unwrap(), 5);
    assert_eq!(a.write(b" world").unwrap(), 6);
    assert_eq!(bits(&b) & (ev::IN | ev::RDNORM), ev::IN | ev::RDNORM);
    assert_eq!(sk(&b).readable_bytes(), 11);
    let (d, _, from) = recv(&b, 4, MsgFlags::PEEK).unwrap();
    assert_eq!(d, b"hell");
    assert_eq!(from, None, "a socketpair end is unnamed");
    let mut buf = [0u8; 7];
    assert_eq!(b.read(&mut buf).unwrap(), 7);
    assert_eq!(&buf, b"hello w");
    assert_eq!(sk(&b).readable_bytes(), 4);
    assert_eq!(recv(&b, 100, 0).unwrap().0, b"orld");
    assert_eq!(errno(b.read(&mut buf)), Errno::EAGAIN);
    assert_eq!(bits(&b) & ev::IN, 0);
    assert_eq!(
        sk(&a).local_addr().unwrap(),
        SockAddr::Unix(UnixAddr::Unnamed)
    );
    assert_eq!(
        sk(&a).peer_addr().unwrap(),
        SockAddr::Unix(UnixAddr::Unnamed)
    );
    // A write notifies the reader's queue.
    b.wait_queue().unwrap().add_thread(7);
    a.write(b"x").unwrap();
    assert_eq!(h.take(), [7]);
}

#[test]
fn shutdown_write_gives_the_peer_eof_and_rdhup_and_us_epipe() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    a.write(b"last").unwrap();
    sk(&a).shutdown(crate::net::Shutdown::Write).unwrap();
    assert_eq!(errno(a.write(b"x")), Errno::EPIPE);
    let pb = bits(&b);
    assert_ne!(pb & ev::RDHUP, 0);
    assert_eq!(pb & ev::HUP, 0);
    let mut buf = [0u8; 8];
    assert_eq!(b.read(&mut buf).unwrap(), 4);
    assert_eq!(b.read(&mut buf).unwrap(), 0, "EOF after the peer's SHUT_WR");
    assert_eq!(
        b.write(b"reply").unwrap(),
        5,
        "the other direction stays open"
    );
    assert_eq!(a.read(&mut buf).unwrap(), 5);
    // b's SHUT_WR too: both directions of both ends are shut.
    sk(&b).shutdown(crate::net::Shutdown::Write).unwrap();
    assert_eq!(bits(&b) & ev::HUP, ev::HUP);
    assert_eq!(bits(&a) & ev::HUP, ev::HUP);
    assert_eq!(a.read(&mut buf).unwrap(), 0);
    // SHUT_RD at one end is SEND_SHUTDOWN at the other: EPIPE.
    let (c, d) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    sk(&d).shutdown(crate::net::Shutdown::Read).unwrap();
    assert_eq!(errno(c.write(b"x")), Errno::EPIPE);
    assert_eq!(d.read(&mut buf).unwrap(), 0);
    assert_eq!(bits(&c) & (ev::HUP | ev::RDHUP), 0);
}

#[test]
fn close_gives_eof_then_epipe_and_hup() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    b.write(b"bye").unwrap();
    a.wait_queue().unwrap().add_thread(3);
    drop(b);
    assert_eq!(h.take(), [3]);
    let p = bits(&a);
    assert_eq!(
        p & (ev::IN | ev::RDHUP | ev::HUP),
        ev::IN | ev::RDHUP | ev::HUP
    );
    assert_eq!(p & ev::ERR, 0, "the closed end had read everything");
    let mut buf = [0u8; 8];
    assert_eq!(
        a.read(&mut buf).unwrap(),
        3,
        "queued bytes survive the close"
    );
    assert_eq!(a.read(&mut buf).unwrap(), 0);
    assert_eq!(errno(a.write(b"x")), Errno::EPIPE);
    assert_eq!(
        sk(&a).peer_addr().unwrap(),
        SockAddr::Unix(UnixAddr::Unnamed)
    );
}

#[test]
fn close_with_unread_data_resets_the_peer() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    a.write(b"never read").unwrap();
    drop(b);
    assert_ne!(bits(&a) & ev::ERR, 0);
    let mut buf = [0u8; 8];
    assert_eq!(errno(a.read(&mut buf)), Errno::ECONNRESET);
    assert_eq!(bits(&a) & ev::ERR, 0);
    assert_eq!(a.read(&mut buf).unwrap(), 0);
    assert_eq!(errno(a.write(b"x")), Errno::EPIPE);
    assert_eq!(sk(&a).take_error(), 0);
}

#[test]
fn so_error_takes_the_reset() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    a.write(b"x").unwrap();
    drop(b);
    assert_eq!(sk(&a).take_error(), Errno::ECONNRESET as i32);
    assert_eq!(sk(&a).take_error(), 0);
}

#[test]
fn stream_send_is_bounded_by_sndbuf() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    let chunk = vec![7u8; 100_000];
    let mut total = 0;
    loop {
        match a.write(&chunk) {
            Ok(n) => total += n,
            Err(e) => {
                assert_eq!(e.errno, Errno::EAGAIN);
                break;
            }
        }
    }
    assert_eq!(total, 212_992, "Linux's default SO_SNDBUF");
    assert_eq!(bits(&a) & ev::OUT, 0);
    assert_eq!(sk(&b).readable_bytes(), total);
    a.wait_queue().unwrap().add_thread(4);
    let mut sink = vec![0u8; 100_000];
    b.read(&mut sink).unwrap();
    assert_eq!(h.take(), [4], "reading frees room and wakes the writer");
    assert_eq!(bits(&a) & ev::OUT, 0, "still above a quarter of SO_SNDBUF");
    b.read(&mut sink).unwrap();
    assert_ne!(bits(&a) & ev::OUT, 0);
    // A smaller SO_SNDBUF bounds the next writes.
    a.as_socket().unwrap().common().opts.lock().sndbuf = 4608;
    b.read(&mut sink).unwrap();
    assert_eq!(a.write(&chunk).unwrap(), 4608);
}

#[test]
fn dgram_pair_keeps_boundaries_and_truncates() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_DGRAM, true, CRED).unwrap();
    assert_eq!(errno(recv(&b, 8, 0)), Errno::EAGAIN);
    assert_eq!(a.write(b"alpha").unwrap(), 5);
    assert_eq!(a.write(b"be").unwrap(), 2);
    assert_eq!(a.write(b"").unwrap(), 0);
    assert_eq!(a.write(b"gamma-long").unwrap(), 10);
    assert_eq!(sk(&b).readable_bytes(), 5);
    assert_eq!(recv(&b, 8, 0).unwrap().0, b"alpha");
    let (d, full, _) = recv(&b, 8, MsgFlags::PEEK).unwrap();
    assert_eq!((d.as_slice(), full), (&b"be"[..], 2));
    assert_eq!(recv(&b, 8, 0).unwrap().0, b"be");
    assert_eq!(b.read(&mut []).unwrap(), 0, "an empty read takes nothing");
    assert_eq!(recv(&b, 8, 0).unwrap().0, b"");
    let (d, full, from) = recv(&b, 4, 0).unwrap();
    assert_eq!((d.as_slice(), full), (&b"gamm"[..], 10), "MSG_TRUNC length");
    assert_eq!(from, None);
    assert_eq!(errno(recv(&b, 8, 0)), Errno::EAGAIN, "the rest was dropped");
    assert_eq!(b.write(b"reply").unwrap(), 5);
    assert_eq!(recv(&a, 8, 0).unwrap().0, b"reply");
    a.write(b"unread").unwrap();
    drop(a);
    assert_eq!(sk(&b).readable_bytes(), 6);
    assert_eq!(errno(b.write(b"x")), Errno::ECONNREFUSED);
    assert_eq!(
        errno(recv(&b, 8, 0)),
        Errno::EAGAIN,
        "unix_dgram_disconnected drops the queue"
    );
    assert_eq!(errno(b.write(b"x")), Errno::ENOTCONN);
}

#[test]
fn dgram_reconnect_drops_the_queue_and_resets_the_old_peer() {
    let h = hub();
    let mut fs = files();
    let (a, c, d) = (
        socket(&h, SOCK_DGRAM, true, CRED).unwrap(),
        socket(&h, SOCK_DGRAM, true, CRED).unwrap(),
        socket(&h, SOCK_DGRAM, true, CRED).unwrap(),
    );
    bind(&mut fs, &a, &abs("a")).unwrap();
    bind(&mut fs, &c, &abs("c")).unwrap();
    bind(&mut fs, &d, &abs("d")).unwrap();
    connect(&mut fs, &a, &abs("c")).unwrap();
    connect(&mut fs, &c, &abs("a")).unwrap();
    c.write(b"m").unwrap();
    connect(&mut fs, &a, &abs("d")).unwrap();
    assert_eq!(errno(recv(&a, 8, 0)), Errno::EAGAIN);
    assert_eq!(sk(&c).take_error(), Errno::ECONNRESET as i32);
    assert_eq!(
        ioctl_int(&c, SIOCOUTQ).unwrap(),
        0,
        "the sender's charge came back"
    );
    // Reconnecting to the same peer keeps the queue.
    d.write(b"x").ok();
    connect(&mut fs, &d, &abs("a")).unwrap();
    d.write(b"y").unwrap();
    connect(&mut fs, &a, &abs("d")).unwrap();
    assert_eq!(recv(&a, 8, 0).unwrap().0, b"y");
    // AF_UNSPEC dissolves, dropping the queue too.
    d.write(b"z").unwrap();
    connect(&mut fs, &a, &SockAddr::Unspec).unwrap();
    assert_eq!(errno(recv(&a, 8, 0)), Errno::EAGAIN);
}

#[test]
fn dgram_shutdown_read_is_eof_only_when_blocking() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_DGRAM, false, CRED).unwrap();
    sk(&b).shutdown(crate::net::Shutdown::Read).unwrap();
    assert_eq!(recv(&b, 8, 0).unwrap().0, b"");
    assert_eq!(errno(recv(&b, 8, MsgFlags::DONTWAIT)), Errno::EAGAIN);
    assert_ne!(bits(&b) & ev::RDHUP, 0);
    // Datagram shutdown is not mirrored at the peer...
    assert_eq!(bits(&a) & ev::RDHUP, 0);
    // ...but sending to a socket shut for reading is EPIPE.
    assert_eq!(errno(a.write(b"x")), Errno::EPIPE);
    sk(&a).shutdown(crate::net::Shutdown::Write).unwrap();
    assert_eq!(errno(a.write(b"x")), Errno::EPIPE);
}

#[test]
fn seqpacket_pair_keeps_records_and_reads_eof_after_close() {
    let h = hub();
    let (a, b) = pair(&h, SOCK_SEQPACKET, true, CRED).unwrap();
    a.write(b"one").unwrap();
    a.write(b"two!").unwrap();
    assert_eq!(sk(&b).readable_bytes(), 7, "every record (unix_inq_len)");
    assert_eq!(recv(&b, 16, 0).unwrap().0, b"one");
    let (d, full, _) = recv(&b, 2, 0).unwrap();
    assert_eq!((d.as_slice(), full), (&b"tw"[..], 4));
    assert_eq!(errno(recv(&b, 16, 0)), Errno::EAGAIN);
    drop(a);
    assert_ne!(bits(&b) & ev::HUP, 0);
    assert_eq!(recv(&b, 16, 0).unwrap().0, b"", "EOF even when nonblocking");
    assert_eq!(errno(b.write(b"x")), Errno::EPIPE);
    let lone = socket(&h, SOCK_SEQPACKET, true, CRED).unwrap();
    assert_eq!(errno(lone.write(b"x")), Errno::ENOTCONN);
    assert_eq!(errno(recv(&lone, 4, 0)), Errno::ENOTCONN);
}

#[test]
fn unconnected_stream_polls_out_hup_and_refuses_io() {
    let h = hub();
    let s = socket(&h, SOCK_STREAM, true, CRED).unwrap();
    assert_eq!(bits(&s), ev::OUT | ev::WRNORM | ev::WRBAND | ev::HUP);
    assert_eq!(errno(s.write(b"x")), Errno::ENOTCONN);
    assert_eq!(errno(recv(&s, 4, 0)), Errno::EINVAL);
    assert_eq!(errno(sk(&s).peer_addr()), Errno::ENOTCONN);
    assert_eq!(errno(sk(&s).listen(5)), Errno::EINVAL, "unbound");
    assert_eq!(errno(sk(&s).accept(false)), Errno::EINVAL);
    sk(&s).shutdown(crate::net::Shutdown::Both).unwrap();
    let d = socket(&h, SOCK_DGRAM, true, CRED).unwrap();
    assert_eq!(errno(sk(&d).listen(5)), Errno::EOPNOTSUPP);
    assert_eq!(errno(sk(&d).accept(false)), Errno::EOPNOTSUPP);
    assert_eq!(errno(d.write(b"x")), Errno::ENOTCONN);
    assert_eq!(bits(&d), ev::OUT | ev::WRNORM | ev::WRBAND);
}

struct Mem(Vec<u8>);

impl crate::fd::UserMemory for Mem {
    fn copy_in(&mut self, _src: crate::platform::UserAddr, _dst: &mut [u8]) -> SysResult<()> {
        Ok(())
    }
    fn copy_out(&mut self, _dst: crate::platform::UserAddr, src: &[u8]) -> SysResult<()> {
        self.0 = src.to_vec();
        Ok(())
    }
}

fn ioctl_int(f: &Arc<dyn FileOps>, cmd: u32) -> SysResult<i32> {
    let mut m = Mem(Vec::new());
    f.ioctl(cmd, crate::platform::UserAddr(0x1000), &mut m)?;
    Ok(i32::from_ne_bytes(m.0[..4].try_into().expect("an int")))
}

#[test]
fn siocinq_and_siocoutq() {
    let h = hub();
    let mut fs = files();
    let (a, b) = pair(&h, SOCK_STREAM, true, CRED).unwrap();
    a.write(b"12345").unwrap();
    assert_eq!(ioctl_int(&b, SIOCINQ).unwrap(), 5);
    assert_eq!(ioctl_int(&a, SIOCOUTQ).unwrap(), 5);
    assert_eq!(ioctl_int(&a, SIOCINQ).unwrap(), 0);
    let l = listener(&mut fs, &h, SOCK_STREAM, &abs("ioctl"));
    assert_eq!(errno(ioctl_int(&l, SIOCINQ)), Errno::EINVAL);
    assert_eq!(errno(ioctl_int(&l, 0x5401)), Errno::ENOTTY);
}
