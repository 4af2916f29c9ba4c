//! Interface configuration: the loopback interface, the NIC from
//! `rumprun_config::net::NetConfig` (static IPv4 or the smoltcp DHCPv4
//! client; IPv6 always has the EUI-64 link-local address, plus a static
//! address or one smoltcp's SLAAC (RFC 4862, `proto-ipv6-slaac`) forms
//! from router advertisements), the console announcement and the live
//! /etc/hosts and /etc/resolv.conf. Neighbours: `stack`, `vfs::etc`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{Ipv4Addr, Ipv6Addr};

use rumprun_config::net::{Ipv4Mode, Ipv6Mode};
use smoltcp::iface::{Config, Interface, SocketSet};
use smoltcp::socket::dhcpv4;
use smoltcp::time::Instant;
use smoltcp::wire::{EthernetAddress, HardwareAddress, IpAddress, IpCidr, Ipv4Cidr, Ipv6Cidr};

use super::device::{LoopDev, NicDev};
use super::stack::{instant, Iface, Nic, Stack};
use crate::net::NetDevice;
use crate::vfs::etc::{hosts_text, resolv_text, DEFAULT_NAMESERVER};

/// Builds the loopback interface (127.0.0.1/8, ::1/128).
pub(super) fn loopback(now: Instant) -> Iface<LoopDev> {
    let mut dev = LoopDev::default();
    let mut c = Config::new(HardwareAddress::Ip);
    c.random_seed = 0x5eed;
    let mut iface = Interface::new(c, &mut dev, now);
    iface.update_ip_addrs(|a| {
        let _ = a.push(IpCidr::new(IpAddress::v4(127, 0, 0, 1), 8));
        let _ = a.push(IpCidr::new(IpAddress::Ipv6(Ipv6Addr::LOCALHOST), 128));
    });
    Iface {
        iface,
        dev,
        set: SocketSet::new(Vec::new()),
    }
}

/// The EUI-64 link-local address of `mac` (RFC 4291 appendix A).
fn link_local(mac: [u8; 6]) -> Ipv6Addr {
    Ipv6Addr::from([
        0xfe,
        0x80,
        0,
        0,
        0,
        0,
        0,
        0,
        mac[0] ^ 2,
        mac[1],
        mac[2],
        0xff,
        0xfe,
        mac[3],
        mac[4],
        mac[5],
    ])
}

/// Replaces the addresses of one version in an interface: `keep` says
/// which existing ones stay, then `add` are appended.
fn set_addrs(iface: &mut Interface, keep: impl Fn(&IpCidr) -> bool, add: &[IpCidr]) {
    iface.update_ip_addrs(|a| {
        a.retain(|c| keep(c));
        for c in add {
            if !a.contains(c) {
                let _ = a.push(*c);
            }
        }
    });
}

impl Stack {
    /// Attaches the NIC: builds its interface and applies the config.
    pub(super) fn attach_nic(&mut self, dev: alloc::boxed::Box<dyn NetDevice>, seed: u64) {
        if self.ifs.nic.is_some() {
            // Only the first NIC is used (net.md: "the NIC found").
            return;
        }
        let mut mac = dev.mac();
        // smoltcp refuses a multicast hardware address (it panics): a
        // device reporting one gets the bit cleared and marked local.
        if mac[0] & 1 != 0 {
            mac[0] = (mac[0] & !1) | 2;
        }
        let dev_mtu = dev.mtu().clamp(576, 65_521);
        let mtu = self
            .cfg
            .mtu
            .map_or(dev_mtu, |m| usize::from(m).clamp(576, dev_mtu));
        let mut nd = NicDev::new(dev, mtu);
        let mut c = Config::new(HardwareAddress::Ethernet(EthernetAddress(mac)));
        c.random_seed = seed;
        c.slaac = matches!(self.cfg.ipv6, Ipv6Mode::Slaac);
        let mut iface = Interface::new(c, &mut nd, instant(self.now_ns));
        let ll = link_local(mac);
        set_addrs(
            &mut iface,
            |_| false,
            &[IpCidr::Ipv6(Ipv6Cidr::new(ll, 64))],
        );
        let mut nic = Nic {
            ifc: Iface {
                iface,
                dev: nd,
                set: SocketSet::new(Vec::new()),
            },
            dhcp: None,
            v4: None,
            gw4: None,
            v6: None,
            dhcp_dns: Vec::new(),
        };
        if let Ipv6Mode::Static {
            addr,
            prefix,
            gateway,
        } = self.cfg.ipv6
        {
            let a = Ipv6Addr::from(addr);
            let p = prefix.min(128);
            set_addrs(
                &mut nic.ifc.iface,
                |_| true,
                &[IpCidr::Ipv6(Ipv6Cidr::new(a, p))],
            );
            if let Some(g) = gateway {
                let _ = nic
                    .ifc
                    .iface
                    .routes_mut()
                    .add_default_ipv6_route(Ipv6Addr::from(g));
            }
            nic.v6 = Some((a, p));
        }
        self.configured = true;
        match self.cfg.ipv4 {
            Ipv4Mode::Static {
                addr,
                prefix,
                gateway,
            } => {
                nic.v4 = Some((Ipv4Addr::from(addr), prefix.min(32)));
                nic.gw4 = gateway.map(Ipv4Addr::from);
            }
            Ipv4Mode::Dhcp => {
                let s = dhcpv4::Socket::new();
                nic.dhcp = Some(nic.ifc.set.add(s));
                self.configured = false;
            }
            Ipv4Mode::Off => {}
        }
        self.ifs.nic = Some(nic);
        if !matches!(self.cfg.ipv4, Ipv4Mode::Dhcp) {
            self.apply_v4();
        }
    }

    /// Follows the address SLAAC formed (or dropped) on the NIC: loopback
    /// and /etc learn it.
    pub(super) fn slaac_sync(&mut self) {
        if !matches!(self.cfg.ipv6, Ipv6Mode::Slaac) {
            return;
        }
        let Some(n) = self.ifs.nic.as_mut() else {
            return;
        };
        let g = n.ifc.iface.ip_addrs().iter().find_map(|c| match c {
            IpCidr::Ipv6(c) if !c.address().is_unicast_link_local() => {
                Some((c.address(), c.prefix_len()))
            }
            _ => None,
        });
        if g != n.v6 {
            n.v6 = g;
            self.sync_own();
        }
    }

    /// Puts the NIC's IPv4 state (address, router) into both interfaces,
    /// rewrites /etc and queues the announcement.
    fn apply_v4(&mut self) {
        let Some(n) = self.ifs.nic.as_mut() else {
            return;
        };
        let v4 = n.v4;
        let cidrs: Vec<IpCidr> = v4
            .map(|(a, p)| IpCidr::Ipv4(Ipv4Cidr::new(a, p)))
            .into_iter()
            .collect();
        set_addrs(&mut n.ifc.iface, |c| matches!(c, IpCidr::Ipv6(_)), &cidrs);
        n.ifc.iface.routes_mut().remove_default_ipv4_route();
        if let Some(g) = n.gw4 {
            let _ = n.ifc.iface.routes_mut().add_default_ipv4_route(g);
        }
        self.sync_own();
        self.announce = Some(self.announcement());
    }

    /// Gives loopback the NIC's addresses and rewrites /etc.
    fn sync_own(&mut self) {
        let Some(n) = self.ifs.nic.as_ref() else {
            return;
        };
        let (v4, v6) = (n.v4, n.v6);
        // Loopback also owns the NIC's addresses (as /32 and /128), so a
        // connect to our own address goes through `lo`.
        let mut own: Vec<IpCidr> = Vec::new();
        if let Some((a, _)) = v4 {
            own.push(IpCidr::Ipv4(Ipv4Cidr::new(a, 32)));
        }
        if let Some((a, _)) = v6 {
            own.push(IpCidr::Ipv6(Ipv6Cidr::new(a, 128)));
        }
        set_addrs(
            &mut self.ifs.lo.iface,
            |c| {
                c.address() == IpAddress::v4(127, 0, 0, 1)
                    || c.address() == IpAddress::Ipv6(Ipv6Addr::LOCALHOST)
            },
            &own,
        );
        self.write_etc();
    }

    /// The nameservers in use: the configured ones, else DHCP's.
    fn nameservers(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .cfg
            .dns
            .iter()
            .filter_map(|b| match b.len() {
                4 => Some(Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string()),
                16 => {
                    let mut a = [0u8; 16];
                    a.copy_from_slice(b);
                    Some(Ipv6Addr::from(a).to_string())
                }
                _ => None,
            })
            .collect();
        if v.is_empty() {
            if let Some(n) = &self.ifs.nic {
                v = n.dhcp_dns.iter().map(ToString::to_string).collect();
            }
        }
        v
    }

    /// Rewrites /etc/hosts and /etc/resolv.conf from the current state.
    fn write_etc(&self) {
        let own = self.ifs.nic.as_ref().and_then(|n| {
            n.v4.map(|(a, _)| a.to_string())
                .or_else(|| n.v6.map(|(a, _)| a.to_string()))
        });
        self.etc
            .hosts
            .set(hosts_text(&self.hostname, own.as_deref()).into_bytes());
        let mut ns = self.nameservers();
        if ns.is_empty() {
            ns.push(DEFAULT_NAMESERVER.into());
        }
        self.etc.resolv.set(resolv_text(&ns).into_bytes());
    }

    /// The console line: `rumprun: eth0 10.0.2.15/24 gw 10.0.2.2 dns 10.0.2.3`.
    fn announcement(&self) -> String {
        let mut s = String::from("rumprun: eth0");
        if let Some(n) = &self.ifs.nic {
            if let Some((a, p)) = n.v4 {
                s += &format!(" {a}/{p}");
            }
            if let Some(g) = n.gw4 {
                s += &format!(" gw {g}");
            }
            if let Some((a, p)) = n.v6 {
                s += &format!(" {a}/{p}");
            }
            if n.v4.is_none() && n.v6.is_none() {
                s += " link-local only";
            }
        }
        let ns = self.nameservers();
        if !ns.is_empty() {
            s += " dns";
            for d in ns {
                s += " ";
                s += &d;
            }
        }
        s.push('\n');
        s
    }

    /// Handles the DHCP client's events (lease bound, renewed, lost).
    pub(super) fn dhcp_poll(&mut self) {
        let Some(n) = self.ifs.nic.as_mut() else {
            return;
        };
        let Some(h) = n.dhcp else { return };
        let ev = match n.ifc.set.get_mut::<dhcpv4::Socket<'static>>(h).poll() {
            None => return,
            Some(dhcpv4::Event::Configured(c)) => Some((
                c.address,
                c.router,
                c.dns_servers.iter().copied().collect::<Vec<_>>(),
            )),
            Some(dhcpv4::Event::Deconfigured) => None,
        };
        match ev {
            Some((addr, router, dns)) => {
                n.v4 = Some((addr.address(), addr.prefix_len()));
                n.gw4 = router;
                n.dhcp_dns = dns;
                let first = !self.configured;
                self.configured = true;
                self.apply_v4();
                if !first {
                    // A renewal with the same lease says nothing new.
                    self.announce = None;
                }
            }
            None => {
                n.v4 = None;
                n.gw4 = None;
                self.apply_v4();
                self.announce = None;
            }
        }
    }
}
