//! The socket system calls (sys/socket.rs, sys/sockmsg.rs, sys/sockopt.rs)
//! on the mock platform against a fake socket object, so the syscall layer's
//! own rules are checked apart from any protocol: fd flags, sockaddr
//! truncation, iovec gathering, blocking turned into waits with the bytes
//! carried, timeouts, MSG_* flags, EPIPE -> SIGPIPE, option encodings.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

use super::util::{anon, loaded, poke, sys};
use crate::errno::{Errno, SysResult};
use crate::event::{anon_metadata, next_ino};
use crate::fd::{FdFlags, FileOps, OpenFileDescription, PollEvents};
use crate::mock::MockPlatform;
use crate::net::{Connecting, MsgFlags, Received, Shutdown, SockAddr, SockCommon, SockEnv, Socket};
use crate::process::Process;
use crate::vfs::error::err;
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{FileType, Metadata};
use crate::wait::WaitQueue;

const SOCKET: u64 = 41;
const CONNECT: u64 = 42;
const ACCEPT: u64 = 43;
const SENDTO: u64 = 44;
const RECVFROM: u64 = 45;
const SENDMSG: u64 = 46;
const RECVMSG: u64 = 47;
const SHUTDOWN: u64 = 48;
const BIND: u64 = 49;
const LISTEN: u64 = 50;
const GETSOCKNAME: u64 = 51;
const SETSOCKOPT: u64 = 54;
const GETSOCKOPT: u64 = 55;
const ACCEPT4: u64 = 288;
const SENDMMSG: u64 = 307;
const IOCTL: u64 = 16;
const PIPE2: u64 = 293;

const EAGAIN: i64 = -11;
const EINVAL: i64 = -22;
const EPIPE: i64 = -32;
const EDOM: i64 = -33;
const ENOTSOCK: i64 = -88;
const EAFNOSUPPORT: i64 = -97;
const EINPROGRESS: i64 = -115;

/// A socket whose "wire" is a bounded byte queue it reads back itself.
struct Fake {
    desc: OpenFileDescription,
    queue: WaitQueue,
    common: SockCommon,
    buf: Mutex<VecDeque<u8>>,
    cap: usize,
    stream: bool,
    broken: bool,
    connect_result: Mutex<Option<SysResult<()>>>,
    last_to: Mutex<Option<SockAddr>>,
    listening: Mutex<u32>,
}

impl Fake {
    fn new(p: &Process, cap: usize, stream: bool) -> Arc<Fake> {
        let hub = p.state_for_tests().waits.clone();
        Arc::new(Fake {
            desc: OpenFileDescription::new(OpenFlags::try_from(o::RDWR).expect("valid")),
            queue: WaitQueue::new(&hub),
            common: SockCommon::default(),
            buf: Mutex::new(VecDeque::new()),
            cap,
            stream,
            broken: false,
            connect_result: Mutex::new(None),
            last_to: Mutex::new(None),
            listening: Mutex::new(0),
        })
    }
}

impl FileOps for Fake {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }
    fn fstat(&self) -> SysResult<Metadata> {
        Ok(anon_metadata(FileType::Socket, 0o777, next_ino(), 4096))
    }
    fn poll(&self) -> PollEvents {
        PollEvents(PollEvents::OUT)
    }
    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.queue)
    }
    fn as_socket(&self) -> Option<&dyn Socket> {
        Some(self)
    }
}

impl Socket for Fake {
    fn common(&self) -> &SockCommon {
        &self.common
    }
    fn domain(&self) -> i32 {
        2
    }
    fn sock_type(&self) -> i32 {
        if self.stream {
            1
        } else {
            2
        }
    }
    fn protocol(&self) -> i32 {
        6
    }
    fn bind(&self, _env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<()> {
        *self.last_to.lock() = Some(addr.clone());
        Ok(())
    }
    fn listen(&self, backlog: u32) -> SysResult<()> {
        *self.listening.lock() = backlog;
        Ok(())
    }
    fn accept(&self, _nonblock: bool) -> SysResult<(Arc<dyn FileOps>, SockAddr)> {
        err(Errno::EAGAIN, "no connection")
    }
    fn connect(&self, _env: &mut SockEnv<'_>, _addr: &SockAddr) -> SysResult<Connecting> {
        Ok(Connecting::InProgress)
    }
    fn finish_connect(&self) -> Option<SysResult<()>> {
        *self.connect_result.lock()
    }
    fn send(
        &self,
        _env: &mut SockEnv<'_>,
        data: &[u8],
        to: Option<&SockAddr>,
        _flags: MsgFlags,
    ) -> SysResult<usize> {
        if self.broken {
            return err(Errno::EPIPE, "broken");
        }
        *self.last_to.lock() = to.cloned();
        let mut b = self.buf.lock();
        let room = self.cap - b.len();
        if room == 0 {
            return err(Errno::EAGAIN, "full");
        }
        let n = room.min(data.len());
        b.extend(&data[..n]);
        Ok(n)
    }
    fn recv(&self, buf: &mut [u8], flags: MsgFlags) -> SysResult<Received> {
        let mut b = self.buf.lock();
        if b.is_empty() {
            return err(Errno::EAGAIN, "empty");
        }
        let n = b.len().min(buf.len());
        for (i, x) in b.iter().take(n).enumerate() {
            buf[i] = *x;
        }
        let full = if self.stream { n } else { b.len() };
        if !flags.has(MsgFlags::PEEK) {
            if self.stream {
                b.drain(..n);
            } else {
                b.clear();
            }
        }
        Ok(Received {
            len: n,
            full_len: full,
            from: Some(SockAddr::Inet {
                addr: [10, 0, 0, 9],
                port: 99,
            }),
        })
    }
    fn shutdown(&self, _how: Shutdown) -> SysResult<()> {
        Ok(())
    }
    fn local_addr(&self) -> SysResult<SockAddr> {
        Ok(SockAddr::Inet {
            addr: [127, 0, 0, 1],
            port: 8080,
        })
    }
    fn peer_addr(&self) -> SysResult<SockAddr> {
        err(Errno::ENOTCONN, "not connected")
    }
    fn readable_bytes(&self) -> usize {
        self.buf.lock().len()
    }
}

fn install(proc: &Process, f: Arc<Fake>) -> u64 {
    let mut st = proc.state_for_tests();
    u64::from(st.fds.insert(f, FdFlags::default()).expect("fd").get())
}

fn sin(port: u16, addr: [u8; 4]) -> Vec<u8> {
    SockAddr::Inet { addr, port }.to_bytes()
}

fn setup() -> (Process, MockPlatform, u64) {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 16384);
    (proc, p, m)
}

#[test]
fn socket_flags_and_families_are_checked() {
    let (proc, p, _m) = setup();
    assert_eq!(sys(&proc, &p, SOCKET, &[2, 1 | 0x100, 0]), EINVAL);
    assert_eq!(sys(&proc, &p, SOCKET, &[17, 1, 0]), EAFNOSUPPORT);
    assert_eq!(sys(&proc, &p, SOCKET, &[5, 3, 0]), EAFNOSUPPORT);
}

#[test]
fn non_sockets_get_enotsock() {
    let (proc, p, m) = setup();
    assert_eq!(sys(&proc, &p, PIPE2, &[m, 0]), 0);
    assert_eq!(sys(&proc, &p, LISTEN, &[3, 5]), ENOTSOCK);
    assert_eq!(sys(&proc, &p, SENDTO, &[3, m, 1, 0, 0, 0]), ENOTSOCK);
    assert_eq!(sys(&proc, &p, GETSOCKOPT, &[3, 1, 3, m, m + 8]), ENOTSOCK);
}

#[test]
fn bind_reads_the_address_and_getsockname_truncates() {
    let (proc, p, m) = setup();
    let f = Fake::new(&proc, 64, true);
    let fd = install(&proc, f.clone());
    poke(&proc, &p, m, &sin(80, [10, 1, 2, 3]));
    assert_eq!(sys(&proc, &p, BIND, &[fd, m, 16]), 0);
    assert_eq!(
        *f.last_to.lock(),
        Some(SockAddr::Inet {
            addr: [10, 1, 2, 3],
            port: 80
        })
    );
    assert_eq!(sys(&proc, &p, BIND, &[fd, m, 200]), EINVAL);
    assert_eq!(sys(&proc, &p, BIND, &[fd, m, (-1i64) as u64]), EINVAL);
    // A 4-byte buffer gets 4 bytes, the length says 16.
    poke(&proc, &p, m + 100, &4u32.to_le_bytes());
    assert_eq!(sys(&proc, &p, GETSOCKNAME, &[fd, m + 200, m + 100]), 0);
    assert_eq!(p.peek(m + 100, 4).unwrap(), 16u32.to_le_bytes());
    assert_eq!(p.peek(m + 200, 4).unwrap(), [2, 0, 0x1f, 0x90]);
    // listen clamps a huge or negative backlog to SOMAXCONN.
    assert_eq!(sys(&proc, &p, LISTEN, &[fd, (-1i64) as u64]), 0);
    assert_eq!(*f.listening.lock(), 4096);
    assert_eq!(sys(&proc, &p, SHUTDOWN, &[fd, 3]), EINVAL);
    assert_eq!(sys(&proc, &p, SHUTDOWN, &[fd, 1]), 0);
}

#[test]
fn blocking_stream_send_waits_for_room_and_carries_bytes() {
    let (proc, p, m) = setup();
    let f = Fake::new(&proc, 8, true);
    let fd = install(&proc, f.clone());
    poke(&proc, &p, m, b"0123456789abcdef");
    // SO_SNDTIMEO 1 s bounds the wait: 8 bytes fit, then the wait times out
    // and the call returns the 8 already queued.
    let mut tv = 1i64.to_le_bytes().to_vec();
    tv.extend_from_slice(&0i64.to_le_bytes());
    poke(&proc, &p, m + 512, &tv);
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 21, m + 512, 16]), 0);
    assert_eq!(sys(&proc, &p, SENDTO, &[fd, m, 16, 0, 0, 0]), 8);
    assert_eq!(p.blocks.borrow().len(), 1, "one wait for room");
    // Full and MSG_DONTWAIT: EAGAIN at once, no wait.
    assert_eq!(sys(&proc, &p, SENDTO, &[fd, m, 16, 0x40, 0, 0]), EAGAIN);
    assert_eq!(p.blocks.borrow().len(), 1);
    // Receive takes all 8 with the sender's address.
    poke(&proc, &p, m + 600, &16u32.to_le_bytes());
    assert_eq!(
        sys(
            &proc,
            &p,
            RECVFROM,
            &[fd, m + 1024, 100, 0, m + 700, m + 600]
        ),
        8
    );
    assert_eq!(p.peek(m + 1024, 8).unwrap(), b"01234567");
    assert_eq!(p.peek(m + 700, 8).unwrap(), [2, 0, 0, 99, 10, 0, 0, 9]);
}

#[test]
fn recv_timeout_gives_eagain_after_the_deadline() {
    let (proc, p, m) = setup();
    let f = Fake::new(&proc, 8, true);
    let fd = install(&proc, f);
    let mut tv = 0i64.to_le_bytes().to_vec();
    tv.extend_from_slice(&250_000i64.to_le_bytes());
    poke(&proc, &p, m, &tv);
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 20, m, 16]), 0);
    let before = p.mono.get();
    assert_eq!(
        sys(&proc, &p, RECVFROM, &[fd, m + 100, 10, 0, 0, 0]),
        EAGAIN
    );
    assert!(
        p.mono.get() >= before + 250_000_000,
        "waited for the timeout"
    );
    // Round trip of the timeval, and EDOM for a bad tv_usec.
    poke(&proc, &p, m + 200, &16u32.to_le_bytes());
    assert_eq!(
        sys(&proc, &p, GETSOCKOPT, &[fd, 1, 20, m + 300, m + 200]),
        0
    );
    assert_eq!(p.peek(m + 300, 16).unwrap(), tv);
    let mut bad = 0i64.to_le_bytes().to_vec();
    bad.extend_from_slice(&1_000_000i64.to_le_bytes());
    poke(&proc, &p, m, &bad);
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 20, m, 16]), EDOM);
}

#[test]
fn datagram_truncation_peek_and_msg_trunc() {
    let (proc, p, m) = setup();
    let f = Fake::new(&proc, 64, false);
    let fd = install(&proc, f.clone());
    poke(&proc, &p, m, b"datagram!!");
    poke(&proc, &p, m + 100, &sin(53, [1, 1, 1, 1]));
    assert_eq!(sys(&proc, &p, SENDTO, &[fd, m, 10, 0, m + 100, 16]), 10);
    assert_eq!(
        *f.last_to.lock(),
        Some(SockAddr::Inet {
            addr: [1, 1, 1, 1],
            port: 53
        })
    );
    // MSG_PEEK|MSG_TRUNC with a 4-byte buffer: 4 copied, 10 reported.
    assert_eq!(sys(&proc, &p, RECVFROM, &[fd, m + 200, 4, 0x22, 0, 0]), 10);
    // recvmsg with two iovecs of 3 and 3: 6 copied, MSG_TRUNC in msg_flags.
    let iov = m + 1000;
    let mut v = Vec::new();
    for (b, l) in [(m + 300, 3u64), (m + 310, 3)] {
        v.extend_from_slice(&b.to_le_bytes());
        v.extend_from_slice(&l.to_le_bytes());
    }
    poke(&proc, &p, iov, &v);
    let mut h = Vec::new();
    h.extend_from_slice(&(m + 400).to_le_bytes()); // msg_name
    h.extend_from_slice(&16u64.to_le_bytes()); // msg_namelen + pad
    h.extend_from_slice(&iov.to_le_bytes());
    h.extend_from_slice(&2u64.to_le_bytes());
    h.extend_from_slice(&0u64.to_le_bytes()); // control
    h.extend_from_slice(&77u64.to_le_bytes()); // controllen
    h.extend_from_slice(&0u64.to_le_bytes()); // flags
    poke(&proc, &p, m + 2000, &h);
    assert_eq!(sys(&proc, &p, RECVMSG, &[fd, m + 2000, 0]), 6);
    assert_eq!(p.peek(m + 300, 3).unwrap(), b"dat");
    assert_eq!(p.peek(m + 310, 3).unwrap(), b"agr");
    let out = p.peek(m + 2000, 56).unwrap();
    assert_eq!(&out[8..12], &16u32.to_le_bytes(), "msg_namelen");
    assert_eq!(&out[40..48], &0u64.to_le_bytes(), "no control data");
    assert_eq!(&out[48..52], &0x20u32.to_le_bytes(), "MSG_TRUNC");
    assert_eq!(p.peek(m + 404, 4).unwrap(), [10, 0, 0, 9]);
}

#[test]
fn sendmsg_gathers_iovecs_and_sendmmsg_counts_messages() {
    let (proc, p, m) = setup();
    let f = Fake::new(&proc, 64, true);
    let fd = install(&proc, f.clone());
    poke(&proc, &p, m, b"abcXYZ");
    let iov = m + 100;
    let mut v = Vec::new();
    for (b, l) in [(m, 3u64), (m + 3, 3)] {
        v.extend_from_slice(&b.to_le_bytes());
        v.extend_from_slice(&l.to_le_bytes());
    }
    poke(&proc, &p, iov, &v);
    let mut h = Vec::new();
    h.extend_from_slice(&0u64.to_le_bytes());
    h.extend_from_slice(&0u64.to_le_bytes());
    h.extend_from_slice(&iov.to_le_bytes());
    h.extend_from_slice(&2u64.to_le_bytes());
    h.extend_from_slice(&[0u8; 24]);
    poke(&proc, &p, m + 200, &h);
    assert_eq!(sys(&proc, &p, SENDMSG, &[fd, m + 200, 0]), 6);
    assert_eq!(f.buf.lock().iter().copied().collect::<Vec<u8>>(), b"abcXYZ");
    // Two mmsghdrs with the same iovecs: 2 messages, msg_len 6 each.
    let mut mm = h.clone();
    mm.extend_from_slice(&[0u8; 8]);
    mm.extend_from_slice(&h);
    mm.extend_from_slice(&[0u8; 8]);
    poke(&proc, &p, m + 400, &mm);
    assert_eq!(sys(&proc, &p, SENDMMSG, &[fd, m + 400, 2, 0]), 2);
    assert_eq!(p.peek(m + 400 + 56, 4).unwrap(), 6u32.to_le_bytes());
    assert_eq!(p.peek(m + 400 + 64 + 56, 4).unwrap(), 6u32.to_le_bytes());
    // FIONREAD reports the queued bytes.
    assert_eq!(sys(&proc, &p, IOCTL, &[fd, 0x541b, m + 800]), 0);
    assert_eq!(p.peek(m + 800, 4).unwrap(), 18i32.to_le_bytes());
}

#[test]
fn epipe_raises_sigpipe_unless_msg_nosignal() {
    let (proc, p, m) = setup();
    let f = Arc::new(Fake {
        broken: true,
        ..Arc::try_unwrap(Fake::new(&proc, 8, true))
            .ok()
            .expect("sole owner")
    });
    let fd = install(&proc, f);
    assert_eq!(sys(&proc, &p, SENDTO, &[fd, m, 1, 0x4000, 0, 0]), EPIPE);
    let out = super::util::outcome(&proc, &p, SENDTO, &[fd, m, 1, 0, 0, 0]);
    assert_eq!(out, crate::process::SyscallOutcome::Exit(141));
}

#[test]
fn connect_in_progress_nonblocking_and_blocking() {
    let (proc, p, m) = setup();
    let f = Fake::new(&proc, 8, true);
    let fd = install(&proc, f.clone());
    poke(&proc, &p, m, &sin(80, [10, 0, 2, 2]));
    f.desc.set_status_flags(o::NONBLOCK);
    assert_eq!(sys(&proc, &p, CONNECT, &[fd, m, 16]), EINPROGRESS);
    f.desc.set_status_flags(0);
    // Blocking: the handshake finishes with ECONNREFUSED during the wait.
    *f.connect_result.lock() = Some(err(Errno::ECONNREFUSED, "refused"));
    assert_eq!(sys(&proc, &p, CONNECT, &[fd, m, 16]), -111);
}

#[test]
fn accept_flags_and_timeout() {
    let (proc, p, m) = setup();
    let f = Fake::new(&proc, 8, true);
    let fd = install(&proc, f);
    assert_eq!(sys(&proc, &p, ACCEPT4, &[fd, 0, 0, 0x1]), EINVAL);
    let mut tv = 1i64.to_le_bytes().to_vec();
    tv.extend_from_slice(&0i64.to_le_bytes());
    poke(&proc, &p, m, &tv);
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 20, m, 16]), 0);
    assert_eq!(sys(&proc, &p, ACCEPT, &[fd, 0, 0]), EAGAIN);
}

#[test]
fn sol_socket_options_follow_linux() {
    let (proc, p, m) = setup();
    let f = Fake::new(&proc, 8, true);
    let fd = install(&proc, f);
    let get = |name: u64| -> Vec<u8> {
        poke(&proc, &p, m + 100, &64u32.to_le_bytes());
        assert_eq!(
            sys(&proc, &p, GETSOCKOPT, &[fd, 1, name, m + 200, m + 100]),
            0
        );
        let n = u32::from_le_bytes(p.peek(m + 100, 4).unwrap().try_into().unwrap());
        p.peek(m + 200, n as usize).unwrap()
    };
    assert_eq!(get(3), 1i32.to_le_bytes(), "SO_TYPE");
    assert_eq!(get(39), 2i32.to_le_bytes(), "SO_DOMAIN");
    assert_eq!(get(38), 6i32.to_le_bytes(), "SO_PROTOCOL");
    assert_eq!(get(4), 0i32.to_le_bytes(), "SO_ERROR");
    // SO_RCVBUF is doubled, with Linux's floor; SO_SNDBUF capped at wmem_max.
    poke(&proc, &p, m, &1000i32.to_le_bytes());
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 8, m, 4]), 0);
    assert_eq!(get(8), 2304i32.to_le_bytes());
    poke(&proc, &p, m, &65536i32.to_le_bytes());
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 8, m, 4]), 0);
    assert_eq!(get(8), 131072i32.to_le_bytes());
    poke(&proc, &p, m, &i32::MAX.to_le_bytes());
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 7, m, 4]), 0);
    assert_eq!(get(7), 425984i32.to_le_bytes());
    // Booleans read back as 0/1; short values are EINVAL.
    poke(&proc, &p, m, &7i32.to_le_bytes());
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 2, m, 4]), 0);
    assert_eq!(get(2), 1i32.to_le_bytes());
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 2, m, 2]), EINVAL);
    // SO_LINGER is a struct linger; a small getsockopt buffer truncates.
    poke(&proc, &p, m, &[1, 0, 0, 0, 5, 0, 0, 0]);
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 1, 13, m, 8]), 0);
    assert_eq!(get(13), [1, 0, 0, 0, 5, 0, 0, 0]);
    poke(&proc, &p, m + 100, &2u32.to_le_bytes());
    assert_eq!(sys(&proc, &p, GETSOCKOPT, &[fd, 1, 3, m + 200, m + 100]), 0);
    assert_eq!(p.peek(m + 100, 4).unwrap(), 2u32.to_le_bytes());
    // Unknown levels go to the socket, which says ENOPROTOOPT.
    assert_eq!(sys(&proc, &p, SETSOCKOPT, &[fd, 6, 1, m, 4]), -92);
}

#[test]
fn real_sockets_through_the_table() {
    let (proc, p, m) = setup();
    // socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC): bytes both ways.
    assert_eq!(sys(&proc, &p, 53, &[1, 1 | 0o2000000, 0, m]), 0);
    let b = p.peek(m, 8).unwrap();
    let (a, z) = (
        u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        u64::from(u32::from_le_bytes([b[4], b[5], b[6], b[7]])),
    );
    poke(&proc, &p, m + 100, b"ping");
    assert_eq!(sys(&proc, &p, SENDTO, &[a, m + 100, 4, 0, 0, 0]), 4);
    assert_eq!(sys(&proc, &p, RECVFROM, &[z, m + 200, 64, 0x40, 0, 0]), 4);
    assert_eq!(p.peek(m + 200, 4).unwrap(), b"ping");
    assert_eq!(
        sys(&proc, &p, RECVFROM, &[z, m + 200, 64, 0x40, 0, 0]),
        EAGAIN
    );
    // socketpair is refused for AF_INET.
    assert_eq!(sys(&proc, &p, 53, &[2, 1, 0, m]), -95);
    // AF_INET stream: bind port 0 picks an ephemeral port, listen works.
    let s = sys(&proc, &p, SOCKET, &[2, 1, 0]);
    assert!(s >= 0, "socket: {s}");
    let s = s as u64;
    poke(&proc, &p, m + 300, &sin(0, [127, 0, 0, 1]));
    assert_eq!(sys(&proc, &p, BIND, &[s, m + 300, 16]), 0);
    assert_eq!(sys(&proc, &p, LISTEN, &[s, 16]), 0);
    poke(&proc, &p, m + 400, &16u32.to_le_bytes());
    assert_eq!(sys(&proc, &p, GETSOCKNAME, &[s, m + 500, m + 400]), 0);
    let name = p.peek(m + 500, 8).unwrap();
    let port = u16::from_be_bytes([name[2], name[3]]);
    assert!((32768..61000).contains(&port), "ephemeral port {port}");
    assert_eq!(&name[4..8], &[127, 0, 0, 1]);
    // A nonblocking client connects over loopback; accept gets it.
    let c = sys(&proc, &p, SOCKET, &[2, 1 | 0o4000, 0]) as u64;
    poke(&proc, &p, m + 600, &sin(port, [127, 0, 0, 1]));
    let r = sys(&proc, &p, CONNECT, &[c, m + 600, 16]);
    assert!(r == 0 || r == EINPROGRESS, "connect: {r}");
    let fd = sys(&proc, &p, ACCEPT4, &[s, 0, 0, 0o4000]);
    assert!(fd > 0, "accept: {fd}");
}
