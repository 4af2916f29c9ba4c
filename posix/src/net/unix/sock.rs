//! The AF_UNIX protocol, after net/unix/af_unix.c: a [`Sock`] per socket
//! (including a connection accepted but not yet taken by accept(2), an
//! "embryo"), its receive queue (bytes for streams, messages for datagram
//! and seqpacket sockets), connection state, shutdown bits, pending error
//! and the bytes it has queued at its peers (`wmem`, bounded by
//! SO_SNDBUF). Locking: one `Sock` lock at a time, never two (a datagram
//! socket may send to itself), taken after the name table's lock when
//! both are held; notifications go out with no lock held,
//! since an epoll watcher may poll the socket at once. Socket calls are
//! serialised by the process lock, so the two-step updates between a
//! sender and a receiver are never seen half done.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

use spin::Mutex;

use super::{Names, Ucred};
use crate::errno::{Errno, SysResult};
use crate::event::{ev, next_ino};
use crate::files::Files;
use crate::net::socket::{SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM};
use crate::net::{SockAddr, UnixAddr};
use crate::vfs::error::{err, error};
use crate::vfs::flags::{AtFlags, Mode};
use crate::vfs::types::FileType;
use crate::wait::{WaitHub, WaitQueue};

mod data;

/// `RCV_SHUTDOWN` (include/net/sock.h).
pub(super) const RCV: u8 = 1;
/// `SEND_SHUTDOWN`.
pub(super) const SEND: u8 = 2;
/// `SHUTDOWN_MASK`.
pub(super) const BOTH: u8 = 3;
/// What a queued message costs its sender's SO_SNDBUF besides its bytes
/// (Linux charges the skb's truesize; this keeps empty datagrams from
/// being free).
const MSG_OVERHEAD: usize = 512;
/// `SOCK_RAW`: unix_create treats it as SOCK_DGRAM.
const SOCK_RAW: i32 = 3;

/// The three kinds of AF_UNIX socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Stream,
    Dgram,
    Seqpacket,
}

impl Kind {
    /// Parses socket(2)'s kind (unix_create).
    pub(super) fn from_raw(ty: i32) -> SysResult<Kind> {
        match ty {
            SOCK_STREAM => Ok(Kind::Stream),
            SOCK_DGRAM | SOCK_RAW => Ok(Kind::Dgram),
            SOCK_SEQPACKET => Ok(Kind::Seqpacket),
            _ => err(Errno::ESOCKTNOSUPPORT, "AF_UNIX socket type"),
        }
    }

    /// The `SOCK_*` number.
    pub(super) fn raw(self) -> i32 {
        match self {
            Kind::Stream => SOCK_STREAM,
            Kind::Dgram => SOCK_DGRAM,
            Kind::Seqpacket => SOCK_SEQPACKET,
        }
    }

    /// Tells whether the kind has connections (listen/accept, EOF).
    fn connected_kind(self) -> bool {
        self != Kind::Dgram
    }
}

/// Where a name is registered, so closing the socket frees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key {
    /// An abstract name, per socket type: Linux hashes abstract names
    /// with the type (`unix_abstract_hash`), so a stream and a datagram
    /// socket may hold the same name and a lookup of another type finds
    /// nothing (ECONNREFUSED, where a path gives EPROTOTYPE).
    Abstract(Kind, Vec<u8>),
    /// The socket inode: encoded device and inode number.
    Path(u64, u64),
}

/// The table behind [`Names`].
#[derive(Default)]
pub(crate) struct NameTable {
    names: BTreeMap<Key, Weak<Sock>>,
    next_auto: u32,
}

impl NameTable {
    fn live(&self, key: &Key) -> Option<Arc<Sock>> {
        self.names
            .get(key)
            .and_then(Weak::upgrade)
            .filter(|s| !s.st.lock().dead)
    }
}

/// A queued datagram or seqpacket record.
struct Msg {
    data: Vec<u8>,
    from: UnixAddr,
    sender: Weak<Sock>,
    charge: usize,
}

enum Conn {
    Unconnected,
    Listening {
        backlog: u32,
        pending: VecDeque<Arc<Sock>>,
    },
    Connected,
}

struct St {
    addr: UnixAddr,
    binding: Option<(Weak<Mutex<NameTable>>, Key)>,
    conn: Conn,
    /// The other end (stream, seqpacket) or the default destination
    /// (datagram).
    peer: Option<Arc<Sock>>,
    peer_cred: Option<Ucred>,
    shutdown: u8,
    err: Option<Errno>,
    dead: bool,
    passcred: bool,
    bytes: VecDeque<u8>,
    msgs: VecDeque<Msg>,
    /// Sockets waiting for room here (a full backlog or datagram queue).
    room_waiters: Vec<Weak<Sock>>,
    /// The listener a blocking connect waits on (its backlog was full).
    connecting: Option<Arc<Sock>>,
}

/// One AF_UNIX socket.
pub(crate) struct Sock {
    pub(super) kind: Kind,
    pub(super) queue: WaitQueue,
    pub(super) common: crate::net::SockCommon,
    pub(super) ino: u64,
    cred: Ucred,
    wmem: AtomicUsize,
    me: Weak<Sock>,
    st: Mutex<St>,
}

fn wake(socks: impl IntoIterator<Item = Weak<Sock>>, events: u32) {
    for s in socks.into_iter().filter_map(|w| w.upgrade()) {
        s.queue.notify(events);
    }
}

/// Adds `me` to a waiter list once (a nonblocking caller may retry many
/// times), dropping entries whose sockets are gone.
fn add_waiter(list: &mut Vec<Weak<Sock>>, me: &Weak<Sock>) {
    list.retain(|w| w.strong_count() > 0);
    if !list.iter().any(|w| w.ptr_eq(me)) {
        list.push(me.clone());
    }
}

fn from_of(addr: UnixAddr) -> Option<SockAddr> {
    // unix_copy_addr: an unbound sender leaves msg_namelen 0.
    (addr != UnixAddr::Unnamed).then_some(SockAddr::Unix(addr))
}

impl Sock {
    /// Creates an unconnected, unbound socket.
    pub(super) fn new(hub: &Arc<WaitHub>, kind: Kind, cred: Ucred) -> Arc<Sock> {
        Arc::new_cyclic(|me| Sock {
            kind,
            queue: WaitQueue::new(hub),
            common: crate::net::SockCommon::default(),
            ino: next_ino(),
            cred,
            wmem: AtomicUsize::new(0),
            me: me.clone(),
            st: Mutex::new(St {
                addr: UnixAddr::Unnamed,
                binding: None,
                conn: Conn::Unconnected,
                peer: None,
                peer_cred: None,
                shutdown: 0,
                err: None,
                dead: false,
                passcred: false,
                bytes: VecDeque::new(),
                msgs: VecDeque::new(),
                room_waiters: Vec::new(),
                connecting: None,
            }),
        })
    }

    fn arc(&self) -> Arc<Sock> {
        self.me
            .upgrade()
            .expect("a Sock is only reached through an Arc")
    }

    fn sndbuf(&self) -> usize {
        usize::try_from(self.common.opts.lock().sndbuf).unwrap_or(usize::MAX)
    }

    /// Connects two fresh sockets to each other (socketpair(2)).
    pub(super) fn join(a: &Arc<Sock>, b: &Arc<Sock>) {
        for (x, y) in [(a, b), (b, a)] {
            let mut st = x.st.lock();
            st.peer = Some(y.clone());
            st.peer_cred = Some(y.cred);
            if x.kind.connected_kind() {
                st.conn = Conn::Connected;
            }
        }
    }

    /// The bound name.
    pub(super) fn addr(&self) -> UnixAddr {
        self.st.lock().addr.clone()
    }

    /// The peer's name. ENOTCONN without a peer (unix_getname).
    pub(super) fn peer_addr(&self) -> SysResult<UnixAddr> {
        let peer = self
            .st
            .lock()
            .peer
            .clone()
            .ok_or(error(Errno::ENOTCONN, "AF_UNIX socket has no peer"))?;
        Ok(peer.addr())
    }

    /// The peer's credentials for SO_PEERCRED.
    pub(super) fn peer_cred(&self) -> Ucred {
        self.st.lock().peer_cred.unwrap_or(Ucred::NONE)
    }

    /// Tells whether the socket listens (SO_ACCEPTCONN).
    pub(super) fn listening(&self) -> bool {
        matches!(self.st.lock().conn, Conn::Listening { .. })
    }

    /// SO_PASSCRED: remembered, and it makes connect/send autobind.
    pub(super) fn set_passcred(&self, on: bool) {
        self.st.lock().passcred = on;
    }

    /// Reads SO_PASSCRED.
    pub(super) fn passcred(&self) -> bool {
        self.st.lock().passcred
    }

    /// Takes the pending error (SO_ERROR).
    pub(super) fn take_error(&self) -> Option<Errno> {
        self.st.lock().err.take()
    }

    /// FIONREAD: queued bytes for a stream or seqpacket socket, the next
    /// datagram's size for a datagram socket (unix_inq_len).
    pub(super) fn readable_bytes(&self) -> usize {
        let st = self.st.lock();
        match self.kind {
            Kind::Stream => st.bytes.len(),
            // unix_inq_len sums every record of a seqpacket socket.
            Kind::Seqpacket => st.msgs.iter().map(|m| m.data.len()).sum(),
            Kind::Dgram => st.msgs.front().map_or(0, |m| m.data.len()),
        }
    }

    /// SIOCOUTQ: what this socket has queued at its peers and not yet
    /// read (its SO_SNDBUF charge).
    pub(super) fn queued_out(&self) -> usize {
        self.wmem()
    }

    // ---- names ------------------------------------------------------

    /// bind(2) (unix_bind): a path makes a socket inode, an abstract name
    /// is taken in the process's table, an empty name autobinds.
    ///
    /// # Errors
    /// EINVAL if already bound, EADDRINUSE, and the path walk's errnos.
    pub(super) fn bind(&self, files: &mut Files, addr: &UnixAddr) -> SysResult<()> {
        if self.st.lock().addr != UnixAddr::Unnamed {
            return err(Errno::EINVAL, "AF_UNIX socket already bound");
        }
        let names = files.unix.clone();
        let key = match addr {
            UnixAddr::Unnamed => return self.autobind(&names),
            UnixAddr::Abstract(n) => {
                if names
                    .0
                    .lock()
                    .live(&Key::Abstract(self.kind, n.clone()))
                    .is_some()
                {
                    return err(Errno::EADDRINUSE, "abstract name in use");
                }
                Key::Abstract(self.kind, n.clone())
            }
            UnixAddr::Path(p) => {
                // unix(7): "created with permissions 0777 & ~umask"; an
                // existing name of any kind is EADDRINUSE.
                let loc = files
                    .vfs
                    .mksock(&files.cwd, p, Mode::new(0o777))
                    .map_err(|e| {
                        if e.errno == Errno::EEXIST {
                            error(Errno::EADDRINUSE, "socket path exists")
                        } else {
                            e
                        }
                    })?;
                let m = loc.metadata();
                Key::Path(m.dev.encode(), m.ino)
            }
        };
        self.register(&names, key, addr.clone());
        Ok(())
    }

    fn register(&self, names: &Names, key: Key, addr: UnixAddr) {
        names.0.lock().names.insert(key.clone(), self.me.clone());
        let mut st = self.st.lock();
        st.addr = addr;
        st.binding = Some((Arc::downgrade(&names.0), key));
    }

    /// Binds to a free abstract name of five hex digits (unix_autobind).
    fn autobind(&self, names: &Names) -> SysResult<()> {
        let name = {
            let mut t = names.0.lock();
            let mut found = None;
            for _ in 0..=0xF_FFFF {
                let n = t.next_auto & 0xF_FFFF;
                t.next_auto = t.next_auto.wrapping_add(1);
                let name = alloc::format!("{n:05x}").into_bytes();
                if t.live(&Key::Abstract(self.kind, name.clone())).is_none() {
                    found = Some(name);
                    break;
                }
            }
            found.ok_or(error(Errno::ENOSPC, "no free autobind name"))?
        };
        self.register(
            names,
            Key::Abstract(self.kind, name.clone()),
            UnixAddr::Abstract(name),
        );
        Ok(())
    }

    /// Autobinds before connect/send when SO_PASSCRED asks for it.
    fn autobind_for_passcred(&self, files: &Files) -> SysResult<()> {
        let need = {
            let st = self.st.lock();
            st.passcred && st.addr == UnixAddr::Unnamed
        };
        if need {
            self.autobind(&files.unix)?;
        }
        Ok(())
    }

    /// Finds the live socket bound to `addr` (unix_find_other).
    ///
    /// # Errors
    /// EINVAL for an empty name; ENOENT and the walk's errnos for a path;
    /// ECONNREFUSED for a name nobody holds (or a non-socket file, or an
    /// abstract name held by another type); EPROTOTYPE for a path bound
    /// by a socket of another type.
    pub(super) fn find(&self, files: &Files, addr: &SockAddr) -> SysResult<Arc<Sock>> {
        let key = match addr {
            SockAddr::Unix(UnixAddr::Abstract(n)) => Key::Abstract(self.kind, n.clone()),
            SockAddr::Unix(UnixAddr::Path(p)) => {
                let loc = files.vfs.lookup(&files.cwd, p, AtFlags::default())?;
                let m = loc.metadata();
                if m.file_type != FileType::Socket {
                    return err(Errno::ECONNREFUSED, "path is not a socket");
                }
                Key::Path(m.dev.encode(), m.ino)
            }
            _ => return err(Errno::EINVAL, "AF_UNIX address without a name"),
        };
        let other = files
            .unix
            .0
            .lock()
            .live(&key)
            .ok_or(error(Errno::ECONNREFUSED, "no socket bound to the name"))?;
        if other.kind != self.kind {
            return err(Errno::EPROTOTYPE, "AF_UNIX socket of another type");
        }
        Ok(other)
    }

    /// Finds a datagram destination, autobinding first under SO_PASSCRED
    /// (unix_dgram_sendmsg).
    ///
    /// # Errors
    /// As [`Sock::find`].
    pub(super) fn find_for_send(&self, files: &Files, addr: &SockAddr) -> SysResult<Arc<Sock>> {
        self.autobind_for_passcred(files)?;
        self.find(files, addr)
    }

    // ---- connections ------------------------------------------------

    /// listen(2) (unix_listen).
    ///
    /// # Errors
    /// EOPNOTSUPP for datagram sockets, EINVAL unbound or connected.
    pub(super) fn listen(&self, backlog: u32) -> SysResult<()> {
        if !self.kind.connected_kind() {
            return err(Errno::EOPNOTSUPP, "listen on a datagram socket");
        }
        let waiters = {
            let mut st = self.st.lock();
            if st.addr == UnixAddr::Unnamed {
                return err(Errno::EINVAL, "listen on an unbound AF_UNIX socket");
            }
            match &mut st.conn {
                Conn::Connected => return err(Errno::EINVAL, "listen on a connected socket"),
                Conn::Listening { backlog: b, .. } => *b = backlog,
                Conn::Unconnected => {
                    st.conn = Conn::Listening {
                        backlog,
                        pending: VecDeque::new(),
                    }
                }
            }
            // init_peercred: a listener reports its own credentials.
            st.peer_cred = Some(self.cred);
            core::mem::take(&mut st.room_waiters)
        };
        wake(waiters, ev::OUT);
        self.queue.notify(0);
        Ok(())
    }

    /// connect(2) (unix_stream_connect, unix_dgram_connect).
    ///
    /// # Errors
    /// EISCONN, EINVAL (listening, or no name), EPROTOTYPE, ECONNREFUSED,
    /// ENOENT, EPERM (a datagram peer connected elsewhere), EAGAIN (the
    /// listener's backlog is full: the socket remembers the listener for
    /// [`Sock::finish_connect`], and accept(2) there notifies this socket).
    pub(super) fn connect(&self, files: &Files, addr: &SockAddr) -> SysResult<()> {
        if self.kind == Kind::Dgram {
            let other = if *addr == SockAddr::Unspec {
                None
            } else {
                self.autobind_for_passcred(files)?;
                let other = self.find(files, addr)?;
                if !other.may_receive_from(self) {
                    return err(Errno::EPERM, "datagram peer is connected elsewhere");
                }
                Some(other)
            };
            let old = {
                let mut st = self.st.lock();
                st.peer_cred = other.as_ref().map(|o| o.cred);
                core::mem::replace(&mut st.peer, other.clone())
            };
            // unix_dgram_connect: leaving a peer drops what is queued.
            if let Some(old) = old.filter(|o| !other.as_ref().is_some_and(|n| Arc::ptr_eq(n, o))) {
                self.dgram_disconnected(&old);
            }
            self.queue.notify(ev::OUT);
            return Ok(());
        }
        match self.st.lock().conn {
            Conn::Connected => return err(Errno::EISCONN, "AF_UNIX socket already connected"),
            Conn::Listening { .. } => return err(Errno::EINVAL, "connect on a listening socket"),
            Conn::Unconnected => {}
        }
        self.autobind_for_passcred(files)?;
        let other = self.find(files, addr)?;
        let r = self.connect_to(&other);
        if r.as_ref().is_err_and(|e| e.errno == Errno::EAGAIN) {
            self.st.lock().connecting = Some(other);
        }
        r
    }

    /// Retries a connect that found the backlog full: `None` while it is
    /// still full, the outcome once the listener took it or went away.
    pub(super) fn finish_connect(&self) -> Option<SysResult<()>> {
        let Some(other) = self.st.lock().connecting.clone() else {
            return Some(Ok(()));
        };
        let r = self.connect_to(&other);
        if r.as_ref().is_err_and(|e| e.errno == Errno::EAGAIN) {
            return None;
        }
        self.st.lock().connecting = None;
        Some(r)
    }

    /// Queues a new connection at the listener `other` (the second half
    /// of unix_stream_connect).
    fn connect_to(&self, other: &Arc<Sock>) -> SysResult<()> {
        // The embryo: the listener's end of the new connection, named
        // like the listener, its peer credentials ours.
        let embryo = Sock::new(other.queue.hub(), self.kind, other.cred);
        {
            let mut est = embryo.st.lock();
            est.addr = other.addr();
            est.conn = Conn::Connected;
            est.peer = Some(self.arc());
            est.peer_cred = Some(self.cred);
        }
        {
            let mut ost = other.st.lock();
            let Conn::Listening { backlog, pending } = &mut ost.conn else {
                return err(Errno::ECONNREFUSED, "AF_UNIX socket not listening");
            };
            // unix_recvq_full: more than `backlog` waiting is full.
            if pending.len() > usize::try_from(*backlog).unwrap_or(usize::MAX) {
                add_waiter(&mut ost.room_waiters, &self.me);
                return err(Errno::EAGAIN, "listener backlog full");
            }
            pending.push_back(embryo.clone());
        }
        {
            let mut st = self.st.lock();
            st.conn = Conn::Connected;
            st.connecting = None;
            st.peer = Some(embryo);
            // copy_peercred: the listener's credentials.
            st.peer_cred = Some(other.cred);
        }
        other.queue.notify(ev::IN | ev::RDNORM);
        self.queue.notify(ev::OUT | ev::WRNORM);
        Ok(())
    }

    /// A datagram socket left its peer `other` (unix_dgram_disconnected):
    /// its queued datagrams are dropped and, if `other` was connected back
    /// to it, `other` gets ECONNRESET ("one link of a bidirectional pipe
    /// is disconnected").
    pub(super) fn dgram_disconnected(&self, other: &Arc<Sock>) {
        let (msgs, waiters) = {
            let mut st = self.st.lock();
            if st.msgs.is_empty() {
                return;
            }
            (
                core::mem::take(&mut st.msgs),
                core::mem::take(&mut st.room_waiters),
            )
        };
        for m in msgs {
            if let Some(s) = m.sender.upgrade() {
                s.uncharge(m.charge);
            }
        }
        wake(waiters, ev::OUT | ev::WRNORM);
        let reset = {
            let mut ost = other.st.lock();
            let back = ost
                .peer
                .as_ref()
                .is_some_and(|p| core::ptr::eq(Arc::as_ptr(p), self));
            if !ost.dead && back {
                ost.err = Some(Errno::ECONNRESET);
            }
            !ost.dead && back
        };
        if reset {
            other.queue.notify(ev::ERR);
        }
    }

    /// Takes one pending connection (unix_accept).
    ///
    /// # Errors
    /// EOPNOTSUPP for datagram sockets, EINVAL if not listening, EAGAIN
    /// if none waits.
    pub(super) fn accept(&self) -> SysResult<Arc<Sock>> {
        if !self.kind.connected_kind() {
            return err(Errno::EOPNOTSUPP, "accept on a datagram socket");
        }
        let (new, waiters) = {
            let mut st = self.st.lock();
            let Conn::Listening { pending, .. } = &mut st.conn else {
                return err(Errno::EINVAL, "accept on a socket that is not listening");
            };
            let new = pending
                .pop_front()
                .ok_or(error(Errno::EAGAIN, "no pending connection"))?;
            (new, core::mem::take(&mut st.room_waiters))
        };
        wake(waiters, ev::OUT);
        Ok(new)
    }

    /// shutdown(2) (unix_shutdown): connection kinds mirror the bits at
    /// the peer (our SHUT_WR is its end of input).
    pub(super) fn shutdown(&self, mode: u8) {
        let peer = {
            let mut st = self.st.lock();
            st.shutdown |= mode;
            st.peer.clone()
        };
        self.queue.notify(ev::IN | ev::OUT | ev::RDHUP | ev::HUP);
        let Some(peer) = peer.filter(|_| self.kind.connected_kind()) else {
            return;
        };
        let mut peer_mode = 0;
        if mode & RCV != 0 {
            peer_mode |= SEND;
        }
        if mode & SEND != 0 {
            peer_mode |= RCV;
        }
        peer.st.lock().shutdown |= peer_mode;
        peer.queue.notify(ev::IN | ev::OUT | ev::RDHUP | ev::HUP);
    }

    /// Tells whether a datagram from `sender` may be queued here
    /// (unix_may_send: not connected, or connected to the sender).
    fn may_receive_from(&self, sender: &Sock) -> bool {
        self.kind != Kind::Dgram
            || self
                .st
                .lock()
                .peer
                .as_ref()
                .is_none_or(|p| core::ptr::eq(Arc::as_ptr(p), sender))
    }

    /// Closes the socket (unix_release_sock): frees its name, drops what
    /// it holds (returning the senders' buffer space), shuts the peer down
    /// (ECONNRESET if data was left unread here or the connection was
    /// never accepted) and releases connections still in its backlog.
    pub(super) fn release(&self, embryo: bool) {
        let (peer, pending, binding, bytes, msgs, waiters) = {
            let mut st = self.st.lock();
            if st.dead {
                return;
            }
            st.dead = true;
            st.shutdown = BOTH;
            st.connecting = None;
            let pending = match core::mem::replace(&mut st.conn, Conn::Unconnected) {
                Conn::Listening { pending, .. } => pending,
                _ => VecDeque::new(),
            };
            (
                st.peer.take(),
                pending,
                st.binding.take(),
                core::mem::take(&mut st.bytes),
                core::mem::take(&mut st.msgs),
                core::mem::take(&mut st.room_waiters),
            )
        };
        if let Some((table, key)) = binding {
            if let Some(t) = table.upgrade() {
                let mut t = t.lock();
                if t.names.get(&key).is_some_and(|w| w.ptr_eq(&self.me)) {
                    t.names.remove(&key);
                }
            }
        }
        let unread = !bytes.is_empty() || !msgs.is_empty();
        if let (Some(p), false) = (&peer, bytes.is_empty()) {
            p.uncharge(bytes.len());
        }
        for m in msgs {
            if let Some(s) = m.sender.upgrade() {
                s.uncharge(m.charge);
            }
        }
        if let Some(p) = peer.filter(|_| self.kind.connected_kind()) {
            {
                let mut pst = p.st.lock();
                pst.shutdown = BOTH;
                if unread || embryo {
                    pst.err = Some(Errno::ECONNRESET);
                }
            }
            p.queue
                .notify(ev::IN | ev::OUT | ev::RDHUP | ev::HUP | ev::ERR);
        }
        for e in pending {
            e.release(true);
        }
        wake(waiters, ev::OUT | ev::ERR);
        self.queue.notify(ev::HUP);
    }

    fn wmem(&self) -> usize {
        self.wmem.load(Ordering::Relaxed)
    }

    fn uncharge(&self, n: usize) {
        let cur = self.wmem();
        self.wmem.store(cur.saturating_sub(n), Ordering::Relaxed);
        self.queue.notify(ev::OUT | ev::WRNORM | ev::WRBAND);
    }
}
