//! sendto(2), recvfrom(2), sendmsg(2), recvmsg(2), sendmmsg(2),
//! recvmmsg(2): moving data through sockets. The program's buffers
//! (one, or an iovec array from a `struct msghdr`, linux/socket.h) are
//! gathered into a kernel buffer and handed to the socket's
//! `Socket::send`, or filled from `Socket::recv` and scattered back.
//! Blocking follows socket(7): the description's O_NONBLOCK or
//! MSG_DONTWAIT make EAGAIN final; otherwise the thread waits on the
//! socket (bounded by SO_SNDTIMEO / SO_RCVTIMEO), a blocking stream send
//! goes on until every byte is queued, MSG_WAITALL receives until the
//! buffer is full. EPIPE raises SIGPIPE unless MSG_NOSIGNAL. No control
//! messages are produced (msg_controllen comes back 0). Neighbours:
//! `sys::socket` (sockaddr conversion, the socket argument), `net`.

use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::args::{ret_usize, Args, UserSlice};
use crate::bail;
use crate::errno::{Errno, SysResult};
use crate::fd::FileOps;
use crate::net::socket::SOCK_STREAM;
use crate::net::{MsgFlags, SockAddr, SockEnv};
use crate::platform::UserAddr;
use crate::process::Cx;
use crate::sys::at::copy_out_prefix;
use crate::sys::read_iovecs;
use crate::sys::socket::{read_sockaddr_for, sock, socket_arg, timeout_deadline, write_sockaddr};
use crate::wait::{block_on, raise_sigpipe, unblock_from};

/// Bytes gathered per step of a stream send or receive.
const STREAM_CHUNK: usize = 256 * 1024;
/// The largest datagram gathered at once (an IPv4 UDP payload is at most
/// 65507 bytes; AF_UNIX datagrams are bounded by SO_SNDBUF).
const MAX_DGRAM: usize = 1 << 20;
/// `sizeof(struct msghdr)` on x86_64.
const MSGHDR_LEN: usize = 56;
/// `sizeof(struct mmsghdr)`: a msghdr and an unsigned int, padded.
const MMSGHDR_LEN: usize = 64;
/// `UIO_MAXIOV`, the most messages sendmmsg/recvmmsg take per call.
const UIO_MAXIOV: u32 = 1024;

/// A decoded `struct msghdr`.
#[derive(Debug, Clone)]
struct MsgHdr {
    name: UserAddr,
    namelen: u32,
    iov: Vec<UserSlice>,
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Reads the `struct msghdr` at `at`.
///
/// # Errors
/// EFAULT, and `read_iovecs`' EINVAL (iovlen above UIO_MAXIOV, lengths
/// that overflow ssize_t); EMSGSIZE for iovlen above UIO_MAXIOV as
/// `copy_msghdr_from_user` answers.
fn read_msghdr(cx: &mut Cx<'_>, at: UserAddr) -> SysResult<MsgHdr> {
    let mut b = [0u8; MSGHDR_LEN];
    cx.copy_in(at, &mut b)?;
    let iovlen = u64_at(&b, 24);
    if iovlen > u64::from(UIO_MAXIOV) {
        bail!(EMSGSIZE, "msg_iovlen above UIO_MAXIOV");
    }
    let iov = read_iovecs(
        cx,
        UserAddr(u64_at(&b, 16)),
        i32::try_from(iovlen).unwrap_or(i32::MAX),
    )?;
    Ok(MsgHdr {
        name: UserAddr(u64_at(&b, 0)),
        namelen: u32::from_le_bytes([b[8], b[9], b[10], b[11]]),
        iov,
    })
}

fn total_len(iov: &[UserSlice]) -> usize {
    iov.iter().fold(0usize, |t, s| t.saturating_add(s.len))
}

/// Gathers `len` bytes starting `skip` bytes into the iovecs.
fn gather(cx: &mut Cx<'_>, iov: &[UserSlice], skip: usize, len: usize) -> SysResult<Vec<u8>> {
    let mut out = alloc::vec![0u8; len];
    let mut at = 0usize;
    let mut skip = skip;
    for s in iov {
        if at == len {
            break;
        }
        if skip >= s.len {
            skip -= s.len;
            continue;
        }
        let n = (s.len - skip).min(len - at);
        let Some(src) = s.addr.checked_add(skip as u64) else {
            bail!(EFAULT, "iovec wraps around");
        };
        cx.copy_in(src, &mut out[at..at + n])?;
        at += n;
        skip = 0;
    }
    Ok(out)
}

/// Scatters `data` into the iovecs starting `skip` bytes in; returns how
/// many bytes reached the program.
fn scatter(cx: &mut Cx<'_>, iov: &[UserSlice], skip: usize, data: &[u8]) -> SysResult<usize> {
    let mut at = 0usize;
    let mut skip = skip;
    for s in iov {
        if at == data.len() {
            break;
        }
        if skip >= s.len {
            skip -= s.len;
            continue;
        }
        let n = (s.len - skip).min(data.len() - at);
        let Some(dst) = s.addr.checked_add(skip as u64) else {
            bail!(EFAULT, "iovec wraps around");
        };
        let c = copy_out_prefix(cx, dst, &data[at..at + n])?;
        at += c;
        if c < n {
            if at == 0 {
                bail!(EFAULT, "receive buffer not writable");
            }
            break;
        }
        skip = 0;
    }
    Ok(at)
}

/// The send side shared by every call: sends the iovecs' bytes to `to`.
/// A stream socket in blocking mode goes on until everything is queued
/// (the bytes already sent carried across waits); an error after some
/// bytes returns the count.
fn send_common(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    iov: &[UserSlice],
    to: Option<&SockAddr>,
    flags: MsgFlags,
    first: bool,
) -> SysResult<usize> {
    let s = sock(f)?;
    let stream = s.sock_type() == SOCK_STREAM;
    let nonblock = f.description().is_nonblocking() || flags.has(MsgFlags::DONTWAIT);
    let total = total_len(iov).min(crate::sys::MAX_RW_COUNT);
    // Only the first message of a call resumes a wait (sendmmsg/recvmmsg
    // send later ones nonblocking).
    let mut done = match cx.resume {
        Some(r) if first => usize::try_from(r.carry).unwrap_or(0),
        _ => 0,
    };
    let (deadline, expired) = timeout_deadline(cx, s.common().opts.lock().sndtimeo);
    if !stream && total > MAX_DGRAM {
        bail!(EMSGSIZE, "datagram larger than the socket can send");
    }
    loop {
        let want = if stream {
            (total - done).min(STREAM_CHUNK)
        } else {
            total
        };
        let buf = gather(cx, iov, done, want)?;
        let mut env = SockEnv {
            files: &mut cx.st.files,
        };
        match s.send(&mut env, &buf, to, flags) {
            Ok(n) => {
                done += n;
                if !stream || done >= total {
                    unblock_from(cx, &[f]);
                    return Ok(done);
                }
                if n < want {
                    // Queue full: wait for room (a blocking stream send
                    // moves everything, tcp_sendmsg).
                    if nonblock || expired {
                        unblock_from(cx, &[f]);
                        return Ok(done);
                    }
                    return Err(block_on(cx, &[f], deadline, ret_usize(done)));
                }
            }
            Err(e) if e.errno == Errno::EAGAIN && !nonblock && !expired => {
                return Err(block_on(cx, &[f], deadline, ret_usize(done)));
            }
            Err(e) => {
                unblock_from(cx, &[f]);
                if e.errno == Errno::EPIPE && !flags.has(MsgFlags::NOSIGNAL) {
                    raise_sigpipe(cx);
                }
                if done > 0 {
                    return Ok(done);
                }
                return Err(e);
            }
        }
    }
}

/// What a receive gave: bytes, the datagram's full length, the sender.
struct Got {
    len: usize,
    full_len: usize,
    from: Option<SockAddr>,
}

/// The receive side shared by every call: fills the iovecs from the
/// socket. MSG_WAITALL on a blocking stream goes on until the buffer is
/// full, the peer ends the stream, or an error (the bytes carried).
fn recv_common(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    iov: &[UserSlice],
    flags: MsgFlags,
    first: bool,
) -> SysResult<Got> {
    let s = sock(f)?;
    let stream = s.sock_type() == SOCK_STREAM;
    let nonblock = f.description().is_nonblocking() || flags.has(MsgFlags::DONTWAIT);
    let waitall = stream && flags.has(MsgFlags::WAITALL) && !flags.has(MsgFlags::PEEK);
    let total = total_len(iov).min(crate::sys::MAX_RW_COUNT);
    // Only the first message of a call resumes a wait (sendmmsg/recvmmsg
    // send later ones nonblocking).
    let mut done = match cx.resume {
        Some(r) if first => usize::try_from(r.carry).unwrap_or(0),
        _ => 0,
    };
    let (deadline, expired) = timeout_deadline(cx, s.common().opts.lock().rcvtimeo);
    loop {
        let want = if stream {
            (total - done).min(STREAM_CHUNK)
        } else {
            total.min(MAX_DGRAM)
        };
        let mut buf = alloc::vec![0u8; want];
        match s.recv(&mut buf, flags) {
            Ok(r) => {
                let n = r.len.min(want);
                let put = scatter(cx, iov, done, &buf[..n])?;
                done += put;
                let more = waitall && r.len > 0 && done < total && put == n;
                if !more {
                    unblock_from(cx, &[f]);
                    let full_len = if stream { done } else { r.full_len };
                    return Ok(Got {
                        len: done,
                        full_len,
                        from: r.from,
                    });
                }
            }
            Err(e) if e.errno == Errno::EAGAIN && !nonblock && !expired => {
                return Err(block_on(cx, &[f], deadline, ret_usize(done)));
            }
            Err(e) => {
                unblock_from(cx, &[f]);
                if done > 0 {
                    return Ok(Got {
                        len: done,
                        full_len: done,
                        from: None,
                    });
                }
                return Err(e);
            }
        }
    }
}

/// A destination address argument: `None` for a null pointer.
fn dest(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    addr: UserAddr,
    len: u64,
) -> SysResult<Option<SockAddr>> {
    // A null name or a zero length means "no address" (net/socket.c
    // `____sys_sendmsg` drops msg_name when msg_namelen is 0).
    if addr.is_null() || len == 0 {
        return Ok(None);
    }
    read_sockaddr_for(cx, sock(f)?, addr, len, true).map(Some)
}

/// sendto(fd, buf, len, flags, dest_addr, addrlen).
pub(crate) fn sys_sendto(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let flags = MsgFlags(a.uint(3));
    let to = dest(cx, &f, a.addr(4), a.raw(5))?;
    send_common(cx, &f, &[a.slice(1, 2)], to.as_ref(), flags, true).map(ret_usize)
}

/// recvfrom(fd, buf, len, flags, src_addr, addrlen).
pub(crate) fn sys_recvfrom(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let flags = MsgFlags(a.uint(3));
    let g = recv_common(cx, &f, &[a.slice(1, 2)], flags, true)?;
    write_sockaddr(cx, a.addr(4), a.addr(5), g.from.as_ref())?;
    Ok(ret_usize(if flags.has(MsgFlags::TRUNC) {
        g.full_len
    } else {
        g.len
    }))
}

/// sendmsg(fd, msg, flags).
pub(crate) fn sys_sendmsg(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let m = read_msghdr(cx, a.addr(1))?;
    sendmsg_one(cx, &f, &m, MsgFlags(a.uint(2)), true).map(ret_usize)
}

fn sendmsg_one(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    m: &MsgHdr,
    flags: MsgFlags,
    first: bool,
) -> SysResult<usize> {
    let to = dest(cx, f, m.name, u64::from(m.namelen))?;
    send_common(cx, f, &m.iov, to.as_ref(), flags, first)
}

/// Writes recvmsg's outputs into the msghdr at `at`: msg_namelen,
/// msg_controllen (0: no control messages), msg_flags.
fn finish_msghdr(cx: &mut Cx<'_>, at: UserAddr, m: &MsgHdr, g: &Got) -> SysResult<()> {
    let mut namelen = 0u32;
    if !m.name.is_null() {
        if let Some(from) = &g.from {
            let b = from.to_bytes();
            let n = (m.namelen as usize).min(b.len());
            cx.copy_out(m.name, &b[..n])?;
            namelen = u32::try_from(b.len()).unwrap_or(u32::MAX);
        }
    }
    let mut out_flags = 0u32;
    if g.full_len > g.len {
        out_flags |= MsgFlags::TRUNC;
    }
    let field = |off: u64| {
        at.checked_add(off)
            .ok_or(crate::errno::SysError::new(Errno::EFAULT, "msghdr wraps"))
    };
    cx.copy_out(field(8)?, &namelen.to_le_bytes())?;
    cx.copy_out(field(40)?, &0u64.to_le_bytes())?;
    cx.copy_out(field(48)?, &out_flags.to_le_bytes())
}

/// recvmsg(fd, msg, flags).
pub(crate) fn sys_recvmsg(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let flags = MsgFlags(a.uint(2));
    let m = read_msghdr(cx, a.addr(1))?;
    let g = recv_common(cx, &f, &m.iov, flags, true)?;
    finish_msghdr(cx, a.addr(1), &m, &g)?;
    Ok(ret_usize(if flags.has(MsgFlags::TRUNC) {
        g.full_len
    } else {
        g.len
    }))
}

/// sendmmsg(fd, msgvec, vlen, flags): sends each message in turn; the
/// count of messages sent, or the first error if none was
/// (net/socket.c `__sys_sendmmsg`). A blocking socket waits only for the
/// first message; later ones are sent as if with MSG_DONTWAIT, so a
/// re-run after a wait never sends a message twice.
pub(crate) fn sys_sendmmsg(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let (vec, vlen, flags) = (a.addr(1), a.uint(2).min(UIO_MAXIOV), MsgFlags(a.uint(3)));
    let mut sent = 0u32;
    while sent < vlen {
        let Some(at) = vec.checked_add(u64::from(sent) * MMSGHDR_LEN as u64) else {
            bail!(EFAULT, "mmsghdr array wraps");
        };
        let m = read_msghdr(cx, at)?;
        let fl = if sent == 0 {
            flags
        } else {
            MsgFlags(flags.0 | MsgFlags::DONTWAIT)
        };
        match sendmsg_one(cx, &f, &m, fl, sent == 0) {
            Ok(n) => {
                let len = u32::try_from(n).unwrap_or(u32::MAX);
                let Some(lat) = at.checked_add(MSGHDR_LEN as u64) else {
                    bail!(EFAULT, "mmsghdr wraps");
                };
                cx.copy_out(lat, &len.to_le_bytes())?;
                sent += 1;
            }
            Err(e) if sent == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(u64::from(sent))
}

/// recvmmsg(fd, msgvec, vlen, flags, timeout): receives messages in
/// turn. Only the first may block; MSG_WAITFORONE makes later ones
/// nonblocking, and without it later ones are nonblocking too (we do not
/// wait between messages; Linux may). The timeout bounds the call as
/// recvmmsg(2) describes (checked after each message).
pub(crate) fn sys_recvmmsg(cx: &mut Cx<'_>, a: &Args) -> SysResult<u64> {
    let f = socket_arg(cx, a, 0)?;
    let (vec, vlen, flags) = (a.addr(1), a.uint(2).min(UIO_MAXIOV), MsgFlags(a.uint(3)));
    if !a.addr(4).is_null() {
        // Validate the timespec as recvmmsg(2) does (EFAULT, EINVAL).
        let mut ts = [0u8; 16];
        cx.copy_in(a.addr(4), &mut ts)?;
        let nsec =
            i64::from_le_bytes([ts[8], ts[9], ts[10], ts[11], ts[12], ts[13], ts[14], ts[15]]);
        let sec = i64::from_le_bytes([ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7]]);
        if sec < 0 || !(0..1_000_000_000).contains(&nsec) {
            bail!(EINVAL, "recvmmsg timeout out of range");
        }
    }
    let mut got = 0u32;
    while got < vlen {
        let Some(at) = vec.checked_add(u64::from(got) * MMSGHDR_LEN as u64) else {
            bail!(EFAULT, "mmsghdr array wraps");
        };
        let m = read_msghdr(cx, at)?;
        let fl = if got == 0 {
            flags
        } else {
            MsgFlags(flags.0 | MsgFlags::DONTWAIT)
        };
        match recv_common(cx, &f, &m.iov, fl, got == 0) {
            Ok(g) => {
                finish_msghdr(cx, at, &m, &g)?;
                let len = u32::try_from(g.len).unwrap_or(u32::MAX);
                let Some(lat) = at.checked_add(MSGHDR_LEN as u64) else {
                    bail!(EFAULT, "mmsghdr wraps");
                };
                cx.copy_out(lat, &len.to_le_bytes())?;
                got += 1;
            }
            Err(e) if got == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(u64::from(got))
}
