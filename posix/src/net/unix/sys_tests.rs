//! AF_UNIX through the system calls on the mock platform: socketpair,
//! bind/listen/connect/accept4 on a /tmp path and on an abstract name,
//! stat of the socket file, datagrams with recvfrom's address length,
//! SO_PEERCRED with the process's ids, FIONREAD, poll bits, EOF and EPIPE
//! after close.

use alloc::vec::Vec;

use crate::net::{SockAddr, UnixAddr};
use crate::tests::util::{anon, loaded, poke, sys};

const READ: u64 = 0;
const WRITE: u64 = 1;
const CLOSE: u64 = 3;
const FSTAT: u64 = 5;
const POLL: u64 = 7;
const IOCTL: u64 = 16;
const SOCKET: u64 = 41;
const CONNECT: u64 = 42;
const SENDTO: u64 = 44;
const RECVFROM: u64 = 45;
const SHUTDOWN: u64 = 48;
const BIND: u64 = 49;
const LISTEN: u64 = 50;
const GETSOCKNAME: u64 = 51;
const GETPEERNAME: u64 = 52;
const SOCKETPAIR: u64 = 53;
const GETSOCKOPT: u64 = 55;
const UNLINK: u64 = 87;
const NEWFSTATAT: u64 = 262;
const ACCEPT4: u64 = 288;

const AF_UNIX: u64 = 1;
const SOCK_STREAM: u64 = 1;
const SOCK_DGRAM: u64 = 2;
const SOCK_NONBLOCK: u64 = 0o4000;
const MSG_NOSIGNAL: u64 = 0x4000;

const ENOENT: i64 = -2;
const EAGAIN: i64 = -11;
const EPIPE: i64 = -32;
const EADDRINUSE: i64 = -98;
const ECONNREFUSED: i64 = -111;

fn un(a: &SockAddr) -> Vec<u8> {
    a.to_bytes()
}

fn path(p: &str) -> SockAddr {
    SockAddr::Unix(UnixAddr::Path(p.as_bytes().to_vec()))
}

fn u32_at(p: &crate::mock::MockPlatform, addr: u64) -> u32 {
    let b = p.peek(addr, 4).expect("readable");
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// Runs poll(2) on one fd with timeout 0 and returns revents.
fn revents(proc: &crate::process::Process, p: &crate::mock::MockPlatform, m: u64, fd: u64) -> u16 {
    let mut pfd = (fd as i32).to_le_bytes().to_vec();
    pfd.extend_from_slice(&(0x1u16 | 0x4 | 0x2000).to_le_bytes());
    pfd.extend_from_slice(&0u16.to_le_bytes());
    poke(proc, p, m, &pfd);
    let n = sys(proc, p, POLL, &[m, 1, 0]);
    assert!(n >= 0);
    let b = p.peek(m + 6, 2).expect("readable");
    u16::from_le_bytes([b[0], b[1]])
}

#[test]
fn socketpair_reads_writes_peercred_fionread_and_close() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 16384);
    assert_eq!(
        sys(
            &proc,
            &p,
            SOCKETPAIR,
            &[AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, m]
        ),
        0
    );
    let (a, b) = (u64::from(u32_at(&p, m)), u64::from(u32_at(&p, m + 4)));
    poke(&proc, &p, m + 100, b"ping");
    assert_eq!(sys(&proc, &p, WRITE, &[a, m + 100, 4]), 4);
    assert_eq!(sys(&proc, &p, IOCTL, &[b, 0x541b, m + 200]), 0);
    assert_eq!(u32_at(&p, m + 200), 4);
    assert_eq!(revents(&proc, &p, m + 300, b), 0x1 | 0x4);
    assert_eq!(sys(&proc, &p, READ, &[b, m + 400, 16]), 4);
    assert_eq!(p.peek(m + 400, 4).unwrap(), b"ping");
    assert_eq!(sys(&proc, &p, READ, &[b, m + 400, 16]), EAGAIN);
    // SO_PEERCRED: pid 1 and the image's uid/gid (1000/100).
    poke(&proc, &p, m + 500, &12u32.to_le_bytes());
    assert_eq!(sys(&proc, &p, GETSOCKOPT, &[a, 1, 17, m + 504, m + 500]), 0);
    assert_eq!(u32_at(&p, m + 500), 12);
    assert_eq!(
        p.peek(m + 504, 12).unwrap(),
        [1, 0, 0, 0, 0xe8, 3, 0, 0, 100, 0, 0, 0]
    );
    // fstat: a socket, mode 0777.
    assert_eq!(sys(&proc, &p, FSTAT, &[a, m + 600]), 0);
    assert_eq!(u32_at(&p, m + 600 + 24), 0o140_777);
    // The peer's SHUT_WR then close: EOF, then EPIPE.
    assert_eq!(sys(&proc, &p, SHUTDOWN, &[b, 1]), 0);
    assert_eq!(revents(&proc, &p, m + 300, a), 0x1 | 0x4 | 0x2000);
    assert_eq!(sys(&proc, &p, CLOSE, &[b]), 0);
    assert_eq!(revents(&proc, &p, m + 300, a), 0x1 | 0x4 | 0x2000 | 0x10);
    assert_eq!(sys(&proc, &p, READ, &[a, m + 400, 16]), 0);
    assert_eq!(
        sys(&proc, &p, SENDTO, &[a, m + 100, 4, MSG_NOSIGNAL, 0, 0]),
        EPIPE
    );
}

#[test]
fn path_sockets_bind_stat_connect_accept_and_unlink() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 16384);
    let addr = un(&path("/tmp/s"));
    let alen = addr.len() as u64;
    poke(&proc, &p, m, &addr);
    poke(&proc, &p, m + 200, b"/tmp/s\0");
    let l = sys(
        &proc,
        &p,
        SOCKET,
        &[AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0],
    ) as u64;
    assert_eq!(sys(&proc, &p, BIND, &[l, m, alen]), 0);
    assert_eq!(
        sys(
            &proc,
            &p,
            NEWFSTATAT,
            &[(-100i64) as u64, m + 200, m + 1000, 0]
        ),
        0
    );
    assert_eq!(u32_at(&p, m + 1000 + 24) & 0o170_000, 0o140_000);
    let dup = sys(&proc, &p, SOCKET, &[AF_UNIX, SOCK_STREAM, 0]) as u64;
    assert_eq!(sys(&proc, &p, BIND, &[dup, m, alen]), EADDRINUSE);
    let c = sys(
        &proc,
        &p,
        SOCKET,
        &[AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0],
    ) as u64;
    assert_eq!(sys(&proc, &p, CONNECT, &[c, m, alen]), ECONNREFUSED);
    assert_eq!(sys(&proc, &p, LISTEN, &[l, 4]), 0);
    assert_eq!(revents(&proc, &p, m + 300, l), 0);
    assert_eq!(sys(&proc, &p, CONNECT, &[c, m, alen]), 0);
    assert_eq!(revents(&proc, &p, m + 300, l), 0x1);
    // accept4 reports the unnamed client: just the family.
    poke(&proc, &p, m + 400, &110u32.to_le_bytes());
    let s = sys(&proc, &p, ACCEPT4, &[l, m + 500, m + 400, SOCK_NONBLOCK]);
    assert!(s > 0);
    let s = s as u64;
    assert_eq!(u32_at(&p, m + 400), 2);
    // getpeername of the client and getsockname of the accepted socket:
    // the path with its NUL.
    poke(&proc, &p, m + 400, &110u32.to_le_bytes());
    assert_eq!(sys(&proc, &p, GETPEERNAME, &[c, m + 500, m + 400]), 0);
    assert_eq!(u64::from(u32_at(&p, m + 400)), alen);
    assert_eq!(p.peek(m + 500, addr.len()).unwrap(), addr);
    poke(&proc, &p, m + 400, &110u32.to_le_bytes());
    assert_eq!(sys(&proc, &p, GETSOCKNAME, &[s, m + 500, m + 400]), 0);
    assert_eq!(u64::from(u32_at(&p, m + 400)), alen);
    poke(&proc, &p, m + 100, b"hello");
    assert_eq!(sys(&proc, &p, WRITE, &[c, m + 100, 5]), 5);
    assert_eq!(sys(&proc, &p, READ, &[s, m + 700, 16]), 5);
    // unlink: new connects see ENOENT, the connection lives on.
    assert_eq!(sys(&proc, &p, UNLINK, &[m + 200]), 0);
    let c2 = sys(&proc, &p, SOCKET, &[AF_UNIX, SOCK_STREAM, 0]) as u64;
    assert_eq!(sys(&proc, &p, CONNECT, &[c2, m, alen]), ENOENT);
    assert_eq!(sys(&proc, &p, WRITE, &[s, m + 100, 5]), 5);
    assert_eq!(sys(&proc, &p, READ, &[c, m + 700, 16]), 5);
}

#[test]
fn datagrams_to_a_path_keep_boundaries_and_report_the_sender() {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 16384);
    let srv = un(&path("/tmp/dg"));
    let named = un(&SockAddr::Unix(UnixAddr::Abstract(b"cl".to_vec())));
    poke(&proc, &p, m, &srv);
    poke(&proc, &p, m + 200, &named);
    let d = sys(&proc, &p, SOCKET, &[AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0]) as u64;
    assert_eq!(sys(&proc, &p, BIND, &[d, m, srv.len() as u64]), 0);
    let anon_s = sys(&proc, &p, SOCKET, &[AF_UNIX, SOCK_DGRAM, 0]) as u64;
    let named_s = sys(&proc, &p, SOCKET, &[AF_UNIX, SOCK_DGRAM, 0]) as u64;
    assert_eq!(
        sys(&proc, &p, BIND, &[named_s, m + 200, named.len() as u64]),
        0
    );
    poke(&proc, &p, m + 100, b"one-two");
    let to = |s: u64, n: u64| sys(&proc, &p, SENDTO, &[s, m + 100, n, 0, m, srv.len() as u64]);
    assert_eq!(to(anon_s, 3), 3);
    assert_eq!(to(named_s, 7), 7);
    // An unbound sender: addrlen 0.
    poke(&proc, &p, m + 400, &110u32.to_le_bytes());
    assert_eq!(
        sys(&proc, &p, RECVFROM, &[d, m + 600, 64, 0, m + 500, m + 400]),
        3
    );
    assert_eq!(u32_at(&p, m + 400), 0);
    // A bound one: its abstract name; MSG_TRUNC returns the real length.
    poke(&proc, &p, m + 400, &110u32.to_le_bytes());
    assert_eq!(
        sys(
            &proc,
            &p,
            RECVFROM,
            &[d, m + 600, 4, 0x20, m + 500, m + 400]
        ),
        7
    );
    assert_eq!(u64::from(u32_at(&p, m + 400)), named.len() as u64);
    assert_eq!(p.peek(m + 500, named.len()).unwrap(), named);
    assert_eq!(sys(&proc, &p, RECVFROM, &[d, m + 600, 64, 0, 0, 0]), EAGAIN);
}
