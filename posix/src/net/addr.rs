//! `struct sockaddr` in and out, converted once at the syscall boundary
//! (linux/in.h `sockaddr_in`, linux/in6.h `sockaddr_in6`, linux/un.h
//! `sockaddr_un`, linux/netlink.h `sockaddr_nl`; unix(7) for the three
//! kinds of AF_UNIX address).
//! Neighbours: `net::socket` (methods take [`SockAddr`]), `sys/socket.rs`
//! (copies the bytes).

use alloc::vec::Vec;

use crate::errno::{Errno, SysResult};
use crate::net::socket::{AF_INET, AF_INET6, AF_UNIX};
use crate::vfs::error::err;

/// `AF_UNSPEC`: connect(2) with it dissolves a datagram association.
pub const AF_UNSPEC: i32 = 0;
/// `sizeof(struct sockaddr_in)`.
pub const SOCKADDR_IN_LEN: usize = 16;
/// `sizeof(struct sockaddr_in6)`.
pub const SOCKADDR_IN6_LEN: usize = 28;
/// `sizeof(struct sockaddr_un)`: family plus a 108-byte path.
pub const SOCKADDR_UN_LEN: usize = 110;
/// `sizeof(struct sockaddr_nl)`.
pub const SOCKADDR_NL_LEN: usize = 12;
/// `AF_NETLINK`.
pub const AF_NETLINK: i32 = 16;
/// `sizeof(struct sockaddr_storage)`: the most any address takes.
pub const SOCKADDR_STORAGE_LEN: usize = 128;

/// An AF_UNIX address (unix(7), "Address format").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnixAddr {
    /// Not bound (an unbound socket, or a socketpair end).
    Unnamed,
    /// A filesystem path (bytes without the trailing NUL).
    Path(Vec<u8>),
    /// An abstract name: the bytes after the leading NUL.
    Abstract(Vec<u8>),
}

/// A socket address of one of the families we speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SockAddr {
    /// `AF_UNSPEC` (only as connect's "dissolve" request).
    Unspec,
    /// `AF_INET`: address and port in host order.
    Inet {
        /// The address bytes, network order.
        addr: [u8; 4],
        /// The port.
        port: u16,
    },
    /// `AF_INET6`.
    Inet6 {
        /// The address bytes, network order.
        addr: [u8; 16],
        /// The port.
        port: u16,
        /// `sin6_flowinfo`.
        flowinfo: u32,
        /// `sin6_scope_id`.
        scope_id: u32,
    },
    /// `AF_UNIX`.
    Unix(UnixAddr),
    /// `AF_NETLINK` (linux/netlink.h `sockaddr_nl`).
    Netlink {
        /// `nl_pid`: the port id (0: the kernel).
        pid: u32,
        /// `nl_groups`: a bitmap of multicast groups.
        groups: u32,
    },
}

impl SockAddr {
    /// Parses the `addrlen` bytes a program passed. EINVAL for a length
    /// too short for the family; EAFNOSUPPORT for a family we do not speak.
    pub fn parse(b: &[u8]) -> SysResult<SockAddr> {
        if b.len() < 2 {
            return err(Errno::EINVAL, "sockaddr shorter than its family");
        }
        let family = i32::from(u16::from_ne_bytes([b[0], b[1]]));
        match family {
            AF_UNSPEC => Ok(SockAddr::Unspec),
            AF_INET => {
                if b.len() < SOCKADDR_IN_LEN {
                    return err(Errno::EINVAL, "sockaddr_in too short");
                }
                Ok(SockAddr::Inet {
                    port: u16::from_be_bytes([b[2], b[3]]),
                    addr: [b[4], b[5], b[6], b[7]],
                })
            }
            AF_INET6 => {
                // ipv6(7): addrlen must be at least SIN6_LEN_RFC2133 (24).
                if b.len() < 24 {
                    return err(Errno::EINVAL, "sockaddr_in6 too short");
                }
                let mut addr = [0u8; 16];
                addr.copy_from_slice(&b[8..24]);
                let scope_id = if b.len() >= SOCKADDR_IN6_LEN {
                    u32::from_ne_bytes([b[24], b[25], b[26], b[27]])
                } else {
                    0
                };
                Ok(SockAddr::Inet6 {
                    port: u16::from_be_bytes([b[2], b[3]]),
                    flowinfo: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
                    addr,
                    scope_id,
                })
            }
            AF_UNIX => {
                let path = &b[2..b.len().min(SOCKADDR_UN_LEN)];
                if path.is_empty() {
                    return Ok(SockAddr::Unix(UnixAddr::Unnamed));
                }
                if path[0] == 0 {
                    // unix(7): the abstract name is all of addrlen's bytes.
                    return Ok(SockAddr::Unix(UnixAddr::Abstract(path[1..].to_vec())));
                }
                // A path ends at the first NUL (unix(7), "Pathname sockets").
                let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
                Ok(SockAddr::Unix(UnixAddr::Path(path[..end].to_vec())))
            }
            AF_NETLINK => {
                if b.len() < SOCKADDR_NL_LEN {
                    return err(Errno::EINVAL, "sockaddr_nl too short");
                }
                Ok(SockAddr::Netlink {
                    pid: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
                    groups: u32::from_ne_bytes([b[8], b[9], b[10], b[11]]),
                })
            }
            _ => err(Errno::EAFNOSUPPORT, "address family not supported"),
        }
    }

    /// The `AF_*` family.
    pub fn family(&self) -> i32 {
        match self {
            SockAddr::Unspec => AF_UNSPEC,
            SockAddr::Inet { .. } => AF_INET,
            SockAddr::Inet6 { .. } => AF_INET6,
            SockAddr::Unix(_) => AF_UNIX,
            SockAddr::Netlink { .. } => AF_NETLINK,
        }
    }

    /// The bytes the kernel writes back (getsockname, accept, recvfrom);
    /// their length is the `addrlen` reported, even when the caller's
    /// buffer is shorter (the copy is truncated, the length is not).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(SOCKADDR_IN6_LEN);
        v.extend_from_slice(&(self.family() as u16).to_ne_bytes());
        match self {
            SockAddr::Unspec => {}
            SockAddr::Inet { addr, port } => {
                v.extend_from_slice(&port.to_be_bytes());
                v.extend_from_slice(addr);
                v.extend_from_slice(&[0; 8]);
            }
            SockAddr::Inet6 {
                addr,
                port,
                flowinfo,
                scope_id,
            } => {
                v.extend_from_slice(&port.to_be_bytes());
                v.extend_from_slice(&flowinfo.to_be_bytes());
                v.extend_from_slice(addr);
                v.extend_from_slice(&scope_id.to_ne_bytes());
            }
            SockAddr::Unix(UnixAddr::Unnamed) => {}
            SockAddr::Unix(UnixAddr::Path(p)) => {
                // Linux reports the path plus its NUL (unix(7)).
                v.extend_from_slice(p);
                v.push(0);
            }
            SockAddr::Unix(UnixAddr::Abstract(n)) => {
                v.push(0);
                v.extend_from_slice(n);
            }
            SockAddr::Netlink { pid, groups } => {
                v.extend_from_slice(&[0, 0]); // nl_pad
                v.extend_from_slice(&pid.to_ne_bytes());
                v.extend_from_slice(&groups.to_ne_bytes());
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_round_trips_with_port_in_network_order() {
        let a = SockAddr::Inet {
            addr: [127, 0, 0, 1],
            port: 8080,
        };
        let b = a.to_bytes();
        assert_eq!(b.len(), SOCKADDR_IN_LEN);
        assert_eq!(&b[2..4], &[0x1f, 0x90]);
        assert_eq!(SockAddr::parse(&b).unwrap(), a);
    }

    #[test]
    fn inet6_round_trips() {
        let mut addr = [0u8; 16];
        addr[15] = 1;
        let a = SockAddr::Inet6 {
            addr,
            port: 443,
            flowinfo: 0,
            scope_id: 3,
        };
        let b = a.to_bytes();
        assert_eq!(b.len(), SOCKADDR_IN6_LEN);
        assert_eq!(SockAddr::parse(&b).unwrap(), a);
    }

    #[test]
    fn unix_paths_abstract_and_unnamed() {
        let mut b = (AF_UNIX as u16).to_ne_bytes().to_vec();
        b.extend_from_slice(b"/tmp/s\0garbage");
        assert_eq!(
            SockAddr::parse(&b).unwrap(),
            SockAddr::Unix(UnixAddr::Path(b"/tmp/s".to_vec()))
        );
        let mut b = (AF_UNIX as u16).to_ne_bytes().to_vec();
        b.extend_from_slice(b"\0name\0x");
        assert_eq!(
            SockAddr::parse(&b).unwrap(),
            SockAddr::Unix(UnixAddr::Abstract(b"name\0x".to_vec()))
        );
        let b = (AF_UNIX as u16).to_ne_bytes().to_vec();
        assert_eq!(
            SockAddr::parse(&b).unwrap(),
            SockAddr::Unix(UnixAddr::Unnamed)
        );
        assert_eq!(
            SockAddr::Unix(UnixAddr::Path(b"/a".to_vec()))
                .to_bytes()
                .len(),
            5
        );
    }

    #[test]
    fn short_and_unknown_families_are_errors() {
        assert_eq!(SockAddr::parse(&[2]).unwrap_err().errno, Errno::EINVAL);
        assert_eq!(
            SockAddr::parse(&[2, 0, 0, 80]).unwrap_err().errno,
            Errno::EINVAL
        );
        assert_eq!(
            SockAddr::parse(&[17, 0, 0, 0]).unwrap_err().errno,
            Errno::EAFNOSUPPORT
        );
    }
}
