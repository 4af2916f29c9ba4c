//! socket(2), socketpair(2), bind(2), listen(2), accept(2), accept4(2),
//! connect(2), shutdown(2), getsockname(2), getpeername(2): the calls that
//! make, name and connect sockets. Arguments are converted once here
//! (`struct sockaddr` through `net::SockAddr`, SOCK_NONBLOCK/SOCK_CLOEXEC
//! off the type), then the socket object's [`Socket`] methods run; a call
//! that would block waits on the object's queue (`wait::block_on`) unless
//! the description is nonblocking. Neighbours: `net` (the objects),
//! `sys::sockmsg` (data transfer), `sys::sockopt` (options).

use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::args::{low_i32, Args};
use crate::bail;
use crate::errno::{Errno, SysResult};
use crate::fd::{FdFlags, FileOps};
use crate::net::addr::{SockAddr, SOCKADDR_STORAGE_LEN};
use crate::net::netlink::AF_NETLINK;
use crate::net::socket::{AF_INET, AF_INET6, AF_UNIX};
use crate::net::{Connecting, SockEnv, Socket};
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::sys::at::file_arg;
use crate::vfs::flags::o;
use crate::wait::{block_on, unblock_from};

/// `SOCK_NONBLOCK` (= O_NONBLOCK, linux/net.h).
pub const SOCK_NONBLOCK: i32 = 0o4000;
/// `SOCK_CLOEXEC` (= O_CLOEXEC).
pub const SOCK_CLOEXEC: i32 = 0o2000000;
/// The type bits of socket(2)'s `type` (`SOCK_TYPE_MASK`).
const SOCK_TYPE_MASK: i32 = 0xf;
/// `SOMAXCONN`, net.core.somaxconn's default since Linux 5.4.
pub const SOMAXCONN: u32 = 4096;

/// Splits socket(2)'s `type` into the kind and the fd flags.
///
/// # Errors
/// EINVAL for unknown flag bits (net/socket.c `__sys_socket`).
fn split_type(raw: i32) -> SysResult<(i32, bool, FdFlags)> {
    if raw & !(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC) != 0 {
        bail!(
            EINVAL,
            "socket type flags other than SOCK_NONBLOCK|SOCK_CLOEXEC"
        );
    }
    let fdflags = FdFlags::from_open_flags(if raw & SOCK_CLOEXEC != 0 {
        o::CLOEXEC
    } else {
        0
    });
    Ok((raw & SOCK_TYPE_MASK, raw & SOCK_NONBLOCK != 0, fdflags))
}

/// The caller's credentials as SO_PEERCRED reports them to a peer.
fn ucred(cx: &Cx<'_>) -> crate::net::unix::Ucred {
    crate::net::unix::Ucred {
        pid: 1,
        uid: cx.st.id.euid,
        gid: cx.st.id.egid,
    }
}

/// Makes one socket object of `domain`/`ty`.
fn new_socket(
    cx: &mut Cx<'_>,
    domain: i32,
    ty: i32,
    protocol: i32,
    nonblock: bool,
) -> SysResult<Arc<dyn FileOps>> {
    match domain {
        AF_UNIX => {
            // unix(7): protocol 0 or PF_UNIX.
            if protocol != 0 && protocol != AF_UNIX {
                bail!(EPROTONOSUPPORT, "AF_UNIX protocol other than 0");
            }
            crate::net::unix::socket(&cx.st.waits, ty, nonblock, ucred(cx))
        }
        AF_INET | AF_INET6 => crate::net::inet::socket(&cx.st.net, domain, ty, protocol, nonblock),
        AF_NETLINK => crate::net::netlink::socket(
            &cx.st.waits,
            &cx.st.net,
            &cx.st.files.netlink,
            ty,
            protocol,
            nonblock,
        ),
        _ => bail!(EAFNOSUPPORT, "socket address family"),
    }
}

/// socket(domain, type, protocol).
pub(crate) fn sys_socket(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (domain, raw_ty, protocol) = (a.int(0), a.int(1), a.int(2));
    let (ty, nonblock, fdflags) = split_type(raw_ty)?;
    let f = new_socket(cx, domain, ty, protocol, nonblock)?;
    let fd = cx.st.fds.insert(f, fdflags)?;
    Ok(u64::from(fd.get()))
}

/// socketpair(domain, type, protocol, sv[2]).
pub(crate) fn sys_socketpair(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let (domain, raw_ty, protocol, out) = (a.int(0), a.int(1), a.int(2), a.addr(3));
    let (ty, nonblock, fdflags) = split_type(raw_ty)?;
    match domain {
        AF_UNIX => {}
        // socketpair(2): "EOPNOTSUPP The specified protocol does not
        // support creation of socket pairs" (inet_create'd sockets).
        AF_INET | AF_INET6 => bail!(EOPNOTSUPP, "socketpair on an AF_INET socket"),
        _ => bail!(EAFNOSUPPORT, "socketpair address family"),
    }
    if protocol != 0 && protocol != AF_UNIX {
        bail!(EPROTONOSUPPORT, "AF_UNIX protocol other than 0");
    }
    let (x, y) = crate::net::unix::pair(&cx.st.waits, ty, nonblock, ucred(cx))?;
    crate::sys::install_pair(cx, x, y, fdflags, out)
}

/// Returns the open file at argument `i` and checks that it is a socket.
///
/// # Errors
/// EBADF, ENOTSOCK.
pub(crate) fn socket_arg(cx: &Cx<'_>, a: &Args, i: usize) -> SysResult<Arc<dyn FileOps>> {
    let f = file_arg(cx, a, i)?;
    if f.as_socket().is_none() {
        bail!(ENOTSOCK, "file descriptor is not a socket");
    }
    Ok(f)
}

/// The socket calls of a file [`socket_arg`] checked.
pub(crate) fn sock(f: &Arc<dyn FileOps>) -> SysResult<&dyn Socket> {
    match f.as_socket() {
        Some(s) => Ok(s),
        None => bail!(ENOTSOCK, "file descriptor is not a socket"),
    }
}

/// Writes `sa` to the program's `addr` buffer whose size is at `len_at`
/// (an `socklen_t` in/out), truncating the copy but reporting the full
/// length (accept(2), getsockname(2)); `None` reports length 0. A null
/// `addr` writes nothing.
///
/// # Errors
/// EINVAL for a negative length, EFAULT.
pub(crate) fn write_sockaddr(
    cx: &mut Cx<'_>,
    addr: UserAddr,
    len_at: UserAddr,
    sa: Option<&SockAddr>,
) -> SysResult<()> {
    if addr.is_null() {
        return Ok(());
    }
    let mut lb = [0u8; 4];
    cx.copy_in(len_at, &mut lb)?;
    let Ok(room) = usize::try_from(i32::from_le_bytes(lb)) else {
        bail!(EINVAL, "negative address length");
    };
    let bytes: Vec<u8> = sa.map(SockAddr::to_bytes).unwrap_or_default();
    let n = room.min(bytes.len());
    cx.copy_out(addr, &bytes[..n])?;
    let full = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    cx.copy_out(len_at, &full.to_le_bytes())
}

/// Reads a `struct sockaddr` for socket `s` (bind, connect), checking
/// its length and family against the socket's before parsing, in Linux's
/// order: `inet_bind`/`inet6_bind` give EINVAL for a length under
/// `sizeof(sockaddr_in[6])`, then EAFNOSUPPORT for another family;
/// `unix_bind` gives EINVAL for a non-AF_UNIX family. AF_UNSPEC passes
/// when `unspec_ok` (connect's "dissolve the association").
pub(crate) fn read_sockaddr_for(
    cx: &mut Cx<'_>,
    s: &dyn Socket,
    addr: UserAddr,
    len_raw: u64,
    unspec_ok: bool,
) -> SysResult<SockAddr> {
    let len = low_i32(len_raw);
    let Ok(len) = usize::try_from(len) else {
        bail!(EINVAL, "negative address length");
    };
    if len > SOCKADDR_STORAGE_LEN {
        bail!(
            EINVAL,
            "address length above sizeof(struct sockaddr_storage)"
        );
    }
    let mut b = alloc::vec![0u8; len];
    cx.copy_in(addr, &mut b)?;
    let family = if b.len() >= 2 {
        i32::from(u16::from_ne_bytes([b[0], b[1]]))
    } else {
        -1
    };
    let dom = s.domain();
    if unspec_ok && family == crate::net::addr::AF_UNSPEC && b.len() >= 2 {
        return Ok(SockAddr::Unspec);
    }
    match dom {
        AF_INET | AF_INET6 => {
            let min = if dom == AF_INET {
                crate::net::addr::SOCKADDR_IN_LEN
            } else {
                24
            };
            if b.len() < min {
                bail!(EINVAL, "address shorter than the family's sockaddr");
            }
            if family != dom {
                bail!(EAFNOSUPPORT, "address family does not match the socket");
            }
        }
        _ => {
            // unix_bind, netlink_bind: another family is EINVAL.
            if family != dom {
                bail!(EINVAL, "address family does not match the socket");
            }
        }
    }
    SockAddr::parse(&b)
}

/// bind(fd, addr, addrlen).
pub(crate) fn sys_bind(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let s = sock(&f)?;
    let sa = read_sockaddr_for(cx, s, a.addr(1), a.raw(2), false)?;
    let mut env = SockEnv {
        files: &mut cx.st.files,
    };
    s.bind(&mut env, &sa)?;
    Ok(0)
}

/// listen(fd, backlog): a backlog above SOMAXCONN (or negative) is
/// clamped to it, as `__sys_listen` does.
pub(crate) fn sys_listen(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let backlog = u32::try_from(a.int(1)).map_or(SOMAXCONN, |b| b.min(SOMAXCONN));
    sock(&f)?.listen(backlog)?;
    Ok(0)
}

/// accept(fd, addr, addrlen).
pub(crate) fn sys_accept(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    accept(cx, a, 0)
}

/// accept4(fd, addr, addrlen, flags).
pub(crate) fn sys_accept4(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    accept(cx, a, a.int(3))
}

/// The user deadline of a blocking call with timeout `timeo` (SO_RCVTIMEO
/// or SO_SNDTIMEO), kept across re-runs; and whether it has passed.
pub(crate) fn timeout_deadline(cx: &Cx<'_>, timeo: Option<u64>) -> (Option<u64>, bool) {
    let now = cx.st.waits.now_ns();
    match cx.resume {
        Some(r) => {
            let d = r.deadline_ns;
            (d, !r.woken && d.is_some_and(|d| now >= d))
        }
        None => (timeo.map(|t| now.saturating_add(t)), false),
    }
}

fn accept(cx: &mut Cx<'_>, a: &Args, flags: i32) -> SysResult<u64> {
    if flags & !(SOCK_NONBLOCK | SOCK_CLOEXEC) != 0 {
        bail!(
            EINVAL,
            "accept4 flags other than SOCK_NONBLOCK|SOCK_CLOEXEC"
        );
    }
    let f = socket_arg(cx, a, 0)?;
    let s = sock(&f)?;
    let (deadline, expired) = timeout_deadline(cx, s.common().opts.lock().rcvtimeo);
    let (nf, peer) = match s.accept(flags & SOCK_NONBLOCK != 0) {
        Ok(x) => x,
        Err(e) if e.errno == Errno::EAGAIN && !f.description().is_nonblocking() && !expired => {
            return Err(block_on(cx, &[&f], deadline, 0));
        }
        Err(e) => {
            unblock_from(cx, &[&f]);
            return Err(e);
        }
    };
    unblock_from(cx, &[&f]);
    let fdflags = FdFlags::from_open_flags(if flags & SOCK_CLOEXEC != 0 {
        o::CLOEXEC
    } else {
        0
    });
    // The address is written before the fd exists, so a bad buffer loses
    // the connection rather than leaking an fd the program never learns
    // (Linux drops the new socket on EFAULT too, net/socket.c do_accept).
    write_sockaddr(cx, a.addr(1), a.addr(2), Some(&peer))?;
    let fd = cx.st.fds.insert(nf, fdflags)?;
    Ok(u64::from(fd.get()))
}

/// Carry value marking a re-run connect that waits for its handshake.
const CONNECT_WAITING: u64 = 1;

/// connect(fd, addr, addrlen): a blocking socket waits for the handshake
/// (bounded by SO_SNDTIMEO, after which EINPROGRESS as Linux's
/// `inet_wait_for_connect` gives); a nonblocking one gets EINPROGRESS and
/// learns the outcome from SO_ERROR.
pub(crate) fn sys_connect(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let s = sock(&f)?;
    if cx.resume.is_some_and(|r| r.carry == CONNECT_WAITING) {
        let (deadline, expired) = timeout_deadline(cx, None);
        return match s.finish_connect() {
            Some(r) => {
                unblock_from(cx, &[&f]);
                r.map(|()| 0)
            }
            None if expired => {
                unblock_from(cx, &[&f]);
                // unix_stream_connect gives EAGAIN when the wait for a
                // backlog slot times out; inet_wait_for_connect EINPROGRESS.
                if s.domain() == AF_UNIX {
                    bail!(
                        EAGAIN,
                        "connect timed out waiting for a backlog slot (SO_SNDTIMEO)"
                    )
                }
                bail!(EINPROGRESS, "connect timed out (SO_SNDTIMEO)")
            }
            None => Err(block_on(cx, &[&f], deadline, CONNECT_WAITING)),
        };
    }
    let sa = read_sockaddr_for(cx, s, a.addr(1), a.raw(2), true)?;
    let mut env = SockEnv {
        files: &mut cx.st.files,
    };
    match s.connect(&mut env, &sa)? {
        Connecting::Done => Ok(0),
        Connecting::InProgress if f.description().is_nonblocking() => {
            bail!(EINPROGRESS, "nonblocking connect started")
        }
        Connecting::InProgress => match s.finish_connect() {
            Some(r) => r.map(|()| 0),
            None => {
                let timeo = s.common().opts.lock().sndtimeo;
                let deadline = timeo.map(|t| cx.st.waits.now_ns().saturating_add(t));
                Err(block_on(cx, &[&f], deadline, CONNECT_WAITING))
            }
        },
    }
}

/// shutdown(fd, how).
pub(crate) fn sys_shutdown(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let how = match a.int(1) {
        0 => crate::net::Shutdown::Read,
        1 => crate::net::Shutdown::Write,
        2 => crate::net::Shutdown::Both,
        _ => bail!(EINVAL, "shutdown how other than SHUT_RD/SHUT_WR/SHUT_RDWR"),
    };
    sock(&f)?.shutdown(how)?;
    Ok(0)
}

/// getsockname(fd, addr, addrlen).
pub(crate) fn sys_getsockname(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let sa = sock(&f)?.local_addr()?;
    write_sockaddr_required(cx, a.addr(1), a.addr(2), &sa)
}

/// getpeername(fd, addr, addrlen).
pub(crate) fn sys_getpeername(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let sa = sock(&f)?.peer_addr()?;
    write_sockaddr_required(cx, a.addr(1), a.addr(2), &sa)
}

/// getsockname/getpeername: unlike accept, a null buffer is EFAULT.
fn write_sockaddr_required(
    cx: &mut Cx<'_>,
    addr: UserAddr,
    len_at: UserAddr,
    sa: &SockAddr,
) -> SysResult<u64> {
    if addr.is_null() || len_at.is_null() {
        bail!(EFAULT, "null address buffer");
    }
    write_sockaddr(cx, addr, len_at, Some(sa))?;
    Ok(0)
}
