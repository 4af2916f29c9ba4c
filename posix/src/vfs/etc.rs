//! The generated /etc: the few files libc reads to answer name and
//! identity questions (hostname, hosts, resolv.conf, passwd, group,
//! nsswitch.conf, localtime), made from the image configuration and added
//! to the read-only root only where the image's own rootfs has none.
//! Neighbour: `rootfs` (`RoTree::add` keeps the image's files first).

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::rootfs::{RoData, RoKind, RoTree};

/// QEMU user networking's built-in DNS server (QEMU docs, "-netdev user",
/// `dns=` default 10.0.2.3).
pub const DEFAULT_NAMESERVER: &str = "10.0.2.3";

/// A generated file whose bytes another module replaces at run time
/// (the network layer rewrites /etc/hosts and /etc/resolv.conf when the
/// NIC is configured); readers see the current bytes.
#[derive(Clone)]
pub struct LiveFile(Arc<spin::Mutex<Arc<[u8]>>>);

impl LiveFile {
    /// Creates a file holding `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        LiveFile(Arc::new(spin::Mutex::new(bytes.into())))
    }

    /// Returns the current bytes.
    pub fn get(&self) -> Arc<[u8]> {
        self.0.lock().clone()
    }

    /// Replaces the bytes.
    pub fn set(&self, bytes: Vec<u8>) {
        *self.0.lock() = bytes.into();
    }
}

impl PartialEq for LiveFile {
    fn eq(&self, o: &Self) -> bool {
        Arc::ptr_eq(&self.0, &o.0)
    }
}

impl Eq for LiveFile {}

impl core::fmt::Debug for LiveFile {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("LiveFile").field(&self.get().len()).finish()
    }
}

/// The /etc files the network layer keeps current (`net::inet`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtcNet {
    /// /etc/hosts.
    pub hosts: LiveFile,
    /// /etc/resolv.conf.
    pub resolv: LiveFile,
}

/// Returns /etc/hosts: the localhost lines, then `host` on `own` (the
/// NIC's address) or on 127.0.1.1 before the NIC is configured (the
/// Debian convention).
pub fn hosts_text(host: &str, own: Option<&str>) -> String {
    let own = own.unwrap_or("127.0.1.1");
    format!("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{own}\t{host}\n")
}

/// Returns /etc/resolv.conf naming `servers` (resolv.conf(5): at most
/// three are used).
pub fn resolv_text(servers: &[String]) -> String {
    servers
        .iter()
        .map(|s| format!("nameserver {s}\n"))
        .collect()
}

/// The identity and names the generated files describe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtcConfig {
    /// Hostname (/etc/hostname, the hosts entry).
    pub hostname: String,
    /// The program's uid.
    pub uid: u32,
    /// The program's gid.
    pub gid: u32,
    /// Nameserver for resolv.conf.
    pub nameserver: String,
    /// The network files (hosts, resolv.conf), rewritten by `net::inet`.
    pub net: EtcNet,
}

impl EtcConfig {
    /// Builds a configuration with the default nameserver.
    pub fn new(hostname: &str, uid: u32, gid: u32) -> Self {
        EtcConfig {
            hostname: hostname.into(),
            uid,
            gid,
            nameserver: DEFAULT_NAMESERVER.into(),
            net: EtcNet {
                hosts: LiveFile::new(hosts_text(hostname, None).into_bytes()),
                resolv: LiveFile::new(resolv_text(&[DEFAULT_NAMESERVER.into()]).into_bytes()),
            },
        }
    }
}

/// The TZif file of UTC as tzcode's zic writes it (tzfile(5)): a version 2
/// header with one type (offset 0, "UTC"), repeated in the 64-bit block,
/// then the POSIX TZ footer `UTC0`.
pub fn utc_tzif() -> Vec<u8> {
    let mut block = Vec::new();
    block.extend_from_slice(b"TZif2");
    block.extend_from_slice(&[0; 15]);
    // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
    for n in [0u32, 0, 0, 0, 1, 4] {
        block.extend_from_slice(&n.to_be_bytes());
    }
    // ttinfo: utoff 0, isdst 0, desigidx 0; then the designation "UTC\0".
    block.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    block.extend_from_slice(b"UTC\0");
    let mut out = block.clone();
    out.extend_from_slice(&block);
    out.extend_from_slice(b"\nUTC0\n");
    out
}

/// Returns the generated files as (path, contents), in the order added.
pub fn generated_files(cfg: &EtcConfig) -> Vec<(&'static str, Vec<u8>)> {
    let (user, home) = if cfg.uid == 0 {
        ("root", "/root")
    } else {
        ("user", "/")
    };
    let group = if cfg.gid == 0 { "root" } else { "user" };
    let host = &cfg.hostname;
    alloc::vec![
        ("/etc/hostname", format!("{host}\n").into_bytes()),
        ("/etc/hosts", cfg.net.hosts.get().to_vec()),
        ("/etc/resolv.conf", cfg.net.resolv.get().to_vec()),
        (
            "/etc/passwd",
            format!("{user}:x:{}:{}:{user}:{home}:/sbin/nologin\n", cfg.uid, cfg.gid).into_bytes(),
        ),
        ("/etc/group", format!("{group}:x:{}:\n", cfg.gid).into_bytes()),
        (
            "/etc/nsswitch.conf",
            b"passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n"
                .to_vec(),
        ),
        ("/etc/localtime", utc_tzif()),
    ]
}

/// Adds the generated files that `tree` lacks; returns the paths added.
pub fn add_generated(tree: &mut RoTree, cfg: &EtcConfig) -> Vec<&'static str> {
    let mut added = Vec::new();
    for (path, bytes) in generated_files(cfg) {
        let data = match path {
            "/etc/hosts" => RoData::Live(cfg.net.hosts.clone()),
            "/etc/resolv.conf" => RoData::Live(cfg.net.resolv.clone()),
            _ => RoData::Owned(bytes.into()),
        };
        if tree.add(path, RoKind::File(data), 0o644, 0) {
            added.push(path);
        }
    }
    added
}
