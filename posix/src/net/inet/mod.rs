//! AF_INET and AF_INET6 sockets (TCP, UDP) on smoltcp 0.14, whose types
//! never leave this module.
//!
//! How the pieces meet:
//! - [`Net`] (in `stack`) is the one network stack: two smoltcp
//!   interfaces (loopback with 127.0.0.1/8, ::1 and the NIC's own
//!   addresses; the NIC once attached), each with its own socket set.
//!   The process keeps it as `State::net: Arc<Net>` (and `Process` keeps a
//!   clone for the interrupt path); the syscall layer reaches it as
//!   `cx.st.net` and creates sockets with
//!   [`socket`]`(&cx.st.net, domain, ty, protocol, nonblock)`.
//! - Socket objects ([`InetSocket`], in `object`) hold an `Arc<Net>` and
//!   an entry id; every socket call runs the stack at once (so loopback
//!   traffic and NIC egress happen inside the call) and notifies the wait
//!   queues of sockets whose poll mask changed. The clock is the syscall's
//!   (`WaitHub::now_ns`).
//! - The kernel hooks (`Process::attach_nic`, `net_poll`, `net_ready`)
//!   call [`Net::attach`], [`Net::poll`] and [`Net::ready`];
//!   `Process::syscall` hands [`Net::take_timer_change`] to
//!   `Platform::set_net_timer` after each call.
//! - `config` configures the NIC (static or DHCPv4; IPv6 static or
//!   link-local) and keeps /etc/hosts and /etc/resolv.conf current;
//!   `tcp`/`udp` are the protocol state machines, `ready` the poll bits
//!   (Linux's `tcp_poll`/`udp_poll`), `opts` the protocol options.
//! - `ifaces` answers [`Net::interfaces`] (plain `net::iface` data for
//!   rtnetlink and the SIOCGIF* ioctls).
//! - [`fuzz_receive`] feeds arbitrary frames through a NIC into the stack
//!   and the socket calls (the fuzz target's entry point).

/// Returns `(protocol state, options, domain)` of entry `id` of a
/// `Stack` when it is of protocol `$proto` (`Tcp` or `Udp`), else returns
/// ENOTSOCK from the caller (a stale entry; cannot happen for a live
/// object). Defined before the modules so `tcp` and `udp` can use it.
macro_rules! entry_of {
    ($s:expr, $id:expr, $proto:ident) => {
        match $s.entries.get_mut(&$id) {
            Some(super::stack::Entry {
                proto: Proto::$proto(state),
                opts,
                domain,
                ..
            }) => (state, opts, *domain),
            _ => return err(Errno::ENOTSOCK, "stale inet socket"),
        }
    };
}

mod config;
mod csum;
mod device;
mod endpoint;
mod fuzz;
mod ifaces;
mod object;
mod opts;
mod ready;
mod stack;
mod tcp;
mod udp;

#[cfg(test)]
mod tests;

use alloc::sync::Arc;

pub use fuzz::fuzz_receive;
pub use object::InetSocket;
pub use stack::Net;

use crate::errno::{Errno, SysResult};
use crate::fd::FileOps;
use crate::net::socket::{AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM};
use crate::vfs::error::err;

/// A zeroed buffer of `n` bytes, or `None` if the heap cannot hold it
/// (`Vec::try_reserve_exact`): socket buffers are the stack's large
/// allocations, and a program opening many sockets must get ENOBUFS
/// (socket(7)) rather than stop the kernel.
pub(crate) fn try_zeroed(n: usize) -> Option<alloc::vec::Vec<u8>> {
    let mut v = alloc::vec::Vec::new();
    v.try_reserve_exact(n).ok()?;
    v.resize(n, 0);
    Some(v)
}

/// Creates an AF_INET/AF_INET6 socket for socket(2): `ty` without the
/// SOCK_NONBLOCK/SOCK_CLOEXEC bits, `protocol` 0 or the type's own
/// (IPPROTO_TCP 6, IPPROTO_UDP 17), `nonblock` from SOCK_NONBLOCK.
///
/// # Errors
/// EAFNOSUPPORT for another domain; ESOCKTNOSUPPORT for a type other than
/// SOCK_STREAM/SOCK_DGRAM; EPROTONOSUPPORT for a protocol that does not
/// match the type (`inet_create`, net/ipv4/af_inet.c).
pub fn socket(
    net: &Arc<Net>,
    domain: i32,
    ty: i32,
    protocol: i32,
    nonblock: bool,
) -> SysResult<Arc<dyn FileOps>> {
    if domain != AF_INET && domain != AF_INET6 {
        return err(Errno::EAFNOSUPPORT, "not an inet domain");
    }
    if !object::supported_type(ty) {
        return err(Errno::ESOCKTNOSUPPORT, "socket type not supported");
    }
    let ok = match ty {
        SOCK_STREAM => protocol == 0 || protocol == opts::IPPROTO_TCP,
        SOCK_DGRAM => protocol == 0 || protocol == opts::IPPROTO_UDP,
        _ => false,
    };
    if !ok {
        return err(
            Errno::EPROTONOSUPPORT,
            "protocol does not match the socket type",
        );
    }
    Ok(InetSocket::new(net, domain, ty, nonblock))
}
