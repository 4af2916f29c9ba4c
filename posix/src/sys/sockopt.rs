//! setsockopt(2), getsockopt(2). SOL_SOCKET options every socket shares
//! are kept here in the socket's `SockCommon` with Linux's conventions
//! (socket(7); net/core/sock.c `sk_setsockopt`/`sk_getsockopt`): integer
//! options need an `int`, SO_RCVBUF/SO_SNDBUF are doubled and clamped,
//! timeouts are `struct timeval`s, SO_LINGER a `struct linger`. Options
//! with a protocol effect (SO_KEEPALIVE, buffer sizes, SO_LINGER) are also
//! passed to the socket, and every other level (IPPROTO_TCP, IPPROTO_IP,
//! IPPROTO_IPV6) and unknown SOL_SOCKET names (SO_ACCEPTCONN, SO_PEERCRED)
//! go to `Socket::set_option`/`get_option`. Neighbours: `sys::socket`,
//! `net::socket`.

use alloc::vec::Vec;

use crate::args::Args;
use crate::bail;
use crate::errno::SysResult;
use crate::net::Socket;
use crate::process::Cx;
use crate::sys::socket::{sock, socket_arg};

/// `SOL_SOCKET` (asm-generic/socket.h).
pub const SOL_SOCKET: i32 = 1;

/// SOL_SOCKET option names (asm-generic/socket.h).
pub mod so {
    /// `SO_DEBUG`.
    pub const DEBUG: i32 = 1;
    /// `SO_REUSEADDR`.
    pub const REUSEADDR: i32 = 2;
    /// `SO_TYPE`.
    pub const TYPE: i32 = 3;
    /// `SO_ERROR`.
    pub const ERROR: i32 = 4;
    /// `SO_DONTROUTE`.
    pub const DONTROUTE: i32 = 5;
    /// `SO_BROADCAST`.
    pub const BROADCAST: i32 = 6;
    /// `SO_SNDBUF`.
    pub const SNDBUF: i32 = 7;
    /// `SO_RCVBUF`.
    pub const RCVBUF: i32 = 8;
    /// `SO_KEEPALIVE`.
    pub const KEEPALIVE: i32 = 9;
    /// `SO_OOBINLINE`.
    pub const OOBINLINE: i32 = 10;
    /// `SO_PRIORITY`.
    pub const PRIORITY: i32 = 12;
    /// `SO_LINGER`.
    pub const LINGER: i32 = 13;
    /// `SO_REUSEPORT`.
    pub const REUSEPORT: i32 = 15;
    /// `SO_RCVLOWAT`.
    pub const RCVLOWAT: i32 = 18;
    /// `SO_SNDLOWAT`.
    pub const SNDLOWAT: i32 = 19;
    /// `SO_RCVTIMEO_OLD` (the `struct timeval` one musl uses on x86_64).
    pub const RCVTIMEO: i32 = 20;
    /// `SO_SNDTIMEO_OLD`.
    pub const SNDTIMEO: i32 = 21;
    /// `SO_SNDBUFFORCE`.
    pub const SNDBUFFORCE: i32 = 32;
    /// `SO_RCVBUFFORCE`.
    pub const RCVBUFFORCE: i32 = 33;
    /// `SO_PROTOCOL`.
    pub const PROTOCOL: i32 = 38;
    /// `SO_DOMAIN`.
    pub const DOMAIN: i32 = 39;
    /// `SO_RCVTIMEO_NEW` (`struct __kernel_sock_timeval`, same layout on x86_64).
    pub const RCVTIMEO_NEW: i32 = 66;
    /// `SO_SNDTIMEO_NEW`.
    pub const SNDTIMEO_NEW: i32 = 67;
}

/// net.core.rmem_max / wmem_max defaults: the most SO_RCVBUF/SO_SNDBUF
/// take before doubling.
const BUF_MAX: u32 = 212_992;
/// `SOCK_MIN_RCVBUF` (include/net/sock.h) for a typical skb truesize.
const MIN_RCVBUF: u32 = 2_304;
/// `SOCK_MIN_SNDBUF`.
const MIN_SNDBUF: u32 = 4_608;
/// The most option bytes read from the program.
const MAX_OPTLEN: usize = 256;

fn int_of(v: &[u8]) -> SysResult<i32> {
    // sk_setsockopt: "if (optlen < sizeof(int)) return -EINVAL".
    if v.len() < 4 {
        bail!(EINVAL, "option value shorter than an int");
    }
    Ok(i32::from_le_bytes([v[0], v[1], v[2], v[3]]))
}

/// Parses a `struct timeval` timeout (sock_set_timeout): {0,0} blocks
/// forever (`None`), a negative time does not block at all.
fn timeout_of(v: &[u8]) -> SysResult<Option<u64>> {
    if v.len() < 16 {
        bail!(EINVAL, "timeout shorter than struct timeval");
    }
    let sec = i64::from_le_bytes([v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]]);
    let usec = i64::from_le_bytes([v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]]);
    if !(0..1_000_000).contains(&usec) {
        bail!(EDOM, "timeout tv_usec out of range");
    }
    if sec < 0 {
        return Ok(Some(0));
    }
    if sec == 0 && usec == 0 {
        return Ok(None);
    }
    let ns = u64::try_from(sec)
        .unwrap_or(0)
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::try_from(usec).unwrap_or(0) * 1_000);
    Ok(Some(ns))
}

fn timeval_bytes(t: Option<u64>) -> Vec<u8> {
    let ns = t.unwrap_or(0);
    let sec = i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX);
    let usec = i64::try_from((ns % 1_000_000_000) / 1_000).unwrap_or(0);
    let mut v = sec.to_le_bytes().to_vec();
    v.extend_from_slice(&usec.to_le_bytes());
    v
}

fn int_bytes(v: i32) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

/// Tells the socket about a SOL_SOCKET option kept in `common` that may
/// also change its protocol; a socket without such an effect answers
/// ENOPROTOOPT, which is not an error here (the option is recorded).
fn forward(s: &dyn Socket, name: i32, v: &[u8]) -> SysResult<()> {
    match s.set_option(SOL_SOCKET, name, v) {
        Err(e) if e.errno == crate::errno::Errno::ENOPROTOOPT => Ok(()),
        r => r,
    }
}

/// Applies a SOL_SOCKET option to `s`.
fn set_sol_socket(s: &dyn Socket, name: i32, v: &[u8]) -> SysResult<()> {
    let c = s.common();
    match name {
        so::RCVTIMEO | so::RCVTIMEO_NEW => c.opts.lock().rcvtimeo = timeout_of(v)?,
        so::SNDTIMEO | so::SNDTIMEO_NEW => c.opts.lock().sndtimeo = timeout_of(v)?,
        so::LINGER => {
            if v.len() < 8 {
                bail!(EINVAL, "SO_LINGER value shorter than struct linger");
            }
            let on = int_of(&v[..4])?;
            let secs = u32::try_from(int_of(&v[4..8])?).unwrap_or(0);
            c.opts.lock().linger = (on != 0).then_some(secs);
            forward(s, name, v)?;
        }
        _ => {
            let val = int_of(v)?;
            let on = val != 0;
            let as_u32 = u32::try_from(val).unwrap_or(0);
            match name {
                so::DEBUG | so::DONTROUTE | so::PRIORITY | so::SNDLOWAT => {}
                so::REUSEADDR => c.opts.lock().reuseaddr = on,
                so::REUSEPORT => c.opts.lock().reuseport = on,
                so::BROADCAST => c.opts.lock().broadcast = on,
                so::OOBINLINE => c.opts.lock().oobinline = on,
                so::RCVLOWAT => c.opts.lock().rcvlowat = as_u32.max(1),
                so::KEEPALIVE => {
                    c.opts.lock().keepalive = on;
                    forward(s, name, v)?;
                }
                so::RCVBUF | so::RCVBUFFORCE => {
                    let b = as_u32.min(BUF_MAX).saturating_mul(2).max(MIN_RCVBUF);
                    c.opts.lock().rcvbuf = b;
                    forward(s, so::RCVBUF, &b.to_le_bytes())?;
                }
                so::SNDBUF | so::SNDBUFFORCE => {
                    let b = as_u32.min(BUF_MAX).saturating_mul(2).max(MIN_SNDBUF);
                    c.opts.lock().sndbuf = b;
                    forward(s, so::SNDBUF, &b.to_le_bytes())?;
                }
                so::TYPE | so::ERROR | so::PROTOCOL | so::DOMAIN => {
                    bail!(ENOPROTOOPT, "read-only socket option")
                }
                _ => s.set_option(SOL_SOCKET, name, v)?,
            }
        }
    }
    Ok(())
}

/// Reads a SOL_SOCKET option of `s`.
fn get_sol_socket(s: &dyn Socket, name: i32) -> SysResult<Vec<u8>> {
    let o = s.common().opts.lock().clone();
    Ok(match name {
        so::TYPE => int_bytes(s.sock_type()),
        so::DOMAIN => int_bytes(s.domain()),
        so::PROTOCOL => int_bytes(s.protocol()),
        so::ERROR => int_bytes(s.take_error()),
        so::REUSEADDR => int_bytes(i32::from(o.reuseaddr)),
        so::REUSEPORT => int_bytes(i32::from(o.reuseport)),
        so::KEEPALIVE => int_bytes(i32::from(o.keepalive)),
        so::BROADCAST => int_bytes(i32::from(o.broadcast)),
        so::OOBINLINE => int_bytes(i32::from(o.oobinline)),
        so::DEBUG | so::DONTROUTE | so::PRIORITY => int_bytes(0),
        so::SNDLOWAT => int_bytes(1),
        so::RCVLOWAT => int_bytes(i32::try_from(o.rcvlowat).unwrap_or(i32::MAX)),
        so::RCVBUF => int_bytes(i32::try_from(o.rcvbuf).unwrap_or(i32::MAX)),
        so::SNDBUF => int_bytes(i32::try_from(o.sndbuf).unwrap_or(i32::MAX)),
        so::RCVTIMEO | so::RCVTIMEO_NEW => timeval_bytes(o.rcvtimeo),
        so::SNDTIMEO | so::SNDTIMEO_NEW => timeval_bytes(o.sndtimeo),
        so::LINGER => {
            let mut v = int_bytes(i32::from(o.linger.is_some()));
            v.extend_from_slice(&int_bytes(
                i32::try_from(o.linger.unwrap_or(0)).unwrap_or(i32::MAX),
            ));
            v
        }
        _ => s.get_option(SOL_SOCKET, name)?,
    })
}

/// setsockopt(fd, level, optname, optval, optlen).
pub(crate) fn sys_setsockopt(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let (level, name, val, len) = (a.int(1), a.int(2), a.addr(3), a.int(4));
    let Ok(len) = usize::try_from(len) else {
        bail!(EINVAL, "negative option length");
    };
    let mut v = alloc::vec![0u8; len.min(MAX_OPTLEN)];
    cx.copy_in(val, &mut v)?;
    let s = sock(&f)?;
    if level == SOL_SOCKET {
        set_sol_socket(s, name, &v)?;
    } else {
        s.set_option(level, name, &v)?;
    }
    Ok(0)
}

/// getsockopt(fd, level, optname, optval, optlen): copies at most
/// `*optlen` bytes and stores how many were copied.
pub(crate) fn sys_getsockopt(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let (level, name, val, len_at) = (a.int(1), a.int(2), a.addr(3), a.addr(4));
    let mut lb = [0u8; 4];
    cx.copy_in(len_at, &mut lb)?;
    let Ok(room) = usize::try_from(i32::from_le_bytes(lb)) else {
        bail!(EINVAL, "negative option length");
    };
    let s = sock(&f)?;
    let v = if level == SOL_SOCKET {
        get_sol_socket(s, name)?
    } else {
        s.get_option(level, name)?
    };
    let n = room.min(v.len());
    cx.copy_out(val, &v[..n])?;
    cx.copy_out(len_at, &u32::try_from(n).unwrap_or(0).to_le_bytes())?;
    Ok(0)
}
