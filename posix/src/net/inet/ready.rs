//! Poll masks of inet sockets exactly as Linux computes them: `tcp_poll`
//! (net/ipv4/tcp.c) and `udp_poll`/`datagram_poll` (net/core/datagram.c).
//! A fresh TCP socket is TCP_CLOSE: POLLOUT|POLLHUP; a peer FIN adds
//! POLLIN|POLLRDHUP; a reset is POLLERR|POLLHUP|POLLIN|POLLRDHUP|POLLOUT;
//! a listener is POLLIN while a connection waits. Neighbours: `stack`
//! (calls [`Stack::mask_of`] after every run), `tcp`, `udp`.

use smoltcp::socket::{tcp::State, udp};

use super::stack::{Proto, Stack};
use super::tcp::TcpSt;
use crate::event::ev;

impl Stack {
    /// Returns entry `id`'s poll mask and its readable byte count.
    pub(super) fn mask_of(&mut self, id: u64) -> (u32, usize) {
        let Some(e) = self.entries.get(&id) else {
            return (0, 0);
        };
        match &e.proto {
            Proto::Tcp(t) => {
                let mut m = 0;
                let (state_close, syn_sent, rxq, wspace) = match &t.st {
                    TcpSt::Listen(l) => {
                        // inet_csk_listen_poll.
                        let m = if l.ready.is_empty() {
                            0
                        } else {
                            ev::IN | ev::RDNORM
                        };
                        return (m, l.ready.len());
                    }
                    TcpSt::Closed => (true, false, 0, true),
                    TcpSt::Conn(c) => {
                        let s = self.ifs.tcp(c.w, c.h);
                        let free = s.send_capacity() - s.send_queue();
                        // sk_stream_is_writeable: free space at least half
                        // of what is queued.
                        let writable = free > 0 && free * 2 >= s.send_queue();
                        (
                            c.finished,
                            matches!(c.prev, State::SynSent | State::SynReceived),
                            s.recv_queue(),
                            writable,
                        )
                    }
                };
                if (t.rcv_shut && t.snd_shut) || state_close {
                    m |= ev::HUP;
                }
                if t.rcv_shut {
                    m |= ev::IN | ev::RDNORM | ev::RDHUP;
                }
                if !syn_sent {
                    if rxq > 0 {
                        m |= ev::IN | ev::RDNORM;
                    }
                    if !t.snd_shut {
                        if wspace {
                            m |= ev::OUT | ev::WRNORM;
                        }
                    } else {
                        m |= ev::OUT | ev::WRNORM;
                    }
                }
                if t.err != 0 {
                    m |= ev::ERR;
                }
                (m, rxq)
            }
            Proto::Udp(u) => {
                let mut m = 0;
                if u.rcv_shut {
                    m |= ev::RDHUP | ev::IN | ev::RDNORM;
                }
                if u.rcv_shut && u.snd_shut {
                    m |= ev::HUP;
                }
                let socks = u.socks.clone();
                let mut rxq = 0;
                let mut writable = socks.is_empty();
                for (w, h) in socks {
                    let s = self.ifs.set(w).get_mut::<udp::Socket<'static>>(h);
                    // All queued bytes, so each new datagram raises the
                    // count and notifies edge-triggered waiters.
                    if s.can_recv() {
                        rxq += s.recv_queue().max(1);
                    }
                    writable |= s.can_send();
                }
                if rxq > 0 {
                    m |= ev::IN | ev::RDNORM;
                }
                if writable {
                    m |= ev::OUT | ev::WRNORM | ev::WRBAND;
                }
                (m, rxq)
            }
        }
    }
}
