//! Protocol options of inet sockets (tcp(7), ip(7), ipv6(7)): what
//! setsockopt stores and how it reaches the smoltcp socket (Nagle,
//! keep-alive, hop limit, buffer sizes for sockets made later).
//! TCP_DEFER_ACCEPT, TCP_FASTOPEN, TCP_CORK, TCP_QUICKACK and
//! TCP_USER_TIMEOUT are accepted and read back without effect.
//! Neighbours: `object` (the Socket methods), `tcp`, `udp`.

use alloc::vec::Vec;

use smoltcp::socket::tcp;
use smoltcp::time::Duration;

use crate::errno::{Errno, SysResult};
use crate::net::socket::unknown_option;
use crate::vfs::error::err;

/// `SOL_SOCKET`.
pub const SOL_SOCKET: i32 = 1;
/// `IPPROTO_IP`.
pub const IPPROTO_IP: i32 = 0;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: i32 = 6;
/// `IPPROTO_UDP`.
pub const IPPROTO_UDP: i32 = 17;
/// `IPPROTO_IPV6`.
pub const IPPROTO_IPV6: i32 = 41;

/// Option names (asm-generic/socket.h, linux/tcp.h, linux/in.h, linux/in6.h).
pub mod name {
    /// `SO_SNDBUF`.
    pub const SO_SNDBUF: i32 = 7;
    /// `SO_RCVBUF`.
    pub const SO_RCVBUF: i32 = 8;
    /// `SO_KEEPALIVE`.
    pub const SO_KEEPALIVE: i32 = 9;
    /// `SO_LINGER`.
    pub const SO_LINGER: i32 = 13;
    /// `SO_ACCEPTCONN`.
    pub const SO_ACCEPTCONN: i32 = 30;
    /// `TCP_NODELAY`.
    pub const TCP_NODELAY: i32 = 1;
    /// `TCP_MAXSEG`.
    pub const TCP_MAXSEG: i32 = 2;
    /// `TCP_CORK`.
    pub const TCP_CORK: i32 = 3;
    /// `TCP_KEEPIDLE`.
    pub const TCP_KEEPIDLE: i32 = 4;
    /// `TCP_KEEPINTVL`.
    pub const TCP_KEEPINTVL: i32 = 5;
    /// `TCP_KEEPCNT`.
    pub const TCP_KEEPCNT: i32 = 6;
    /// `TCP_DEFER_ACCEPT`.
    pub const TCP_DEFER_ACCEPT: i32 = 9;
    /// `TCP_QUICKACK`.
    pub const TCP_QUICKACK: i32 = 12;
    /// `TCP_USER_TIMEOUT`.
    pub const TCP_USER_TIMEOUT: i32 = 18;
    /// `TCP_FASTOPEN`.
    pub const TCP_FASTOPEN: i32 = 23;
    /// `IP_TOS`.
    pub const IP_TOS: i32 = 1;
    /// `IP_TTL`.
    pub const IP_TTL: i32 = 2;
    /// `IPV6_UNICAST_HOPS`.
    pub const IPV6_UNICAST_HOPS: i32 = 16;
    /// `IPV6_V6ONLY`.
    pub const IPV6_V6ONLY: i32 = 26;
}
use name::*;

/// Default smoltcp buffer per direction when SO_RCVBUF/SO_SNDBUF were not
/// set: 64 KiB, so 200 connections fit in a small guest (Linux starts at
/// 128 KiB and autotunes).
pub const DEFAULT_BUF: usize = 65_536;
/// The largest buffer SO_RCVBUF/SO_SNDBUF give (4 MiB).
pub const MAX_BUF: usize = 4 << 20;
/// The SO_RCVBUF/SO_SNDBUF value sockets start with (doubled 212992).
const DEFAULT_SO_BUF: u32 = 212_992;

/// The protocol options of one socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opts {
    /// TCP_NODELAY.
    pub nodelay: bool,
    /// SO_KEEPALIVE.
    pub keepalive: bool,
    /// TCP_KEEPIDLE in seconds (tcp(7) default 7200).
    pub keepidle: u32,
    /// TCP_KEEPINTVL in seconds (75).
    pub keepintvl: u32,
    /// TCP_KEEPCNT (9).
    pub keepcnt: u32,
    /// TCP_DEFER_ACCEPT (accepted, no effect).
    pub defer_accept: i32,
    /// TCP_FASTOPEN (accepted, no effect).
    pub fastopen: i32,
    /// TCP_CORK (accepted, no effect).
    pub cork: i32,
    /// TCP_USER_TIMEOUT (accepted, no effect).
    pub user_timeout: i32,
    /// IPV6_V6ONLY.
    pub v6only: bool,
    /// IP_TTL / IPV6_UNICAST_HOPS (`None`: 64).
    pub ttl: Option<u8>,
    /// IP_TOS.
    pub tos: i32,
    /// Receive buffer bytes for smoltcp sockets made from now on.
    pub rxbuf: usize,
    /// Send buffer bytes.
    pub txbuf: usize,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            nodelay: false,
            keepalive: false,
            keepidle: 7200,
            keepintvl: 75,
            keepcnt: 9,
            defer_accept: 0,
            fastopen: 0,
            cork: 0,
            user_timeout: 0,
            v6only: false,
            ttl: None,
            tos: 0,
            rxbuf: DEFAULT_BUF,
            txbuf: DEFAULT_BUF,
        }
    }
}

/// Reads an `int` option value (sk_setsockopt: "optlen < sizeof(int)" is EINVAL).
pub fn int(v: &[u8]) -> SysResult<i32> {
    match v.get(..4) {
        Some(b) => Ok(i32::from_ne_bytes([b[0], b[1], b[2], b[3]])),
        None => err(Errno::EINVAL, "option value shorter than an int"),
    }
}

/// Encodes an `int` for getsockopt.
pub fn int_bytes(v: i32) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

/// Converts a SO_RCVBUF/SO_SNDBUF value (as getsockopt reports it,
/// doubled) to a smoltcp buffer size.
fn buf_size(v: i32) -> usize {
    let v = u32::try_from(v).unwrap_or(0);
    if v == DEFAULT_SO_BUF {
        return DEFAULT_BUF;
    }
    usize::try_from(v / 2)
        .unwrap_or(MAX_BUF)
        .clamp(2048, MAX_BUF)
}

impl Opts {
    /// Applies setsockopt(`level`, `name`, `v`) for a socket of TCP
    /// (`tcp`) or UDP. Returns whether the smoltcp sockets need the new
    /// options ([`Opts::apply_tcp`]).
    ///
    /// # Errors
    /// EINVAL for short or out-of-range values (tcp(7): TCP_KEEPIDLE and
    /// TCP_KEEPINTVL 1..=32767, TCP_KEEPCNT 1..=127); EINVAL for
    /// IPV6_V6ONLY on a bound socket; ENOPROTOOPT for unknown options.
    pub fn set(
        &mut self,
        tcp: bool,
        v6: bool,
        bound: bool,
        level: i32,
        name: i32,
        v: &[u8],
    ) -> SysResult<()> {
        match (level, name) {
            (SOL_SOCKET, SO_KEEPALIVE) => self.keepalive = int(v)? != 0,
            (SOL_SOCKET, SO_RCVBUF) => self.rxbuf = buf_size(int(v)?),
            (SOL_SOCKET, SO_SNDBUF) => self.txbuf = buf_size(int(v)?),
            // The linger setting lives in SockCommon; close reads it there.
            (SOL_SOCKET, SO_LINGER) => {}
            (IPPROTO_TCP, _) if !tcp => return unknown_option(level, name),
            (IPPROTO_TCP, TCP_NODELAY) => self.nodelay = int(v)? != 0,
            (IPPROTO_TCP, TCP_KEEPIDLE) => self.keepidle = range(int(v)?, 1, 32767)?,
            (IPPROTO_TCP, TCP_KEEPINTVL) => self.keepintvl = range(int(v)?, 1, 32767)?,
            (IPPROTO_TCP, TCP_KEEPCNT) => self.keepcnt = range(int(v)?, 1, 127)?,
            (IPPROTO_TCP, TCP_DEFER_ACCEPT) => self.defer_accept = int(v)?.max(0),
            (IPPROTO_TCP, TCP_FASTOPEN) => self.fastopen = int(v)?,
            (IPPROTO_TCP, TCP_CORK) => self.cork = int(v)?,
            (IPPROTO_TCP, TCP_USER_TIMEOUT) => {
                let t = int(v)?;
                if t < 0 {
                    return err(Errno::EINVAL, "negative TCP_USER_TIMEOUT");
                }
                self.user_timeout = t;
            }
            (IPPROTO_TCP, TCP_QUICKACK | TCP_MAXSEG) => {
                int(v)?;
            }
            (IPPROTO_IP, IP_TTL) => {
                let t = int(v)?;
                self.ttl = match t {
                    -1 => None,
                    1..=255 => u8::try_from(t).ok(),
                    _ => return err(Errno::EINVAL, "IP_TTL out of range"),
                };
            }
            (IPPROTO_IP, IP_TOS) => self.tos = int(v)? & 0xff,
            (IPPROTO_IPV6, _) if !v6 => return unknown_option(level, name),
            (IPPROTO_IPV6, IPV6_V6ONLY) => {
                // ipv6_setsockopt: "if (inet_sk(sk)->inet_num) return -EINVAL".
                if bound {
                    return err(Errno::EINVAL, "IPV6_V6ONLY on a bound socket");
                }
                self.v6only = int(v)? != 0;
            }
            (IPPROTO_IPV6, IPV6_UNICAST_HOPS) => {
                let t = int(v)?;
                self.ttl = match t {
                    -1 => None,
                    0..=255 => u8::try_from(t).ok(),
                    _ => return err(Errno::EINVAL, "IPV6_UNICAST_HOPS out of range"),
                };
            }
            _ => return unknown_option(level, name),
        }
        Ok(())
    }

    /// Reads an option back as getsockopt returns it (`listening` for
    /// SO_ACCEPTCONN, `mss` for TCP_MAXSEG).
    ///
    /// # Errors
    /// ENOPROTOOPT for unknown options.
    pub fn get(
        &self,
        tcp: bool,
        v6: bool,
        listening: bool,
        mss: i32,
        level: i32,
        name: i32,
    ) -> SysResult<Vec<u8>> {
        let b = |x: bool| int_bytes(i32::from(x));
        let u = |x: u32| int_bytes(i32::try_from(x).unwrap_or(i32::MAX));
        Ok(match (level, name) {
            (SOL_SOCKET, SO_ACCEPTCONN) => b(listening),
            (IPPROTO_TCP, _) if !tcp => return unknown_option(level, name),
            (IPPROTO_TCP, TCP_NODELAY) => b(self.nodelay),
            (IPPROTO_TCP, TCP_KEEPIDLE) => u(self.keepidle),
            (IPPROTO_TCP, TCP_KEEPINTVL) => u(self.keepintvl),
            (IPPROTO_TCP, TCP_KEEPCNT) => u(self.keepcnt),
            (IPPROTO_TCP, TCP_DEFER_ACCEPT) => int_bytes(self.defer_accept),
            (IPPROTO_TCP, TCP_FASTOPEN) => int_bytes(self.fastopen),
            (IPPROTO_TCP, TCP_CORK) => int_bytes(self.cork),
            (IPPROTO_TCP, TCP_USER_TIMEOUT) => int_bytes(self.user_timeout),
            (IPPROTO_TCP, TCP_QUICKACK) => int_bytes(1),
            (IPPROTO_TCP, TCP_MAXSEG) => int_bytes(mss),
            (IPPROTO_IP, IP_TTL) => int_bytes(i32::from(self.ttl.unwrap_or(64))),
            (IPPROTO_IP, IP_TOS) => int_bytes(self.tos),
            (IPPROTO_IPV6, _) if !v6 => return unknown_option(level, name),
            (IPPROTO_IPV6, IPV6_V6ONLY) => b(self.v6only),
            (IPPROTO_IPV6, IPV6_UNICAST_HOPS) => int_bytes(i32::from(self.ttl.unwrap_or(64))),
            _ => return unknown_option(level, name),
        })
    }

    /// The keep-alive total: idle + interval × count, after which an
    /// unanswered connection is dropped.
    fn keepalive_timeout(&self) -> Duration {
        Duration::from_secs(
            u64::from(self.keepidle) + u64::from(self.keepintvl) * u64::from(self.keepcnt),
        )
    }

    /// Puts the options into a connected or listening smoltcp socket.
    pub fn apply_tcp(&self, s: &mut tcp::Socket<'static>) {
        s.set_nagle_enabled(!self.nodelay);
        s.set_hop_limit(self.ttl.filter(|&t| t > 0));
        if self.keepalive {
            // smoltcp probes every `interval` of silence and gives up
            // after `timeout` without a packet: idle first, then probes.
            s.set_keep_alive(Some(Duration::from_secs(u64::from(
                self.keepintvl.min(self.keepidle),
            ))));
            s.set_timeout(Some(self.keepalive_timeout()));
        } else {
            s.set_keep_alive(None);
            if !matches!(s.state(), tcp::State::SynSent) {
                s.set_timeout(None);
            }
        }
    }
}

/// Checks `v` is within `lo..=hi`.
fn range(v: i32, lo: i32, hi: i32) -> SysResult<u32> {
    if v < lo || v > hi {
        return err(Errno::EINVAL, "option value out of range");
    }
    Ok(u32::try_from(v).unwrap_or(0))
}
