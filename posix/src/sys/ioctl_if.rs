//! The interface ioctls on a socket (netdevice(7); linux/sockios.h,
//! linux/if.h `struct ifreq`/`struct ifconf`), answered from
//! `net::inet::Net::interfaces` as Linux answers them:
//! - any socket (`dev_ioctl`, `dev_ifconf`): SIOCGIFCONF, SIOCGIFNAME,
//!   SIOCGIFINDEX, SIOCGIFFLAGS, SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFHWADDR,
//!   SIOCGIFTXQLEN, SIOCGIFMAP;
//! - AF_INET sockets only (`devinet_ioctl`; ENOTTY elsewhere):
//!   SIOCGIFADDR, SIOCGIFDSTADDR, SIOCGIFBRDADDR, SIOCGIFNETMASK.
//!
//! An unknown interface is ENODEV; one without an IPv4 address gives
//! EADDRNOTAVAIL for the address requests. The SIOCS* requests (and the
//! routing table's SIOCADDRT/SIOCDELRT) are EPERM, what Linux answers a
//! process without CAP_NET_ADMIN: the program cannot reconfigure the
//! unikernel's interfaces. Neighbour: `sys::ioctl` (dispatch).

use alloc::sync::Arc;

use crate::bail;
use crate::errno::SysResult;
use crate::fd::FileOps;
use crate::net::iface::{by_index, by_name, Interface, TXQLEN};
use crate::net::socket::AF_INET;
use crate::platform::UserAddr;
use crate::process::Cx;

/// linux/sockios.h request numbers.
mod req {
    pub const SIOCADDRT: u32 = 0x890b;
    pub const SIOCDELRT: u32 = 0x890c;
    pub const SIOCGIFNAME: u32 = 0x8910;
    pub const SIOCGIFCONF: u32 = 0x8912;
    pub const SIOCGIFFLAGS: u32 = 0x8913;
    pub const SIOCSIFFLAGS: u32 = 0x8914;
    pub const SIOCGIFADDR: u32 = 0x8915;
    pub const SIOCSIFADDR: u32 = 0x8916;
    pub const SIOCGIFDSTADDR: u32 = 0x8917;
    pub const SIOCSIFDSTADDR: u32 = 0x8918;
    pub const SIOCGIFBRDADDR: u32 = 0x8919;
    pub const SIOCSIFBRDADDR: u32 = 0x891a;
    pub const SIOCGIFNETMASK: u32 = 0x891b;
    pub const SIOCSIFNETMASK: u32 = 0x891c;
    pub const SIOCGIFMETRIC: u32 = 0x891d;
    pub const SIOCSIFMETRIC: u32 = 0x891e;
    pub const SIOCGIFMTU: u32 = 0x8921;
    pub const SIOCSIFMTU: u32 = 0x8922;
    pub const SIOCSIFNAME: u32 = 0x8923;
    pub const SIOCSIFHWADDR: u32 = 0x8924;
    pub const SIOCGIFHWADDR: u32 = 0x8927;
    pub const SIOCADDMULTI: u32 = 0x8931;
    pub const SIOCDELMULTI: u32 = 0x8932;
    pub const SIOCGIFINDEX: u32 = 0x8933;
    pub const SIOCDIFADDR: u32 = 0x8936;
    pub const SIOCSIFHWBROADCAST: u32 = 0x8937;
    pub const SIOCGIFTXQLEN: u32 = 0x8942;
    pub const SIOCSIFTXQLEN: u32 = 0x8943;
    pub const SIOCGIFMAP: u32 = 0x8970;
    pub const SIOCSIFMAP: u32 = 0x8971;
}
use req::*;

/// `sizeof(struct ifreq)`: a 16-byte name and a 24-byte union.
const IFREQ_LEN: usize = 40;
/// `IFNAMSIZ`.
const IFNAMSIZ: usize = 16;
/// `sizeof(struct ifconf)`: `int ifc_len`, padding, a pointer.
const IFCONF_LEN: usize = 16;

/// The requests that only an AF_INET socket's `devinet_ioctl` takes.
const INET_ONLY: [u32; 8] = [
    SIOCGIFADDR,
    SIOCGIFDSTADDR,
    SIOCGIFBRDADDR,
    SIOCGIFNETMASK,
    SIOCSIFADDR,
    SIOCSIFDSTADDR,
    SIOCSIFBRDADDR,
    SIOCSIFNETMASK,
];

/// Requests that would change an interface or route.
const SETTERS: [u32; 17] = [
    SIOCADDRT,
    SIOCDELRT,
    SIOCSIFFLAGS,
    SIOCSIFADDR,
    SIOCSIFDSTADDR,
    SIOCSIFBRDADDR,
    SIOCSIFNETMASK,
    SIOCSIFMETRIC,
    SIOCSIFMTU,
    SIOCSIFNAME,
    SIOCSIFHWADDR,
    SIOCADDMULTI,
    SIOCDELMULTI,
    SIOCDIFADDR,
    SIOCSIFHWBROADCAST,
    SIOCSIFTXQLEN,
    SIOCSIFMAP,
];

/// Tells whether `request` is an interface ioctl this file answers.
pub(crate) fn handles(request: u32) -> bool {
    matches!(
        request,
        SIOCGIFNAME
            | SIOCGIFCONF
            | SIOCGIFFLAGS
            | SIOCGIFADDR
            | SIOCGIFDSTADDR
            | SIOCGIFBRDADDR
            | SIOCGIFNETMASK
            | SIOCGIFMETRIC
            | SIOCGIFMTU
            | SIOCGIFHWADDR
            | SIOCGIFINDEX
            | SIOCGIFTXQLEN
            | SIOCGIFMAP
    ) || SETTERS.contains(&request)
}

/// ioctl(socket, request, arg) for an interface request ([`handles`]).
///
/// # Errors
/// ENOTTY (an AF_INET-only request on another socket), EPERM (SIOCS*),
/// ENODEV, EADDRNOTAVAIL, EFAULT.
pub(crate) fn ioctl_if(
    cx: &mut Cx<'_>,
    f: &Arc<dyn FileOps>,
    request: u32,
    arg: UserAddr,
) -> SysResult<u64> {
    let inet = f.as_socket().is_some_and(|s| s.domain() == AF_INET);
    if INET_ONLY.contains(&request) && !inet {
        bail!(ENOTTY, "interface address ioctl on a non-AF_INET socket");
    }
    if SETTERS.contains(&request) {
        bail!(
            EPERM,
            "interfaces cannot be reconfigured (no CAP_NET_ADMIN)"
        );
    }
    let ifs = cx.st.net.interfaces();
    if request == SIOCGIFCONF {
        return ifconf(cx, &ifs, arg);
    }
    let mut r = [0u8; IFREQ_LEN];
    cx.copy_in(arg, &mut r)?;
    answer(&ifs, request, &mut r)?;
    cx.copy_out(arg, &r)?;
    Ok(0)
}

/// Fills the `struct ifreq` `r` for `request` (the whole struct is copied
/// back, as `put_user_ifreq` does, so bytes a request does not set keep
/// the program's values).
fn answer(ifs: &[Interface], request: u32, r: &mut [u8; IFREQ_LEN]) -> SysResult<()> {
    if request == SIOCGIFNAME {
        let index = i32::from_ne_bytes([r[16], r[17], r[18], r[19]]);
        let Some(i) = by_index(ifs, i64::from(index)) else {
            bail!(ENODEV, "no interface with that index");
        };
        r[..IFNAMSIZ].fill(0);
        r[..i.name.len()].copy_from_slice(i.name.as_bytes());
        return Ok(());
    }
    // dev_ioctl/devinet_ioctl: the name is cut at IFNAMSIZ-1, and an
    // alias suffix (":N") names the device before the colon.
    r[IFNAMSIZ - 1] = 0;
    let name = &r[..r.iter().position(|&c| c == 0).unwrap_or(IFNAMSIZ)];
    let dev = &name[..name.iter().position(|&c| c == b':').unwrap_or(name.len())];
    let label_is_dev = dev.len() == name.len();
    let Some(i) = by_name(ifs, dev) else {
        bail!(ENODEV, "no interface with that name");
    };
    let u = &mut r[16..];
    let put_i32 = |u: &mut [u8], v: u32| {
        u[..4].copy_from_slice(&i32::try_from(v).unwrap_or(i32::MAX).to_ne_bytes())
    };
    match request {
        // ifr_flags is a short: the low 16 bits of dev_get_flags.
        SIOCGIFFLAGS => u[..2].copy_from_slice(&((i.flags & 0xffff) as u16).to_ne_bytes()),
        SIOCGIFMETRIC => put_i32(u, 0),
        SIOCGIFMTU => put_i32(u, i.mtu),
        SIOCGIFINDEX => put_i32(u, i.index),
        SIOCGIFTXQLEN => put_i32(u, TXQLEN),
        SIOCGIFHWADDR => {
            // dev_get_mac_address: sa_family = ARPHRD_*, sa_data zeroed
            // then the address.
            u[..2].copy_from_slice(&i.hw_type.to_ne_bytes());
            u[2..16].fill(0);
            u[2..8].copy_from_slice(&i.mac);
        }
        // struct ifmap: mem_start, mem_end, base_addr, irq, dma, port.
        SIOCGIFMAP => u[..21].fill(0),
        _ => {
            // devinet_ioctl: the address of the label named (the device's
            // own name; no aliases exist here).
            let a = if label_is_dev { i.first_v4() } else { None };
            let Some(a) = a else {
                bail!(EADDRNOTAVAIL, "interface has no IPv4 address");
            };
            let v4 = match a.addr {
                core::net::IpAddr::V4(v) => v.octets(),
                core::net::IpAddr::V6(_) => [0; 4],
            };
            let val = match request {
                SIOCGIFNETMASK => a.netmask_v4(),
                SIOCGIFBRDADDR => i.broadcast_v4(a).unwrap_or([0; 4]),
                _ => v4,
            };
            u[..16].fill(0);
            u[..2].copy_from_slice(&(AF_INET as u16).to_ne_bytes());
            u[4..8].copy_from_slice(&val);
        }
    }
    Ok(())
}

/// SIOCGIFCONF (`dev_ifconf`, `inet_gifconf`): one `struct ifreq` per
/// IPv4 address (name and `sockaddr_in`) while whole ones fit in
/// `ifc_len`; a null buffer asks for the size needed. `ifc_len` gets
/// the bytes used.
fn ifconf(cx: &mut Cx<'_>, ifs: &[Interface], arg: UserAddr) -> SysResult<u64> {
    let mut c = [0u8; IFCONF_LEN];
    cx.copy_in(arg, &mut c)?;
    let len = i32::from_ne_bytes([c[0], c[1], c[2], c[3]]);
    let mut p = [0u8; 8];
    p.copy_from_slice(&c[8..16]);
    let buf = UserAddr(u64::from_ne_bytes(p));
    let mut room = i64::from(len);
    let mut total = 0u64;
    for i in ifs {
        for a in i.addrs.iter().filter(|a| a.addr.is_ipv4()) {
            if buf.is_null() {
                total += IFREQ_LEN as u64;
                continue;
            }
            if room < IFREQ_LEN as i64 {
                break;
            }
            let mut r = [0u8; IFREQ_LEN];
            r[..i.name.len()].copy_from_slice(i.name.as_bytes());
            r[16..18].copy_from_slice(&(AF_INET as u16).to_ne_bytes());
            if let core::net::IpAddr::V4(v) = a.addr {
                r[20..24].copy_from_slice(&v.octets());
            }
            let Some(at) = buf.checked_add(total) else {
                bail!(EFAULT, "ifconf buffer wraps around");
            };
            cx.copy_out(at, &r)?;
            total += IFREQ_LEN as u64;
            room -= IFREQ_LEN as i64;
        }
    }
    let used = i32::try_from(total).unwrap_or(i32::MAX);
    cx.copy_out(arg, &used.to_ne_bytes())?;
    Ok(0)
}
