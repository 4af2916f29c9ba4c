//! [`NetlinkSocket`], the open file of an AF_NETLINK socket
//! (net/netlink/af_netlink.c): a port id (bound explicitly or on first
//! send), a receive queue of datagrams bounded by SO_RCVBUF, and at most
//! one dump in progress. A datagram sent to port 0 goes to `rtnl`; one
//! sent to another port reaches that socket. Dumps are paced as Linux
//! paces them: one datagram of messages when the dump starts, the next
//! (and finally NLMSG_DONE alone) each time a receive leaves the queue
//! under half of SO_RCVBUF, so a second dump request before the first is
//! read gets EBUSY, as on Linux.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;

use spin::Mutex;

use super::rtnl::{self, Sink};
use super::{msg, Ports, AF_NETLINK};
use crate::errno::{Errno, SysResult};
use crate::event::{anon_metadata, ev, next_ino};
use crate::fd::{FileOps, OpenFileDescription, PollEvents};
use crate::net::inet::Net;
use crate::net::socket::unknown_option;
use crate::net::{Connecting, Shutdown};
use crate::net::{MsgFlags, Received, SockAddr, SockCommon, SockEnv, Socket};
use crate::vfs::error::err;
use crate::vfs::flags::{o, OpenFlags};
use crate::vfs::types::{FileType, Metadata};
use crate::wait::{WaitHub, WaitQueue};

/// `SOL_NETLINK`.
pub const SOL_NETLINK: i32 = 270;
/// `NETLINK_ADD_MEMBERSHIP`.
const NETLINK_ADD_MEMBERSHIP: i32 = 1;
/// `NETLINK_DROP_MEMBERSHIP`.
const NETLINK_DROP_MEMBERSHIP: i32 = 2;
/// `NETLINK_NO_ENOBUFS`: no ENOBUFS error after a dropped reply.
const NETLINK_NO_ENOBUFS: i32 = 5;
/// `NETLINK_LIST_MEMBERSHIPS` (getsockopt only).
const NETLINK_LIST_MEMBERSHIPS: i32 = 9;
/// `NETLINK_CAP_ACK`: error messages without the request's payload.
const NETLINK_CAP_ACK: i32 = 10;
/// The flag options kept as plain booleans and read back as ints:
/// PKTINFO, BROADCAST_ERROR, NO_ENOBUFS, LISTEN_ALL_NSID, CAP_ACK,
/// EXT_ACK, GET_STRICT_CHK.
const FLAG_OPTS: [i32; 7] = [3, 4, 5, 8, 10, 11, 12];
/// `NLMSG_GOODSIZE`: a dump datagram's size when the program has not
/// received with a bigger buffer (`SKB_WITH_OVERHEAD(PAGE_SIZE)`).
const GOODSIZE: usize = 4096 - 320;
/// The most `max_recvmsg_len` grows to (`SKB_WITH_OVERHEAD(32768)`).
const MAX_RECVMSG_LEN: usize = 32768 - 320;
/// netlink_sendmsg refuses datagrams above SO_SNDBUF less this.
const SNDBUF_SLACK: usize = 32;

/// One queued datagram and its sender's port (0: the kernel).
struct Dgram {
    data: Vec<u8>,
    from: u32,
}

/// A dump in progress: the messages not yet queued.
struct Dump {
    msgs: VecDeque<Vec<u8>>,
    seq: u32,
    pid: u32,
}

/// The socket's mutable state.
#[derive(Default)]
struct State {
    /// The bound port id.
    portid: Option<u32>,
    /// Multicast groups joined (bitmap of groups 1..=32).
    groups: u32,
    /// connect(2)'s destination port and group.
    dst: (u32, u32),
    rx: VecDeque<Dgram>,
    rx_bytes: usize,
    /// A pending error (ENOBUFS after a dropped reply).
    error: Option<Errno>,
    dump: Option<Dump>,
    /// The largest receive buffer seen (sizes dump datagrams).
    max_recvmsg_len: usize,
    /// SOL_NETLINK flag options set to nonzero.
    flags: Vec<i32>,
}

impl State {
    fn flag(&self, name: i32) -> bool {
        self.flags.contains(&name)
    }

    /// Queues a unicast datagram unless the queue is over `rcvbuf`
    /// (`netlink_attachskb`): then it is dropped and, unless
    /// NETLINK_NO_ENOBUFS, the next receive fails with ENOBUFS
    /// (`netlink_overrun`). Returns whether readiness changed.
    fn unicast(&mut self, data: Vec<u8>, from: u32, rcvbuf: usize) -> bool {
        if self.rx_bytes > rcvbuf {
            if self.flag(NETLINK_NO_ENOBUFS) {
                return false;
            }
            self.error = Some(Errno::ENOBUFS);
            return true;
        }
        self.rx_bytes += data.len();
        self.rx.push_back(Dgram { data, from });
        true
    }

    /// Queues the dump's next datagram (`netlink_dump`): as many messages
    /// as fit, or NLMSG_DONE once none are left. Returns whether one was
    /// queued.
    fn pump(&mut self, rcvbuf: usize) -> bool {
        if self.rx_bytes >= rcvbuf {
            return false;
        }
        let limit = GOODSIZE.max(self.max_recvmsg_len);
        let Some(d) = &mut self.dump else {
            return false;
        };
        let mut dg = Vec::new();
        while let Some(m) = d.msgs.front() {
            if !dg.is_empty() && dg.len() + m.len() > limit {
                break;
            }
            dg.extend_from_slice(m);
            d.msgs.pop_front();
        }
        if dg.is_empty() {
            dg = msg::done(d.seq, d.pid);
            self.dump = None;
        }
        self.rx_bytes += dg.len();
        self.rx.push_back(Dgram { data: dg, from: 0 });
        true
    }
}

/// What the port table points at: the part of a socket others reach.
pub(super) struct Shared {
    queue: WaitQueue,
    common: SockCommon,
    st: Mutex<State>,
}

impl Shared {
    fn rcvbuf(&self) -> usize {
        usize::try_from(self.common.opts.lock().rcvbuf).unwrap_or(usize::MAX)
    }

    /// Queues a datagram from port `from` and wakes readers.
    fn deliver(&self, data: Vec<u8>, from: u32) {
        let rcvbuf = self.rcvbuf();
        let changed = self.st.lock().unicast(data, from, rcvbuf);
        if changed {
            self.queue.notify(ev::IN);
        }
    }
}

/// Replies from `rtnl` into the requesting socket's queue.
struct ToSock<'a> {
    st: &'a mut State,
    rcvbuf: usize,
    pid: u32,
    queued: bool,
}

impl Sink for ToSock<'_> {
    fn reply(&mut self, m: Vec<u8>) {
        self.queued |= self.st.unicast(m, 0, self.rcvbuf);
    }

    fn dump(&mut self, msgs: Vec<Vec<u8>>, seq: u32) -> Result<(), Errno> {
        if self.st.dump.is_some() {
            return Err(Errno::EBUSY);
        }
        self.st.dump = Some(Dump {
            msgs: msgs.into(),
            seq,
            pid: self.pid,
        });
        self.queued |= self.st.pump(self.rcvbuf);
        Ok(())
    }
}

/// An AF_NETLINK socket as an open file.
pub struct NetlinkSocket {
    desc: OpenFileDescription,
    ty: i32,
    ino: u64,
    shared: Arc<Shared>,
    ports: Ports,
    net: Arc<Net>,
}

impl core::fmt::Debug for NetlinkSocket {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NetlinkSocket")
            .field("ino", &self.ino)
            .finish_non_exhaustive()
    }
}

impl Drop for NetlinkSocket {
    fn drop(&mut self) {
        if let Some(id) = self.shared.st.lock().portid {
            self.ports.remove(id);
        }
    }
}

impl NetlinkSocket {
    /// Makes an unbound socket of type `ty` (SOCK_RAW or SOCK_DGRAM).
    pub(super) fn open(
        hub: &Arc<WaitHub>,
        net: &Arc<Net>,
        ports: &Ports,
        ty: i32,
        nonblock: bool,
    ) -> Arc<dyn FileOps> {
        let bits = o::RDWR | if nonblock { o::NONBLOCK } else { 0 };
        let flags = OpenFlags::try_from(bits).expect("O_RDWR|O_NONBLOCK is valid");
        Arc::new(NetlinkSocket {
            desc: OpenFileDescription::new(flags),
            ty,
            ino: next_ino(),
            shared: Arc::new(Shared {
                queue: WaitQueue::new(hub),
                common: SockCommon::default(),
                st: Mutex::new(State::default()),
            }),
            ports: ports.clone(),
            net: net.clone(),
        })
    }

    /// Returns the port id, binding one first if there is none.
    fn autobind(&self) -> u32 {
        let mut st = self.shared.st.lock();
        if let Some(id) = st.portid {
            return id;
        }
        let id = self.ports.autobind(&self.shared);
        st.portid = Some(id);
        id
    }

    /// Sends `data` from port `me` to the kernel: every reply is queued
    /// before this returns (so a MSG_DONTWAIT receive finds them, as
    /// musl's `__netlink_enumerate` expects).
    fn to_kernel(&self, data: &[u8], me: u32) {
        let ifs = self.net.interfaces();
        let rcvbuf = self.shared.rcvbuf();
        let queued = {
            let mut st = self.shared.st.lock();
            let cap_ack = st.flag(NETLINK_CAP_ACK);
            let mut sink = ToSock {
                st: &mut st,
                rcvbuf,
                pid: me,
                queued: false,
            };
            rtnl::receive(data, me, cap_ack, &ifs, &mut sink);
            sink.queued
        };
        if queued {
            self.shared.queue.notify(ev::IN);
        }
    }
}

fn netlink_addr(a: &SockAddr) -> SysResult<(u32, u32)> {
    match a {
        SockAddr::Netlink { pid, groups } => Ok((*pid, *groups)),
        // netlink_bind/netlink_sendmsg: another family is EINVAL.
        _ => err(Errno::EINVAL, "address family is not AF_NETLINK"),
    }
}

/// The group number a destination bitmap names (`ffs(nl_groups)`).
fn first_group(groups: u32) -> u32 {
    if groups == 0 {
        0
    } else {
        groups.trailing_zeros() + 1
    }
}

impl FileOps for NetlinkSocket {
    fn description(&self) -> &OpenFileDescription {
        &self.desc
    }

    /// Sockets stat as S_IFSOCK, mode 0777, on sockfs (socket(7)).
    fn fstat(&self) -> SysResult<Metadata> {
        Ok(anon_metadata(FileType::Socket, 0o777, self.ino, 4096))
    }

    /// read(2) is recv(2) with no flags; an empty read returns 0.
    fn read(&self, buf: &mut [u8]) -> SysResult<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.recv(buf, MsgFlags::default()).map(|r| r.len)
    }

    /// write(2) is send(2) with no flags and no address.
    fn write(&self, buf: &[u8]) -> SysResult<usize> {
        self.send_inner(buf, None, MsgFlags::default())
    }

    /// `datagram_poll`: readable with a datagram or an error queued,
    /// always writable (replies never wait for room).
    fn poll(&self) -> PollEvents {
        let st = self.shared.st.lock();
        let mut m = ev::OUT | 0x100; // POLLOUT | POLLWRNORM
        if !st.rx.is_empty() {
            m |= ev::IN | 0x40; // POLLIN | POLLRDNORM
        }
        if st.error.is_some() {
            m |= ev::ERR;
        }
        PollEvents(u16::try_from(m).unwrap_or(0))
    }

    fn wait_queue(&self) -> Option<&WaitQueue> {
        Some(&self.shared.queue)
    }

    fn as_socket(&self) -> Option<&dyn Socket> {
        Some(self)
    }

    fn as_any(&self) -> Option<&dyn core::any::Any> {
        Some(self)
    }
}

impl NetlinkSocket {
    /// send(2) without the syscall's environment (netlink needs none).
    fn send_inner(&self, data: &[u8], to: Option<&SockAddr>, flags: MsgFlags) -> SysResult<usize> {
        if flags.has(MsgFlags::OOB) {
            return err(Errno::EOPNOTSUPP, "MSG_OOB on a netlink socket");
        }
        let (dst, _group) = match to {
            Some(a) => {
                let (p, g) = netlink_addr(a)?;
                (p, first_group(g))
            }
            None => self.shared.st.lock().dst,
        };
        let sndbuf = usize::try_from(self.shared.common.opts.lock().sndbuf).unwrap_or(usize::MAX);
        if data.len() > sndbuf.saturating_sub(SNDBUF_SLACK) {
            return err(Errno::EMSGSIZE, "netlink message above SO_SNDBUF");
        }
        let me = self.autobind();
        // A multicast destination group reaches no one here: nothing
        // joins groups to listen to programs. The unicast part follows.
        if dst == 0 {
            self.to_kernel(data, me);
            return Ok(data.len());
        }
        match self.ports.get(dst) {
            Some(peer) => {
                peer.deliver(data.to_vec(), me);
                Ok(data.len())
            }
            None => err(Errno::ECONNREFUSED, "no netlink socket has that port id"),
        }
    }
}

impl Socket for NetlinkSocket {
    fn common(&self) -> &SockCommon {
        &self.shared.common
    }

    fn domain(&self) -> i32 {
        AF_NETLINK
    }

    fn sock_type(&self) -> i32 {
        self.ty
    }

    fn protocol(&self) -> i32 {
        super::NETLINK_ROUTE
    }

    /// bind(2) (`netlink_bind`): port 0 picks one; a bound socket may
    /// only rebind to its own id (EINVAL otherwise), a taken id is
    /// EADDRINUSE; `nl_groups` joins groups (we are root).
    fn bind(&self, _env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<()> {
        let (pid, groups) = netlink_addr(addr)?;
        let bound = self.shared.st.lock().portid;
        match bound {
            Some(id) if id != pid => return err(Errno::EINVAL, "netlink socket already bound"),
            Some(_) => {}
            None if pid == 0 => {
                self.autobind();
            }
            None => {
                self.ports.insert(pid, &self.shared)?;
                self.shared.st.lock().portid = Some(pid);
            }
        }
        self.shared.st.lock().groups |= groups;
        Ok(())
    }

    /// connect(2) (`netlink_connect`): sets the default destination;
    /// AF_UNSPEC resets it to the kernel. Binds a port first.
    fn connect(&self, _env: &mut SockEnv<'_>, addr: &SockAddr) -> SysResult<Connecting> {
        if *addr == SockAddr::Unspec {
            self.shared.st.lock().dst = (0, 0);
            return Ok(Connecting::Done);
        }
        let (pid, groups) = netlink_addr(addr)?;
        self.autobind();
        self.shared.st.lock().dst = (pid, first_group(groups));
        Ok(Connecting::Done)
    }

    fn send(
        &self,
        _env: &mut SockEnv<'_>,
        data: &[u8],
        to: Option<&SockAddr>,
        flags: MsgFlags,
    ) -> SysResult<usize> {
        self.send_inner(data, to, flags)
    }

    /// recv(2) (`netlink_recvmsg`): a pending error first, then one
    /// datagram (truncated to `buf`, the rest dropped unless MSG_PEEK);
    /// afterwards a running dump queues its next part if the queue is
    /// under half of SO_RCVBUF.
    fn recv(&self, buf: &mut [u8], flags: MsgFlags) -> SysResult<Received> {
        if flags.has(MsgFlags::OOB) {
            return err(Errno::EOPNOTSUPP, "MSG_OOB on a netlink socket");
        }
        let rcvbuf = self.shared.rcvbuf();
        let (r, more) = {
            let mut st = self.shared.st.lock();
            if let Some(e) = st.error.take() {
                return err(e, "netlink replies were dropped (receive queue full)");
            }
            let Some(d) = st.rx.front() else {
                return err(Errno::EAGAIN, "no netlink message queued");
            };
            let (n, full_len, from) = (d.data.len().min(buf.len()), d.data.len(), d.from);
            buf[..n].copy_from_slice(&d.data[..n]);
            let r = Received {
                len: n,
                full_len,
                from: Some(SockAddr::Netlink {
                    pid: from,
                    groups: 0,
                }),
            };
            if !flags.has(MsgFlags::PEEK) {
                st.rx_bytes -= full_len;
                st.rx.pop_front();
            }
            st.max_recvmsg_len = st.max_recvmsg_len.max(buf.len()).min(MAX_RECVMSG_LEN);
            let more = st.dump.is_some() && st.rx_bytes <= rcvbuf / 2 && st.pump(rcvbuf);
            (r, more)
        };
        if more {
            self.shared.queue.notify(ev::IN);
        }
        Ok(r)
    }

    /// shutdown(2): `sock_no_shutdown`.
    fn shutdown(&self, _how: Shutdown) -> SysResult<()> {
        err(Errno::EOPNOTSUPP, "shutdown on a netlink socket")
    }

    /// getsockname(2): the port id (0 before one is bound) and groups.
    fn local_addr(&self) -> SysResult<SockAddr> {
        let st = self.shared.st.lock();
        Ok(SockAddr::Netlink {
            pid: st.portid.unwrap_or(0),
            groups: st.groups,
        })
    }

    /// getpeername(2): the connect(2) destination (the kernel, port 0,
    /// if none); never ENOTCONN (`netlink_getname`).
    fn peer_addr(&self) -> SysResult<SockAddr> {
        let (pid, group) = self.shared.st.lock().dst;
        Ok(SockAddr::Netlink {
            pid,
            groups: if group == 0 { 0 } else { 1 << (group - 1) },
        })
    }

    fn take_error(&self) -> i32 {
        self.shared.st.lock().error.take().map_or(0, |e| e as i32)
    }

    fn readable_bytes(&self) -> usize {
        self.shared.st.lock().rx.front().map_or(0, |d| d.data.len())
    }

    /// SOL_NETLINK options (`netlink_setsockopt`): group membership and
    /// the flag options (kept, read back; only NO_ENOBUFS and CAP_ACK
    /// change what this socket does).
    fn set_option(&self, level: i32, name: i32, value: &[u8]) -> SysResult<()> {
        if level != SOL_NETLINK {
            return unknown_option(level, name);
        }
        let Some(v) = value.get(..4) else {
            return err(Errno::EINVAL, "netlink option shorter than an int");
        };
        let v = u32::from_ne_bytes([v[0], v[1], v[2], v[3]]);
        let mut st = self.shared.st.lock();
        match name {
            NETLINK_ADD_MEMBERSHIP | NETLINK_DROP_MEMBERSHIP => {
                if v == 0 || v > 32 {
                    return err(Errno::EINVAL, "netlink group out of range");
                }
                let bit = 1u32 << (v - 1);
                if name == NETLINK_ADD_MEMBERSHIP {
                    st.groups |= bit;
                } else {
                    st.groups &= !bit;
                }
                Ok(())
            }
            n if FLAG_OPTS.contains(&n) => {
                st.flags.retain(|&f| f != n);
                if v != 0 {
                    st.flags.push(n);
                }
                Ok(())
            }
            _ => unknown_option(level, name),
        }
    }

    fn get_option(&self, level: i32, name: i32) -> SysResult<Vec<u8>> {
        if level != SOL_NETLINK {
            return unknown_option(level, name);
        }
        let st = self.shared.st.lock();
        match name {
            NETLINK_LIST_MEMBERSHIPS => Ok(st.groups.to_ne_bytes().to_vec()),
            n if FLAG_OPTS.contains(&n) => Ok(i32::from(st.flag(n)).to_ne_bytes().to_vec()),
            _ => unknown_option(level, name),
        }
    }
}
