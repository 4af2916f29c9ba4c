//! Networking: the socket layer behind socket(2) and friends. `device`
//! is what the kernel hands in (a NIC moving Ethernet frames); `inet`
//! wraps smoltcp (whose types never leave that module) for AF_INET and
//! AF_INET6 over the NIC and the loopback interface; `unix` is AF_UNIX
//! streams and datagrams; `netlink` is AF_NETLINK/NETLINK_ROUTE over
//! `iface` (the interfaces as plain data); `addr` converts `struct
//! sockaddr` once at the boundary. Every socket object implements both `fd::FileOps` (read,
//! write, poll, wait queue) and [`Socket`] (the socket calls), which the
//! handlers in `sys/socket.rs`, `sys/sockmsg.rs` and `sys/sockopt.rs`
//! reach through `FileOps::as_socket`.

pub mod device;

pub use device::{NetDevice, Offload, RxChecksum, RxFrame, TxChecksum};
pub mod addr;
pub mod iface;
pub mod inet;
pub mod netlink;
pub mod socket;
pub mod unix;

pub use addr::{SockAddr, UnixAddr};
pub use socket::{
    Connecting, MsgFlags, Received, Shutdown, SockCommon, SockEnv, SockOptions, Socket,
};
