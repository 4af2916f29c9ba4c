//! AF_NETLINK and the interface ioctls through the system calls on the
//! mock platform (loopback only, as under `--net none`): socket flags,
//! `struct sockaddr_nl` in and out, a dump read with recvfrom, and the
//! SIOCGIF* answers and errors per socket family.

use super::util::{anon, loaded, poke, sys};
use crate::mock::MockPlatform;
use crate::process::Process;

const IOCTL: u64 = 16;
const SOCKET: u64 = 41;
const SENDTO: u64 = 44;
const RECVFROM: u64 = 45;
const BIND: u64 = 49;
const GETSOCKNAME: u64 = 51;
const FCNTL: u64 = 72;

const ENODEV: i64 = -19;
const EINVAL: i64 = -22;
const ENOTTY: i64 = -25;
const EAGAIN: i64 = -11;
const EPERM: i64 = -1;
const EADDRNOTAVAIL: i64 = -99;

/// SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK.
const RAW_FLAGS: u64 = 3 | 0o2000000 | 0o4000;

fn setup() -> (Process, MockPlatform, u64) {
    let (proc, p, _) = loaded(false);
    let m = anon(&proc, &p, 16384);
    (proc, p, m)
}

fn peek(p: &MockPlatform, at: u64, len: usize) -> Vec<u8> {
    p.peek(at, len).expect("mapped")
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// A `struct ifreq` naming `name`.
fn ifreq(name: &[u8]) -> Vec<u8> {
    let mut r = vec![0u8; 40];
    r[..name.len()].copy_from_slice(name);
    r
}

#[test]
fn netlink_dump_through_the_syscalls() {
    let (proc, p, m) = setup();
    let fd = sys(&proc, &p, SOCKET, &[16, RAW_FLAGS, 0]);
    assert!(fd >= 3);
    let fd = fd as u64;
    assert_eq!(sys(&proc, &p, FCNTL, &[fd, 1]), 1, "FD_CLOEXEC");
    // bind: a short sockaddr_nl is EINVAL, another family EINVAL.
    let mut nl = vec![16u8, 0, 0, 0];
    nl.extend_from_slice(&[0; 8]);
    poke(&proc, &p, m, &nl);
    assert_eq!(sys(&proc, &p, BIND, &[fd, m, 8]), EINVAL);
    poke(&proc, &p, m + 64, &[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(sys(&proc, &p, BIND, &[fd, m + 64, 12]), EINVAL);
    assert_eq!(sys(&proc, &p, BIND, &[fd, m, 12]), 0);
    poke(&proc, &p, m + 200, &64u32.to_ne_bytes());
    assert_eq!(sys(&proc, &p, GETSOCKNAME, &[fd, m + 128, m + 200]), 0);
    assert_eq!(u32_at(&peek(&p, m + 200, 4), 0), 12);
    assert_eq!(peek(&p, m + 128, 12), [16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    // musl's getifaddrs request: RTM_GETLINK dump, rtgenmsg AF_UNSPEC.
    let mut req = 20u32.to_ne_bytes().to_vec();
    req.extend_from_slice(&[18, 0, 1, 3]);
    req.extend_from_slice(&1u32.to_ne_bytes());
    req.extend_from_slice(&[0; 8]);
    poke(&proc, &p, m + 256, &req);
    assert_eq!(sys(&proc, &p, SENDTO, &[fd, m + 256, 20, 0, 0, 0]), 20);
    let buf = m + 4096;
    poke(&proc, &p, m + 200, &64u32.to_ne_bytes());
    let n = sys(
        &proc,
        &p,
        RECVFROM,
        &[fd, buf, 8192, 0x40, m + 128, m + 200],
    );
    assert!(n > 16, "{n}");
    let d = peek(&p, buf, n as usize);
    assert_eq!(u32_at(&d, 0) as i64, n, "lo's message alone (no NIC)");
    assert_eq!(&d[4..6], &16u16.to_ne_bytes());
    assert_eq!(peek(&p, m + 128, 12), [16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(sys(&proc, &p, RECVFROM, &[fd, buf, 8192, 0, 0, 0]), 20);
    assert_eq!(sys(&proc, &p, RECVFROM, &[fd, buf, 8192, 0, 0, 0]), EAGAIN);
    // netlink_ioctl has no FIONREAD.
    assert_eq!(sys(&proc, &p, IOCTL, &[fd, 0x541b, m]), ENOTTY);
}

#[test]
fn interface_ioctls_on_sockets() {
    let (proc, p, m) = setup();
    let nl = sys(&proc, &p, SOCKET, &[16, 3, 0]) as u64;
    let inet = sys(&proc, &p, SOCKET, &[2, 2, 0]) as u64;
    let unix = sys(&proc, &p, SOCKET, &[1, 2, 0]) as u64;
    let ask = |fd: u64, req: u64, name: &[u8]| {
        poke(&proc, &p, m, &ifreq(name));
        let r = sys(&proc, &p, IOCTL, &[fd, req, m]);
        (r, peek(&p, m + 16, 24))
    };
    // dev_ioctl requests work on any socket.
    let (r, u) = ask(unix, 0x8913, b"lo");
    assert_eq!((r, &u[..2]), (0, &[0x49, 0][..]), "UP|LOOPBACK|RUNNING");
    assert_eq!(ask(nl, 0x8933, b"lo").1[..4], 1i32.to_ne_bytes());
    assert_eq!(ask(inet, 0x8921, b"lo").1[..4], 65536i32.to_ne_bytes());
    assert_eq!(
        ask(inet, 0x8927, b"lo").1[..8],
        [0x04, 0x03, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(ask(inet, 0x8913, b"lo:0").0, 0, "an alias names its device");
    assert_eq!(ask(inet, 0x8913, b"nosuch0").0, ENODEV);
    assert_eq!(ask(inet, 0x8933, b"eth0").0, ENODEV, "no NIC here");
    // Addresses: AF_INET sockets only.
    assert_eq!(ask(unix, 0x8915, b"lo").0, ENOTTY);
    assert_eq!(ask(nl, 0x8915, b"lo").0, ENOTTY);
    assert_eq!(ask(inet, 0x8915, b"lo").1[..8], [2, 0, 0, 0, 127, 0, 0, 1]);
    assert_eq!(ask(inet, 0x891b, b"lo").1[..8], [2, 0, 0, 0, 255, 0, 0, 0]);
    assert_eq!(ask(inet, 0x8919, b"lo").1[..8], [2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(ask(inet, 0x8915, b"lo:1").0, EADDRNOTAVAIL);
    assert_eq!(ask(inet, 0x8915, b"nosuch0").0, ENODEV);
    // SIOCS*: EPERM, as without CAP_NET_ADMIN.
    assert_eq!(ask(inet, 0x8922, b"lo").0, EPERM);
    assert_eq!(ask(unix, 0x8914, b"lo").0, EPERM);
    // SIOCGIFNAME.
    let mut r = ifreq(b"");
    r[16..20].copy_from_slice(&1i32.to_ne_bytes());
    poke(&proc, &p, m, &r);
    assert_eq!(sys(&proc, &p, IOCTL, &[unix, 0x8910, m]), 0);
    assert_eq!(peek(&p, m, 3), b"lo\0");
    r[16..20].copy_from_slice(&9i32.to_ne_bytes());
    poke(&proc, &p, m, &r);
    assert_eq!(sys(&proc, &p, IOCTL, &[unix, 0x8910, m]), ENODEV);
    // Not a socket: ENOTTY.
    assert_eq!(sys(&proc, &p, IOCTL, &[1, 0x8913, m]), ENOTTY);
}

#[test]
fn siocgifconf_sizes_and_fills() {
    let (proc, p, m) = setup();
    let fd = sys(&proc, &p, SOCKET, &[10, 2, 0]) as u64;
    // A null buffer asks for the size: one IPv4 address, lo's.
    let mut c = vec![0u8; 16];
    poke(&proc, &p, m, &c);
    assert_eq!(sys(&proc, &p, IOCTL, &[fd, 0x8912, m]), 0);
    assert_eq!(u32_at(&peek(&p, m, 4), 0), 40);
    c[..4].copy_from_slice(&39i32.to_ne_bytes());
    c[8..16].copy_from_slice(&(m + 1024).to_ne_bytes());
    poke(&proc, &p, m, &c);
    assert_eq!(sys(&proc, &p, IOCTL, &[fd, 0x8912, m]), 0);
    assert_eq!(u32_at(&peek(&p, m, 4), 0), 0, "no whole ifreq fits");
    c[..4].copy_from_slice(&400i32.to_ne_bytes());
    poke(&proc, &p, m, &c);
    assert_eq!(sys(&proc, &p, IOCTL, &[fd, 0x8912, m]), 0);
    assert_eq!(u32_at(&peek(&p, m, 4), 0), 40);
    let r = peek(&p, m + 1024, 40);
    assert_eq!(&r[..3], b"lo\0");
    assert_eq!(&r[16..24], &[2, 0, 0, 0, 127, 0, 0, 1]);
}
