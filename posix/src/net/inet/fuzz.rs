//! The receive path's fuzzing entry: [`fuzz_receive`] builds a stack with
//! a fake NIC (static 10.0.2.15/24), a TCP listener, a TCP connection in
//! progress and a UDP socket, feeds arbitrary bytes as received Ethernet
//! frames, runs the stack and exercises the socket calls. Any panic is a
//! bug (smoltcp's or ours). Neighbours: `stack`, `object`.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;

use rumprun_config::net::{Ipv4Mode, Ipv6Mode, NetConfig};
use spin::Mutex;

use super::object::InetSocket;
use super::stack::Net;
use crate::net::addr::SockAddr;
use crate::net::socket::{AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM};
use crate::net::{MsgFlags, NetDevice, Offload, RxChecksum, RxFrame, Shutdown, Socket, TxChecksum};
use crate::vfs::etc::EtcConfig;
use crate::wait::WaitHub;

/// A NIC fed from a queue, dropping what is sent. It offers both
/// checksum offloads and vouches for every even-length frame, so the
/// fuzzer reaches smoltcp's parsers past the checksum with arbitrary
/// segments and also drives `csum::verify` and `csum::request`.
struct FuzzNic {
    rx: Arc<Mutex<VecDeque<Vec<u8>>>>,
}

impl NetDevice for FuzzNic {
    fn mac(&self) -> [u8; 6] {
        [0x52, 0x54, 0, 0x12, 0x34, 0x56]
    }
    fn mtu(&self) -> usize {
        1500
    }
    fn offload(&self) -> Offload {
        Offload {
            tx_checksum: true,
            rx_checksum: true,
        }
    }
    fn receive(&mut self) -> Option<RxFrame> {
        let data = self.rx.lock().pop_front()?;
        let checksum = if data.len() % 2 == 0 {
            RxChecksum::Verified
        } else {
            RxChecksum::Unverified
        };
        Some(RxFrame { data, checksum })
    }
    fn can_transmit(&mut self) -> bool {
        true
    }
    fn transmit(&mut self, _frame: &[u8], _csum: Option<TxChecksum>) -> bool {
        true
    }
}

/// Feeds `frames` to a fresh stack as received Ethernet frames (a NIC at
/// 10.0.2.15/24, gateway 10.0.2.2, IPv6 fe80::/64 and 2001:db8::15/64),
/// with a TCP listener on port 80 (v4 and v6), a TCP connect in progress
/// to 10.0.2.2:8080, and UDP sockets on port 53; runs the stack between
/// frames with the clock advancing, then calls accept, recv, send,
/// shutdown, poll and the address calls on everything. Never panics on
/// any input (that is what the fuzz target checks).
pub fn fuzz_receive(frames: &[&[u8]]) {
    let hub = WaitHub::new();
    hub.set_now(1_000_000_000);
    let cfg = NetConfig {
        ipv4: Ipv4Mode::Static {
            addr: [10, 0, 2, 15],
            prefix: 24,
            gateway: Some([10, 0, 2, 2]),
        },
        ipv6: Ipv6Mode::Static {
            addr: [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15],
            prefix: 64,
            gateway: None,
        },
        dns: Vec::new(),
        mtu: None,
    };
    let etc = EtcConfig::new("fuzz", 0, 0);
    let net = Net::new(&hub, "fuzz", cfg, etc.net);
    let rx = Arc::new(Mutex::new(VecDeque::new()));
    net.attach(Box::new(FuzzNic { rx: rx.clone() }), 42, hub.now_ns());
    let any4 = SockAddr::Inet {
        addr: [0; 4],
        port: 80,
    };
    let any6 = SockAddr::Inet6 {
        addr: [0; 16],
        port: 80,
        flowinfo: 0,
        scope_id: 0,
    };
    let l4 = InetSocket::new(&net, AF_INET, SOCK_STREAM, true);
    let _ = l4.bind_to(&any4);
    let _ = l4.listen(8);
    let l6 = InetSocket::new(&net, AF_INET6, SOCK_STREAM, true);
    let _ = l6.set_option(41, 26, &1i32.to_ne_bytes());
    let _ = l6.bind_to(&any6);
    let _ = l6.listen(8);
    let c = InetSocket::new(&net, AF_INET, SOCK_STREAM, true);
    let _ = c.connect_to(&SockAddr::Inet {
        addr: [10, 0, 2, 2],
        port: 8080,
    });
    let u = InetSocket::new(&net, AF_INET, SOCK_DGRAM, true);
    let _ = u.bind_to(&SockAddr::Inet {
        addr: [0; 4],
        port: 53,
    });
    let u6 = InetSocket::new(&net, AF_INET6, SOCK_DGRAM, true);
    let _ = u6.bind_to(&SockAddr::Inet6 {
        addr: [0; 16],
        port: 53,
        flowinfo: 0,
        scope_id: 0,
    });
    let mut accepted = Vec::new();
    let mut buf = [0u8; 2048];
    for (i, f) in frames.iter().enumerate() {
        rx.lock().push_back(f.to_vec());
        hub.set_now(hub.now_ns() + 1_000_000 * (1 + i as u64 % 500));
        let _ = net.poll(hub.now_ns());
        for l in [&l4, &l6] {
            if let Ok((s, _)) = l.accept(true) {
                accepted.push(s);
            }
        }
        for s in &accepted {
            if let Some(s) = s.as_socket() {
                let _ = s.recv(&mut buf, MsgFlags(MsgFlags::PEEK));
                let _ = s.recv(&mut buf, MsgFlags::default());
                let _ = s.readable_bytes();
                let _ = s.peer_addr();
            }
            let _ = s.write(b"reply");
            let _ = s.poll();
        }
        for s in [&u, &u6] {
            if let Ok(r) = s.recv(&mut buf, MsgFlags::default()) {
                if let Some(from) = r.from {
                    let _ = s.send_to(&buf[..r.len], Some(&from), MsgFlags::default());
                }
            }
            let _ = s.readable_bytes();
        }
        let _ = c.finish_connect();
        let _ = c.recv(&mut buf, MsgFlags::default());
        let _ = c.send_to(b"data", None, MsgFlags::default());
        let _ = c.take_error();
        let _ = c.local_addr();
    }
    for s in &accepted {
        if let Some(s) = s.as_socket() {
            let _ = s.shutdown(Shutdown::Write);
        }
    }
    let _ = c.shutdown(Shutdown::Both);
    hub.set_now(hub.now_ns() + 300_000_000_000);
    let _ = net.poll(hub.now_ns());
    drop(accepted);
    let _ = net.poll(hub.now_ns() + 1);
}
