//! The stack: [`Net`] (shared by `Arc` between the process state and
//! every inet socket object) locks a [`Stack`] holding two smoltcp
//! interfaces, each with its own `SocketSet` — loopback (`lo`: 127.0.0.1/8,
//! ::1 and the NIC's own addresses, so a program reaches itself on its
//! public address) and the NIC (`eth0`, once attached). A socket bound to
//! a wildcard has a smoltcp socket in each set. Socket objects are ids
//! into [`Stack::entries`]; after every run the stack compares each
//! entry's poll mask with the last one and notifies its wait queue (after
//! the lock is dropped). Lock order: process state, then this lock.
//! Neighbours: `device`, `config` (addresses, DHCP, /etc), `tcp`, `udp`,
//! `ready` (masks), `object` (the FileOps side).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use rumprun_config::net::NetConfig;
use smoltcp::iface::{Interface, SocketHandle, SocketSet};
use smoltcp::socket::tcp;
use smoltcp::time::Instant;
use smoltcp::wire::IpAddress;
use spin::Mutex;

use super::device::{LoopDev, NicDev};
use super::endpoint::{is_loopback, Bind};
use super::tcp::{Tcp, TcpSt};
use super::udp::Udp;
use crate::errno::{Errno, SysResult};
use crate::vfs::error::err;
use crate::vfs::etc::EtcNet;
use crate::wait::{WaitHub, WaitQueue};

/// First ephemeral port (net.ipv4.ip_local_port_range default).
pub(super) const EPHEMERAL_FIRST: u16 = 32768;
/// Last ephemeral port.
pub(super) const EPHEMERAL_LAST: u16 = 60999;
/// IPPROTO_TCP, the ports table's key for TCP.
pub(super) const PROTO_TCP: u8 = 6;
/// IPPROTO_UDP.
pub(super) const PROTO_UDP: u8 = 17;
/// Most loopback rounds per run (each round moves every queued packet).
const LOOP_ROUNDS: usize = 512;
/// Most NIC frames taken per run, so an interrupt storm cannot hold the
/// CPU forever (the next timer picks up the rest).
const NIC_BUDGET: usize = 4096;

/// The shortest net timer asked for (see `Stack::next_deadline`).
const MIN_TIMER_NS: u64 = 200_000;

/// Which interface a smoltcp socket lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    /// The loopback interface.
    Lo,
    /// The NIC.
    Nic,
}

/// One smoltcp interface with its device and socket set.
pub(super) struct Iface<D> {
    /// The interface (addresses, routes, neighbour cache).
    pub iface: Interface,
    /// The device.
    pub dev: D,
    /// The sockets polled on this interface.
    pub set: SocketSet<'static>,
}

/// The NIC's interface and its addressing state.
pub(super) struct Nic {
    /// Interface, device, sockets.
    pub ifc: Iface<NicDev>,
    /// The DHCPv4 client socket, in DHCP mode.
    pub dhcp: Option<SocketHandle>,
    /// The IPv4 address and prefix, once configured.
    pub v4: Option<(core::net::Ipv4Addr, u8)>,
    /// The IPv4 default router.
    pub gw4: Option<core::net::Ipv4Addr>,
    /// The global IPv6 address and prefix (static only).
    pub v6: Option<(core::net::Ipv6Addr, u8)>,
    /// Nameservers DHCP gave.
    pub dhcp_dns: Vec<core::net::Ipv4Addr>,
}

/// The two interfaces.
pub(super) struct Ifaces {
    /// Loopback.
    pub lo: Iface<LoopDev>,
    /// The NIC, once attached.
    pub nic: Option<Nic>,
    /// TCP buffer bytes past which new TCP sockets get small buffers
    /// (`tcp::new_socket`; Linux's `tcp_mem` pressure threshold). Half of
    /// the VM's memory once the process sets it ([`Net::set_memory`]).
    pub tcp_pressure: usize,
}

impl Ifaces {
    /// The bytes of TCP socket buffers on both interfaces (smoltcp
    /// allocates them whole at creation). A walk over the sockets, run
    /// once per new TCP socket: simpler than keeping a count in step with
    /// every place a socket goes away.
    pub fn tcp_buffer_bytes(&self) -> usize {
        let sets = core::iter::once(&self.lo.set).chain(self.nic.as_ref().map(|n| &n.ifc.set));
        sets.flat_map(|set| set.iter())
            .map(|(_, s)| match s {
                smoltcp::socket::Socket::Tcp(t) => t.recv_capacity() + t.send_capacity(),
                _ => 0,
            })
            .sum()
    }

    /// Returns the socket set of interface `w`.
    ///
    /// # Panics
    /// Never for handles the stack made: a `Which::Nic` handle exists only
    /// once the NIC is attached, and the NIC is never detached.
    pub fn set(&mut self, w: Which) -> &mut SocketSet<'static> {
        match w {
            Which::Lo => &mut self.lo.set,
            Which::Nic => {
                &mut self
                    .nic
                    .as_mut()
                    .expect("a NIC handle implies a NIC")
                    .ifc
                    .set
            }
        }
    }

    /// Returns the smoltcp TCP socket `h` on `w`, read-only.
    pub fn tcp_ref(&self, w: Which, h: SocketHandle) -> &tcp::Socket<'static> {
        match w {
            Which::Lo => self.lo.set.get::<tcp::Socket<'static>>(h),
            Which::Nic => self
                .nic
                .as_ref()
                .expect("a NIC handle implies a NIC")
                .ifc
                .set
                .get::<tcp::Socket<'static>>(h),
        }
    }

    /// Returns the smoltcp TCP socket `h` on `w`.
    pub fn tcp(&mut self, w: Which, h: SocketHandle) -> &mut tcp::Socket<'static> {
        self.set(w).get_mut::<tcp::Socket<'static>>(h)
    }

    /// Returns the interface `w` and its set (to connect: the context and
    /// the socket at once).
    pub fn parts(&mut self, w: Which) -> (&mut Interface, &mut SocketSet<'static>) {
        match w {
            Which::Lo => (&mut self.lo.iface, &mut self.lo.set),
            Which::Nic => {
                let n = self.nic.as_mut().expect("a NIC handle implies a NIC");
                (&mut n.ifc.iface, &mut n.ifc.set)
            }
        }
    }

    /// Tells whether `a` is one of our addresses (loopback range or an
    /// address of an interface).
    pub fn is_local(&self, a: IpAddress) -> bool {
        is_loopback(a) || self.lo.iface.has_ip_addr(a)
    }

    /// Picks the interface that reaches `dst`: loopback for our own
    /// addresses, else the NIC.
    ///
    /// # Errors
    /// ENETUNREACH without a NIC or without an address of `dst`'s version.
    pub fn route(&self, dst: IpAddress) -> SysResult<Which> {
        if self.is_local(dst) {
            return Ok(Which::Lo);
        }
        let Some(n) = &self.nic else {
            return err(Errno::ENETUNREACH, "no network interface besides loopback");
        };
        let ok = match dst {
            IpAddress::Ipv4(_) => n.v4.is_some(),
            IpAddress::Ipv6(_) => true,
        };
        if !ok {
            return err(Errno::ENETUNREACH, "the NIC has no IPv4 address");
        }
        Ok(Which::Nic)
    }

    /// The interfaces a socket bound to `addr` listens on.
    pub fn for_bind(&self, addr: Option<IpAddress>) -> Vec<Which> {
        let mut v = vec![Which::Lo];
        if let Some(n) = &self.nic {
            if addr.is_none_or(|a| !is_loopback(a) && n.ifc.iface.has_ip_addr(a)) {
                v.push(Which::Nic);
            }
        }
        v
    }
}

/// What a socket entry is.
pub(super) enum Proto {
    /// A TCP socket.
    Tcp(Tcp),
    /// A UDP socket.
    Udp(Udp),
}

/// One socket object's state inside the stack.
pub(super) struct Entry {
    /// The object's wait queue (notified when `mask` changes).
    pub queue: Arc<WaitQueue>,
    /// The poll mask last reported.
    pub mask: u32,
    /// Bytes readable at the last report (new data notifies even when
    /// the mask stays, as `sk_data_ready` does: edge-triggered epoll).
    pub rxq: usize,
    /// `AF_INET` or `AF_INET6`.
    pub domain: i32,
    /// Protocol-level options.
    pub opts: super::opts::Opts,
    /// The protocol state.
    pub proto: Proto,
}

/// One bound port user (for EADDRINUSE).
#[derive(Debug, Clone, Copy)]
pub(super) struct PortUse {
    /// The entry.
    pub id: u64,
    /// What it is bound to.
    pub bind: Bind,
    /// SO_REUSEADDR at bind time.
    pub reuseaddr: bool,
    /// SO_REUSEPORT at bind time.
    pub reuseport: bool,
    /// The socket listens (TCP).
    pub listening: bool,
}

impl PortUse {
    /// A bind(2) or connect(2)'s implicit bind: not (yet) listening.
    pub fn bound(id: u64, bind: Bind, reuseaddr: bool, reuseport: bool) -> PortUse {
        PortUse {
            id,
            bind,
            reuseaddr,
            reuseport,
            listening: false,
        }
    }
}

/// Everything behind the [`Net`] lock.
pub(super) struct Stack {
    /// The interfaces.
    pub ifs: Ifaces,
    /// NIC configuration (image + overrides).
    pub cfg: NetConfig,
    /// The hostname (for /etc/hosts).
    pub hostname: String,
    /// The live /etc files.
    pub etc: EtcNet,
    /// Socket entries by id.
    pub entries: BTreeMap<u64, Entry>,
    /// Ids of listening entries.
    pub listeners: BTreeSet<u64>,
    /// Closed sockets finishing their FIN handshake (or sending a RST).
    pub zombies: Vec<(Which, SocketHandle)>,
    /// Bound ports by (protocol, port).
    pub ports: BTreeMap<(u8, u16), Vec<PortUse>>,
    /// The next entry id.
    next_id: u64,
    /// xorshift state (ephemeral ports).
    rng: u64,
    /// The clock of the current run, ns.
    pub now_ns: u64,
    /// The deadline the stack wants to run at.
    timer: Option<u64>,
    /// The deadline last handed to the platform.
    armed: Option<Option<u64>>,
    /// The console line announcing the configured address, once.
    pub announce: Option<String>,
    /// True once the NIC has its IPv4 address (or needs none).
    pub configured: bool,
}

/// Converts our ns clock to smoltcp's.
pub(super) fn instant(ns: u64) -> Instant {
    Instant::from_micros(i64::try_from(ns / 1000).unwrap_or(i64::MAX))
}

impl Stack {
    /// Allocates an entry id.
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Returns a pseudo-random number (ephemeral ports).
    pub fn rand(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    /// Mixes `seed` into the generator (the platform's random source).
    pub fn reseed(&mut self, seed: u64) {
        self.rng ^= seed;
        if self.rng == 0 {
            self.rng = 0x9e37_79b9_7f4a_7c15;
        }
    }

    /// Adds an entry and returns its id.
    pub fn add_entry(
        &mut self,
        queue: Arc<WaitQueue>,
        domain: i32,
        opts: super::opts::Opts,
        proto: Proto,
    ) -> u64 {
        let id = self.new_id();
        self.entries.insert(
            id,
            Entry {
                queue,
                mask: 0,
                rxq: 0,
                domain,
                opts,
                proto,
            },
        );
        id
    }

    /// Checks whether `bind:port` may be taken by `me` (Linux's
    /// inet_csk_bind_conflict / udp_lib_lport_inuse, simplified: two
    /// overlapping bindings conflict unless both set SO_REUSEPORT, or both
    /// set SO_REUSEADDR and (TCP) the other one does not listen).
    pub fn port_free(&self, proto: u8, port: u16, me: &PortUse) -> bool {
        // A closed connection in TIME-WAIT holds its port against binds
        // without SO_REUSEADDR (inet_csk_bind_conflict sees the tw socket).
        if proto == PROTO_TCP && !me.reuseaddr {
            let held = self.zombies.iter().any(|&(w, h)| {
                let s = self.ifs.tcp_ref(w, h);
                s.state() == tcp::State::TimeWait
                    && s.local_endpoint()
                        .is_some_and(|l| l.port == port && me.bind.covers(l.addr))
            });
            if held {
                return false;
            }
        }
        let Some(users) = self.ports.get(&(proto, port)) else {
            return true;
        };
        users.iter().filter(|u| u.id != me.id).all(|u| {
            !u.bind.overlaps(&me.bind)
                || (u.reuseport && me.reuseport)
                || (u.reuseaddr && me.reuseaddr && (proto == PROTO_UDP || !u.listening))
        })
    }

    /// Takes `port` (0: an ephemeral one) for `me`; returns the port.
    ///
    /// # Errors
    /// EADDRINUSE if taken, or if no ephemeral port is left.
    pub fn take_port(&mut self, proto: u8, port: u16, me: PortUse) -> SysResult<u16> {
        let port = if port == 0 {
            let span = u64::from(EPHEMERAL_LAST - EPHEMERAL_FIRST) + 1;
            let start = self.rand() % span;
            let found = (0..span).find_map(|i| {
                let p = EPHEMERAL_FIRST + u16::try_from((start + i) % span).unwrap_or(0);
                self.port_free(proto, p, &me).then_some(p)
            });
            match found {
                Some(p) => p,
                None => return err(Errno::EADDRINUSE, "no ephemeral port left"),
            }
        } else if self.port_free(proto, port, &me) {
            port
        } else {
            return err(Errno::EADDRINUSE, "address already in use");
        };
        self.ports.entry((proto, port)).or_default().push(me);
        Ok(port)
    }

    /// Gives back every port `id` holds.
    pub fn release_ports(&mut self, id: u64) {
        self.ports.retain(|_, users| {
            users.retain(|u| u.id != id);
            !users.is_empty()
        });
    }

    /// Marks `id`'s binding of `port` as listening (or not).
    pub fn set_listening(&mut self, proto: u8, port: u16, id: u64, on: bool) {
        if let Some(users) = self.ports.get_mut(&(proto, port)) {
            for u in users.iter_mut().filter(|u| u.id == id) {
                u.listening = on;
            }
        }
    }

    /// Runs both interfaces until nothing moves: NIC frames received,
    /// loopback packets delivered, timers fired, queued data sent; then
    /// DHCP, listeners and connection states are brought up to date.
    pub fn run(&mut self) {
        let now = instant(self.now_ns);
        if self.ifs.nic.is_some() {
            self.maintain_listeners();
            if let Some(n) = self.ifs.nic.as_mut() {
                n.ifc.iface.poll_maintenance(now);
            }
            for _ in 0..NIC_BUDGET {
                let Some(n) = self.ifs.nic.as_mut() else {
                    break;
                };
                let Some(f) = n.ifc.dev.dev.receive() else {
                    break;
                };
                // Bad checksums go before anything looks at the frame.
                if !n.ifc.dev.checksum_ok(&f) {
                    n.ifc.dev.bad_checksums += 1;
                    continue;
                }
                let f = f.data;
                if !self.admit(Which::Nic, &f) {
                    continue;
                }
                let Some(n) = self.ifs.nic.as_mut() else {
                    break;
                };
                n.ifc.dev.staged = Some(f);
                let _ = n
                    .ifc
                    .iface
                    .poll_ingress_single(now, &mut n.ifc.dev, &mut n.ifc.set);
                n.ifc.dev.staged = None;
                self.maintain_listeners();
            }
            self.dhcp_poll();
            self.slaac_sync();
            self.reset_fed_zombies();
            if let Some(n) = self.ifs.nic.as_mut() {
                for _ in 0..64 {
                    let r = n.ifc.iface.poll_egress(now, &mut n.ifc.dev, &mut n.ifc.set);
                    if matches!(r, smoltcp::iface::PollResult::None) {
                        break;
                    }
                }
            }
        }
        self.maintain_listeners();
        for _ in 0..LOOP_ROUNDS {
            self.reset_fed_zombies();
            let lo = &mut self.ifs.lo;
            lo.iface.poll_maintenance(now);
            let r = lo.iface.poll_egress(now, &mut lo.dev, &mut lo.set);
            if lo.dev.queue.is_empty() && matches!(r, smoltcp::iface::PollResult::None) {
                break;
            }
            while let Some(p) = self.ifs.lo.dev.queue.pop_front() {
                if !self.admit(Which::Lo, &p) {
                    continue;
                }
                let lo = &mut self.ifs.lo;
                lo.dev.staged = Some(p);
                let _ = lo.iface.poll_ingress_single(now, &mut lo.dev, &mut lo.set);
                lo.dev.staged = None;
                self.maintain_listeners();
            }
        }
        self.maintain_listeners();
        self.refresh_tcp();
        self.reap_zombies();
        self.timer = self.next_deadline();
    }

    /// Returns when the stack next wants to run (monotonic ns).
    fn next_deadline(&mut self) -> Option<u64> {
        let now = instant(self.now_ns);
        let mut t = self.ifs.lo.iface.poll_at(now, &self.ifs.lo.set);
        if let Some(n) = self.ifs.nic.as_mut() {
            t = match (t, n.ifc.iface.poll_at(now, &n.ifc.set)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, None) => a,
                (None, b) => b,
            };
        }
        // "Now" (work left after a bounded run, a device queue full) is
        // asked as now + 200 µs so an idle kernel never spins on the timer.
        t.map(|i| {
            u64::try_from(i.total_micros())
                .unwrap_or(0)
                .saturating_mul(1000)
        })
        .map(|ns| ns.max(self.now_ns + MIN_TIMER_NS))
    }

    /// Decides whether a received packet goes to smoltcp: a bare SYN is
    /// dropped when its port's accept queue is full, or when a socket
    /// already holds its 4-tuple mid-connection (a retransmitted SYN; see
    /// `device`).
    fn admit(&self, w: Which, pkt: &[u8]) -> bool {
        let Some((src, sport, dport)) = super::device::syn_tuple(pkt, w == Which::Nic) else {
            return true;
        };
        let (full, set) = match w {
            Which::Lo => (&self.ifs.lo.dev.drop_syn, &self.ifs.lo.set),
            Which::Nic => match &self.ifs.nic {
                Some(n) => (&n.ifc.dev.drop_syn, &n.ifc.set),
                None => return true,
            },
        };
        if full.contains(&dport) {
            return false;
        }
        !set.iter().any(|(_, s)| match s {
            smoltcp::socket::Socket::Tcp(t) => {
                !matches!(
                    t.state(),
                    tcp::State::Listen | tcp::State::Closed | tcp::State::TimeWait
                ) && t
                    .remote_endpoint()
                    .is_some_and(|r| r.addr == src && r.port == sport)
                    && t.local_endpoint().is_some_and(|l| l.port == dport)
            }
            _ => false,
        })
    }

    /// Resets closed sockets that received data: nobody will read it
    /// (tcp_rcv_state_process in FIN-WAIT with RCV_SHUTDOWN: `tcp_reset`).
    fn reset_fed_zombies(&mut self) {
        for &(w, h) in &self.zombies {
            let s = self.ifs.tcp(w, h);
            if s.recv_queue() > 0 {
                s.abort();
            }
        }
    }

    /// Frees closed sockets whose close handshake is over.
    fn reap_zombies(&mut self) {
        let ifs = &mut self.ifs;
        self.zombies.retain(|&(w, h)| {
            if ifs.tcp(w, h).state() == tcp::State::Closed {
                ifs.set(w).remove(h);
                false
            } else {
                true
            }
        });
    }

    /// Computes every entry's mask and returns the queues to notify.
    pub fn collect(&mut self) -> Vec<(Arc<WaitQueue>, u32)> {
        let mut out = Vec::new();
        let ids: Vec<u64> = self.entries.keys().copied().collect();
        for id in ids {
            let (mask, rxq) = self.mask_of(id);
            let Some(e) = self.entries.get_mut(&id) else {
                continue;
            };
            if mask != e.mask || rxq > e.rxq {
                out.push((e.queue.clone(), mask));
            }
            e.mask = mask;
            e.rxq = rxq;
        }
        out
    }

    /// Takes the deadline change to hand to the platform, if any.
    pub fn take_timer_change(&mut self) -> Option<Option<u64>> {
        if self.armed == Some(self.timer) {
            return None;
        }
        self.armed = Some(self.timer);
        Some(self.timer)
    }

    /// Tells whether `id` is a listening TCP entry (for the SYN filter).
    fn listener_ids(&self) -> Vec<u64> {
        self.listeners.iter().copied().collect()
    }

    /// Moves handshaken connections of every listener to its accept
    /// queue, keeps one smoltcp socket listening per interface, and
    /// rebuilds the SYN drop sets (full accept queues).
    pub fn maintain_listeners(&mut self) {
        self.ifs.lo.dev.drop_syn.clear();
        if let Some(n) = self.ifs.nic.as_mut() {
            n.ifc.dev.drop_syn.clear();
        }
        for id in self.listener_ids() {
            let Some(e) = self.entries.get_mut(&id) else {
                continue;
            };
            let domain = e.domain;
            let Proto::Tcp(t) = &mut e.proto else {
                continue;
            };
            let TcpSt::Listen(l) = &mut t.st else {
                continue;
            };
            l.maintain(&mut self.ifs, &mut self.zombies, domain);
        }
    }

    /// Closes entry `id` (its object was dropped): frees ports, starts the
    /// FIN handshake of a connection or resets it (SO_LINGER 0, unread
    /// data), resets queued unaccepted connections.
    pub fn close(&mut self, id: u64, linger_zero: bool) {
        self.release_ports(id);
        self.listeners.remove(&id);
        let Some(e) = self.entries.remove(&id) else {
            return;
        };
        match e.proto {
            Proto::Tcp(t) => t.close(&mut self.ifs, &mut self.zombies, linger_zero),
            Proto::Udp(u) => u.close(&mut self.ifs),
        }
    }
}

/// The network stack shared by the process and every inet socket.
pub struct Net {
    stack: Mutex<Stack>,
    hub: Arc<WaitHub>,
}

impl core::fmt::Debug for Net {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Net").finish_non_exhaustive()
    }
}

impl Net {
    /// Creates the stack with the loopback interface only; `cfg` says how
    /// to configure a NIC attached later, `etc` are the /etc files to keep
    /// current, `hub` the process's wait hub (socket queues notify it).
    pub fn new(hub: &Arc<WaitHub>, hostname: &str, cfg: NetConfig, etc: EtcNet) -> Arc<Net> {
        let lo = super::config::loopback(instant(hub.now_ns()));
        let stack = Stack {
            ifs: Ifaces {
                lo,
                nic: None,
                tcp_pressure: usize::MAX,
            },
            cfg,
            hostname: hostname.into(),
            etc,
            entries: BTreeMap::new(),
            listeners: BTreeSet::new(),
            zombies: Vec::new(),
            ports: BTreeMap::new(),
            next_id: 0,
            rng: 0x2545_f491_4f6c_dd1d,
            now_ns: hub.now_ns(),
            timer: None,
            armed: None,
            announce: None,
            configured: true,
        };
        Arc::new(Net {
            stack: Mutex::new(stack),
            hub: hub.clone(),
        })
    }

    /// Tells the stack the VM's memory, from which it sets the TCP
    /// buffer pressure threshold: half of it (the kernel heap, which holds
    /// the buffers, may grow to about seven eighths).
    pub fn set_memory(&self, bytes: u64) {
        let half = usize::try_from(bytes / 2).unwrap_or(usize::MAX);
        self.with(|s| s.ifs.tcp_pressure = half);
    }

    /// Returns the wait hub socket queues notify.
    pub fn hub(&self) -> &Arc<WaitHub> {
        &self.hub
    }

    /// Runs `f` on the stack at the current system call's clock, then the
    /// stack itself (egress), then notifies queues whose readiness changed
    /// (after unlocking: watchers may poll the socket again).
    pub(super) fn with<R>(&self, f: impl FnOnce(&mut Stack) -> R) -> R {
        let now = self.hub.now_ns();
        let (r, notes) = {
            let mut s = self.stack.lock();
            s.now_ns = s.now_ns.max(now);
            let r = f(&mut s);
            s.run();
            (r, s.collect())
        };
        for (q, ev) in notes {
            q.notify(ev);
        }
        r
    }

    /// Runs `f` on the stack without running it (read-only questions).
    pub(super) fn look<R>(&self, f: impl FnOnce(&mut Stack) -> R) -> R {
        f(&mut self.stack.lock())
    }

    /// Attaches the NIC and configures it from the stack's `NetConfig`
    /// (static addresses now, or a DHCP client); `seed` comes from the
    /// platform's random source (TCP sequence numbers, ports).
    pub fn attach(
        &self,
        dev: alloc::boxed::Box<dyn crate::net::NetDevice>,
        seed: u64,
        now_ns: u64,
    ) {
        let notes = {
            let mut s = self.stack.lock();
            s.now_ns = s.now_ns.max(now_ns);
            s.reseed(seed);
            s.attach_nic(dev, seed);
            s.run();
            s.collect()
        };
        for (q, ev) in notes {
            q.notify(ev);
        }
    }

    /// Runs the stack at `now_ns` (NIC interrupt, net timer); returns the
    /// next deadline and the announcement line to print, if due now.
    /// Never waits for the lock: if a system call holds it (it cannot on
    /// one CPU with interrupts off during calls), asks to be called in 1 ms.
    pub fn poll(&self, now_ns: u64) -> (Option<u64>, Option<String>) {
        let Some(mut s) = self.stack.try_lock() else {
            return (Some(now_ns + 1_000_000), None);
        };
        s.now_ns = s.now_ns.max(now_ns);
        s.run();
        let notes = s.collect();
        let line = s.announce.take();
        let next = s.timer;
        s.armed = Some(next);
        drop(s);
        for (q, ev) in notes {
            q.notify(ev);
        }
        (next, line)
    }

    /// Tells whether the NIC is configured (or there is none).
    pub fn ready(&self) -> bool {
        self.stack.lock().configured
    }

    /// Returns the stack's deadline if it changed since last asked
    /// (`Some(None)`: cancel the timer).
    pub fn take_timer_change(&self) -> Option<Option<u64>> {
        self.stack.lock().take_timer_change()
    }
}
