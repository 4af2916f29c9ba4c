//! Host tests of the VFS: shared fixtures (a test clock, a tmpfs-rooted
//! namespace, a booted namespace over a baked archive) and one file per
//! area.

mod boot;
mod devfs;
mod ops;
mod rename;
mod stat;
mod walk;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicI64, Ordering};
use std::vec::Vec;

use rumprun_config::rootfs::RootFsBuilder;
use spin::Mutex;

use super::boot::{assemble, BootFs};
use super::devfs::{ConsoleSink, RandomSource};
use super::error::SysResult;
use super::etc::EtcConfig;
use super::flags::{o, AtFlags, Mode, OpenFlags};
use super::tmpfs::{new_tmpfs, TmpfsConfig};
use super::types::{Clock, DevId, Metadata, Timespec};
use super::{Loc, Vfs};
use crate::fd::FileOps;

/// A clock the test sets by hand.
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn set(&self, sec: i64) {
        self.0.store(sec, Ordering::Relaxed);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timespec {
        Timespec {
            sec: self.0.load(Ordering::Relaxed),
            nsec: 7,
        }
    }
}

pub fn clock() -> Arc<TestClock> {
    Arc::new(TestClock(AtomicI64::new(1000)))
}

pub fn tmpfs_with(clock: Arc<TestClock>, dev: u32, max_bytes: u64) -> Arc<dyn super::Inode> {
    new_tmpfs(TmpfsConfig {
        dev: DevId::new(0, dev),
        uid: 0,
        gid: 0,
        root_perm: 0o755,
        max_bytes,
        clock,
    })
}

/// A namespace whose root is a writable tmpfs, umask 022.
pub fn tvfs() -> (Vfs, Arc<TestClock>) {
    let c = clock();
    (Vfs::new(tmpfs_with(c.clone(), 1, 1 << 30)), c)
}

pub struct Sink(pub Mutex<Vec<u8>>);
impl ConsoleSink for Sink {
    fn write(&self, bytes: &[u8]) {
        self.0.lock().extend_from_slice(bytes);
    }
}

pub struct Counter;
impl RandomSource for Counter {
    fn fill(&self, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = i as u8 ^ 0xa5;
        }
    }
}

/// A sample image archive: /etc/hosts of its own, /www with files, a
/// symlink, no /tmp.
pub fn sample_archive() -> &'static [u8] {
    let mut b = RootFsBuilder::new();
    b.dir("/etc", 0o755, 5);
    b.file("/etc/hosts", 0o644, 6, b"10.0.0.1 image-host\n");
    b.dir("/www", 0o755, 7);
    b.file("/www/index.html", 0o644, 8, b"<h1>hi</h1>\n");
    b.file("/www/run.sh", 0o755, 8, b"#!/bin/false\n");
    b.symlink("/www/home", "index.html", 9);
    b.symlink("/abs", "/www", 9);
    Vec::leak(b.finish())
}

/// Boots a namespace over `archive` and returns it with the console sink.
pub fn booted(archive: Option<&'static [u8]>, uid: u32) -> (Vfs, Arc<Sink>) {
    let sink = Arc::new(Sink(Mutex::new(Vec::new())));
    let vfs = assemble(BootFs {
        archive,
        etc: EtcConfig::new("unikernel", uid, uid),
        clock: clock(),
        random: Arc::new(Counter),
        console: sink.clone(),
        tmp_max_bytes: 1 << 20,
    })
    .expect("sample archive is valid");
    (vfs, sink)
}

pub fn flags(bits: u32) -> OpenFlags {
    OpenFlags::try_from(bits).expect("valid open flags")
}

pub fn open(v: &Vfs, path: &str, bits: u32) -> SysResult<Arc<dyn FileOps>> {
    v.open(&v.root(), path.as_bytes(), flags(bits), Mode::new(0o666))
}

pub fn write_file(v: &Vfs, path: &str, data: &[u8]) {
    let f = open(v, path, o::WRONLY | o::CREAT | o::TRUNC).expect("create");
    assert_eq!(f.write(data).expect("write"), data.len());
}

pub fn read_all(v: &Vfs, path: &str) -> SysResult<Vec<u8>> {
    let f = open(v, path, o::RDONLY)?;
    let mut out = Vec::new();
    let mut buf = [0u8; 1000];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

pub fn stat(v: &Vfs, path: &str) -> SysResult<Metadata> {
    v.stat(&v.root(), path.as_bytes(), AtFlags::default())
}

pub fn lstat(v: &Vfs, path: &str) -> SysResult<Metadata> {
    v.stat(
        &v.root(),
        path.as_bytes(),
        AtFlags::parse(AtFlags::SYMLINK_NOFOLLOW, AtFlags::SYMLINK_NOFOLLOW).expect("flag"),
    )
}

pub fn mkdir(v: &Vfs, path: &str) -> SysResult<()> {
    v.mkdir(&v.root(), path.as_bytes(), Mode::new(0o755))
}

pub fn symlink(v: &Vfs, target: &str, path: &str) -> SysResult<()> {
    v.symlink(target.as_bytes(), &v.root(), path.as_bytes())
}

pub fn loc(v: &Vfs, path: &str) -> Loc {
    v.lookup(&v.root(), path.as_bytes(), AtFlags::default())
        .expect("path exists")
}
