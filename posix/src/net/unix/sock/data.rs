//! Moving data and readiness for [`Sock`]: send (streams into the
//! peer's byte queue, records into the receiver's message queue, both
//! charged to the sender's SO_SNDBUF), recv (MSG_PEEK, truncation, end of
//! file and the pending error), and the poll mask of `unix_poll` and
//! `unix_dgram_poll` (net/unix/af_unix.c).

use alloc::sync::Arc;
use core::sync::atomic::Ordering;

use super::{from_of, wake, Conn, Kind, Msg, Sock, BOTH, MSG_OVERHEAD, RCV, SEND};
use crate::errno::{Errno, SysResult};
use crate::event::ev;
use crate::net::unix::MAX_DGRAM_QLEN;
use crate::net::{MsgFlags, Received, UnixAddr};
use crate::vfs::error::{err, error};

impl Sock {
    // ---- data ------------------------------------------------------

    /// Sends `data`: to `target` (a datagram socket's resolved `to`), or
    /// the peer. `named` tells whether the caller gave an address.
    ///
    /// # Errors
    /// EOPNOTSUPP (MSG_OOB, or an address on an unconnected stream),
    /// EISCONN (an address on a connected stream), ENOTCONN, EPIPE (shut
    /// down, or the peer closed), ECONNREFUSED (a connected datagram peer
    /// closed), EPERM, EMSGSIZE, EAGAIN when there is no room.
    pub(in crate::net::unix) fn send(
        &self,
        data: &[u8],
        named: bool,
        target: Option<Arc<Sock>>,
        flags: MsgFlags,
    ) -> SysResult<usize> {
        if flags.has(MsgFlags::OOB) {
            return err(Errno::EOPNOTSUPP, "MSG_OOB on an AF_UNIX socket");
        }
        match self.kind {
            Kind::Stream => self.send_stream(data, named),
            Kind::Seqpacket => {
                let peer = {
                    let st = self.st.lock();
                    if !matches!(st.conn, Conn::Connected) {
                        return err(Errno::ENOTCONN, "seqpacket socket not connected");
                    }
                    st.peer.clone()
                };
                let peer = peer.ok_or(error(Errno::ENOTCONN, "no peer"))?;
                self.send_msg(&peer, data, false)
            }
            Kind::Dgram => {
                let (t, connected) = match target {
                    Some(t) => (t, false),
                    None => (
                        self.st
                            .lock()
                            .peer
                            .clone()
                            .ok_or(error(Errno::ENOTCONN, "datagram socket not connected"))?,
                        true,
                    ),
                };
                self.send_msg(&t, data, connected)
            }
        }
    }

    fn send_stream(&self, data: &[u8], named: bool) -> SysResult<usize> {
        let peer = {
            let st = self.st.lock();
            if named {
                if matches!(st.conn, Conn::Connected) {
                    return err(Errno::EISCONN, "address given on a connected stream");
                }
                return err(Errno::EOPNOTSUPP, "address given on a stream socket");
            }
            let peer = st
                .peer
                .clone()
                .ok_or(error(Errno::ENOTCONN, "stream socket not connected"))?;
            if st.shutdown & SEND != 0 {
                return err(Errno::EPIPE, "stream shut down for writing");
            }
            peer
        };
        if data.is_empty() {
            return Ok(0);
        }
        let room = self.sndbuf().saturating_sub(self.wmem());
        let n = {
            let mut pst = peer.st.lock();
            if pst.dead || pst.shutdown & RCV != 0 {
                return err(Errno::EPIPE, "peer closed its end");
            }
            if room == 0 {
                return err(Errno::EAGAIN, "send buffer full");
            }
            let n = room.min(data.len());
            pst.bytes.extend(&data[..n]);
            n
        };
        self.wmem.fetch_add(n, Ordering::Relaxed);
        peer.queue.notify(ev::IN | ev::RDNORM);
        Ok(n)
    }

    /// Queues one record at `t` (unix_dgram_sendmsg).
    fn send_msg(&self, t: &Arc<Sock>, data: &[u8], connected: bool) -> SysResult<usize> {
        let sndbuf = self.sndbuf();
        if data.len() > sndbuf.saturating_sub(32) {
            return err(Errno::EMSGSIZE, "datagram larger than SO_SNDBUF");
        }
        let from = {
            let st = self.st.lock();
            // sock_alloc_send_pskb: EPIPE once shut down for sending.
            if st.shutdown & SEND != 0 {
                return err(Errno::EPIPE, "socket shut down for writing");
            }
            st.addr.clone()
        };
        let me = self.arc();
        let charge = data.len() + MSG_OVERHEAD;
        {
            let mut tst = t.st.lock();
            if tst.dead {
                drop(tst);
                if self.kind == Kind::Seqpacket {
                    return err(Errno::EPIPE, "seqpacket peer closed");
                }
                if connected {
                    // The connected peer is gone: dissolve, ECONNREFUSED.
                    let was = {
                        let mut st = self.st.lock();
                        let was = st.peer.as_ref().is_some_and(|p| Arc::ptr_eq(p, t));
                        if was {
                            st.peer = None;
                        }
                        was
                    };
                    if was {
                        self.dgram_disconnected(t);
                    }
                }
                return err(Errno::ECONNREFUSED, "datagram peer closed");
            }
            let back_to_me = tst.peer.as_ref().is_some_and(|p| Arc::ptr_eq(p, &me));
            if self.kind == Kind::Dgram && tst.peer.is_some() && !back_to_me {
                return err(Errno::EPERM, "datagram peer is connected elsewhere");
            }
            if tst.shutdown & RCV != 0 {
                return err(Errno::EPIPE, "peer shut down for reading");
            }
            if self.kind == Kind::Dgram && !back_to_me && tst.msgs.len() > MAX_DGRAM_QLEN {
                super::add_waiter(&mut tst.room_waiters, &self.me);
                return err(Errno::EAGAIN, "receive queue full");
            }
            let used = self.wmem();
            if used > 0 && used + charge > sndbuf {
                return err(Errno::EAGAIN, "send buffer full");
            }
            tst.msgs.push_back(Msg {
                data: data.to_vec(),
                from,
                sender: self.me.clone(),
                charge,
            });
        }
        self.wmem.fetch_add(charge, Ordering::Relaxed);
        t.queue.notify(ev::IN | ev::RDNORM);
        Ok(data.len())
    }

    /// Receives into `buf`; `nonblock` is the caller's mode (a shut-down
    /// datagram socket reads end of file only when it would block).
    ///
    /// # Errors
    /// EINVAL (unconnected stream), ENOTCONN (unconnected seqpacket),
    /// EOPNOTSUPP (MSG_OOB), the pending error (ECONNRESET), EAGAIN.
    pub(in crate::net::unix) fn recv(
        &self,
        buf: &mut [u8],
        flags: MsgFlags,
        nonblock: bool,
    ) -> SysResult<Received> {
        if flags.has(MsgFlags::OOB) {
            return err(Errno::EOPNOTSUPP, "MSG_OOB on an AF_UNIX socket");
        }
        let peek = flags.has(MsgFlags::PEEK);
        if self.kind == Kind::Stream {
            return self.recv_stream(buf, peek);
        }
        let (msg_len, n, from, sender) = {
            let mut st = self.st.lock();
            if self.kind == Kind::Seqpacket && !matches!(st.conn, Conn::Connected) {
                return err(Errno::ENOTCONN, "seqpacket socket not connected");
            }
            let Some(m) = st.msgs.front() else {
                if let Some(e) = st.err.take() {
                    return err(e, "pending socket error");
                }
                if st.shutdown & RCV != 0 && (self.kind == Kind::Seqpacket || !nonblock) {
                    return Ok(Received::default());
                }
                return err(Errno::EAGAIN, "no datagram queued");
            };
            let n = buf.len().min(m.data.len());
            buf[..n].copy_from_slice(&m.data[..n]);
            let (len, from) = (m.data.len(), m.from.clone());
            let sender = if peek {
                None
            } else {
                st.msgs.pop_front().map(|m| (m.sender, m.charge))
            };
            (len, n, from, sender)
        };
        if let Some((s, charge)) = sender {
            if let Some(s) = s.upgrade() {
                s.uncharge(charge);
            }
            let waiters = core::mem::take(&mut self.st.lock().room_waiters);
            wake(waiters, ev::OUT | ev::WRNORM);
        }
        Ok(Received {
            len: n,
            full_len: msg_len,
            from: from_of(from),
        })
    }

    fn recv_stream(&self, buf: &mut [u8], peek: bool) -> SysResult<Received> {
        let (n, peer) = {
            let mut st = self.st.lock();
            if !matches!(st.conn, Conn::Connected) {
                return err(Errno::EINVAL, "recv on an unconnected stream socket");
            }
            if st.bytes.is_empty() {
                if let Some(e) = st.err.take() {
                    return err(e, "pending socket error");
                }
                if st.shutdown & RCV != 0 {
                    return Ok(Received::default());
                }
                return err(Errno::EAGAIN, "nothing to read");
            }
            let n = buf.len().min(st.bytes.len());
            let (a, b) = st.bytes.as_slices();
            let k = n.min(a.len());
            buf[..k].copy_from_slice(&a[..k]);
            buf[k..n].copy_from_slice(&b[..n - k]);
            if !peek {
                st.bytes.drain(..n);
            }
            (n, st.peer.clone())
        };
        let from = peer.as_ref().map_or(UnixAddr::Unnamed, |p| p.addr());
        if let Some(p) = peer.filter(|_| !peek && n > 0) {
            p.uncharge(n);
        }
        Ok(Received {
            len: n,
            full_len: n,
            from: from_of(from),
        })
    }

    // ---- readiness -------------------------------------------------

    /// The poll mask (unix_poll for streams, unix_dgram_poll otherwise).
    pub(in crate::net::unix) fn poll(&self) -> u32 {
        let writable_base = {
            let w = self.wmem();
            w.saturating_mul(4) <= self.sndbuf()
        };
        let (mut m, listening, peer) = {
            let st = self.st.lock();
            let mut m = 0;
            if st.err.is_some() {
                m |= ev::ERR;
            }
            if st.shutdown == BOTH {
                m |= ev::HUP;
            }
            if st.shutdown & RCV != 0 {
                m |= ev::RDHUP | ev::IN | ev::RDNORM;
            }
            let queued = match &st.conn {
                Conn::Listening { pending, .. } => !pending.is_empty(),
                _ => !st.bytes.is_empty() || !st.msgs.is_empty(),
            };
            if queued {
                m |= ev::IN | ev::RDNORM;
            }
            if self.kind.connected_kind() && matches!(st.conn, Conn::Unconnected) {
                m |= ev::HUP;
            }
            let listening = matches!(st.conn, Conn::Listening { .. });
            (m, listening, st.peer.clone())
        };
        let mut writable = !listening && writable_base;
        if writable && self.kind == Kind::Dgram {
            if let Some(p) = peer {
                let pst = p.st.lock();
                let back = pst
                    .peer
                    .as_ref()
                    .is_some_and(|x| core::ptr::eq(Arc::as_ptr(x), self));
                if !back && pst.msgs.len() > MAX_DGRAM_QLEN {
                    writable = false;
                }
            }
        }
        if writable {
            m |= ev::OUT | ev::WRNORM | ev::WRBAND;
        }
        m
    }
}
