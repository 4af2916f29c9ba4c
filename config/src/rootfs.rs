//! The read-only root filesystem archive baked into an image.
//!
//! Layout: `ROOTFS_MAGIC | index_len: u32 le | index (postcard) | file data`.
//! The index lists every node by absolute path (`/`, `/etc`, `/etc/hosts`),
//! parents before children; file data is referenced by [`crate::image::Region`]
//! relative to the start of the data area. The kernel's VFS (in `posix`)
//! reads the archive in place with [`RootFs::parse`], which checks every
//! offset and path, so a corrupt image is an error at boot, never a panic.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::image::Region;

/// Magic that opens a root filesystem archive.
pub const ROOTFS_MAGIC: [u8; 8] = *b"RRFS0001";

/// What a node is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeKind {
    /// A directory; its children are the nodes whose parent path it is.
    Dir,
    /// A regular file with its bytes.
    File(Region),
    /// A symbolic link and its target, stored as written.
    Symlink(String),
}

/// One entry of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Absolute, normalised path (no `.`/`..`/empty components, no trailing `/`).
    pub path: String,
    /// What the node is.
    pub kind: NodeKind,
    /// Permission bits (the low 12 bits of st_mode).
    pub mode: u32,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
}

/// Why an archive could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootFsError {
    /// Missing magic.
    BadMagic,
    /// Shorter than its header says.
    Truncated,
    /// Index not decodable.
    BadIndex,
    /// A path that is not absolute and normalised, or a duplicate.
    BadPath(String),
    /// A node whose parent directory is not listed before it.
    Orphan(String),
    /// File data outside the archive.
    DataOutOfBounds(String),
}

impl core::fmt::Display for RootFsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RootFsError::BadMagic => write!(f, "root filesystem magic missing"),
            RootFsError::Truncated => write!(f, "root filesystem truncated"),
            RootFsError::BadIndex => write!(f, "root filesystem index cannot be decoded"),
            RootFsError::BadPath(p) => write!(
                f,
                "root filesystem path {p:?} is not normalised or is repeated"
            ),
            RootFsError::Orphan(p) => {
                write!(f, "root filesystem node {p:?} has no parent directory")
            }
            RootFsError::DataOutOfBounds(p) => {
                write!(f, "root filesystem file {p:?} points outside the archive")
            }
        }
    }
}

/// A parsed archive borrowing its bytes.
#[derive(Debug)]
pub struct RootFs<'a> {
    /// Every node, parents before children, `/` first.
    pub nodes: Vec<Node>,
    data: &'a [u8],
}

/// Returns the parent path of a normalised absolute path (`/a/b` -> `/a`).
pub fn parent(path: &str) -> Option<&str> {
    if path == "/" {
        return None;
    }
    match path.rfind('/') {
        Some(0) => Some("/"),
        Some(i) => Some(&path[..i]),
        None => None,
    }
}

fn normalised(path: &str) -> bool {
    path == "/"
        || (path.starts_with('/')
            && path[1..]
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != "..")
            && !path.contains('\0'))
}

impl<'a> RootFs<'a> {
    /// Parses and validates an archive.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, RootFsError> {
        if bytes.len() < 12 {
            return Err(RootFsError::Truncated);
        }
        if bytes[..8] != ROOTFS_MAGIC {
            return Err(RootFsError::BadMagic);
        }
        let ilen = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
        let end = 12usize.checked_add(ilen).ok_or(RootFsError::Truncated)?;
        let index = bytes.get(12..end).ok_or(RootFsError::Truncated)?;
        let nodes: Vec<Node> = postcard::from_bytes(index).map_err(|_| RootFsError::BadIndex)?;
        let data = &bytes[end..];
        let mut dirs: Vec<&str> = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            if !normalised(&n.path) || (i == 0) != (n.path == "/") {
                return Err(RootFsError::BadPath(n.path.clone()));
            }
            if let Some(p) = parent(&n.path) {
                if dirs.binary_search(&p).is_err() {
                    return Err(RootFsError::Orphan(n.path.clone()));
                }
            }
            if nodes[..i].iter().any(|m| m.path == n.path) {
                return Err(RootFsError::BadPath(n.path.clone()));
            }
            match &n.kind {
                NodeKind::Dir => {
                    let pos = dirs.binary_search(&n.path.as_str()).unwrap_or_else(|e| e);
                    dirs.insert(pos, n.path.as_str());
                }
                NodeKind::File(r) => {
                    let ok = usize::try_from(r.offset)
                        .ok()
                        .zip(usize::try_from(r.len).ok())
                        .and_then(|(o, l)| o.checked_add(l))
                        .is_some_and(|e| e <= data.len());
                    if !ok {
                        return Err(RootFsError::DataOutOfBounds(n.path.clone()));
                    }
                }
                NodeKind::Symlink(_) => {}
            }
        }
        if nodes.is_empty() {
            return Err(RootFsError::BadIndex);
        }
        Ok(RootFs { nodes, data })
    }

    /// Returns a file node's bytes (empty for other kinds).
    pub fn data(&self, node: &Node) -> &'a [u8] {
        match &node.kind {
            // Bounds were checked in `parse`.
            NodeKind::File(r) => &self.data[r.offset as usize..(r.offset + r.len) as usize],
            _ => &[],
        }
    }

    /// Finds a node by normalised absolute path.
    pub fn lookup(&self, path: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.path == path)
    }
}

/// Builds an archive; used by `rumprun bake`.
#[derive(Debug, Default)]
pub struct RootFsBuilder {
    nodes: Vec<Node>,
    data: Vec<u8>,
}

impl RootFsBuilder {
    /// Starts an archive holding only `/` (mode 0755).
    pub fn new() -> Self {
        RootFsBuilder {
            nodes: alloc::vec![Node {
                path: "/".into(),
                kind: NodeKind::Dir,
                mode: 0o755,
                mtime: 0
            }],
            data: Vec::new(),
        }
    }

    /// Adds a directory; parents must have been added first.
    pub fn dir(&mut self, path: &str, mode: u32, mtime: i64) {
        self.nodes.push(Node {
            path: path.into(),
            kind: NodeKind::Dir,
            mode,
            mtime,
        });
    }

    /// Adds a regular file with its contents.
    pub fn file(&mut self, path: &str, mode: u32, mtime: i64, contents: &[u8]) {
        let r = Region {
            offset: self.data.len() as u64,
            len: contents.len() as u64,
        };
        self.data.extend_from_slice(contents);
        self.nodes.push(Node {
            path: path.into(),
            kind: NodeKind::File(r),
            mode,
            mtime,
        });
    }

    /// Adds a symbolic link.
    pub fn symlink(&mut self, path: &str, target: &str, mtime: i64) {
        self.nodes.push(Node {
            path: path.into(),
            kind: NodeKind::Symlink(target.into()),
            mode: 0o777,
            mtime,
        });
    }

    /// Encodes the archive.
    pub fn finish(self) -> Vec<u8> {
        let index = postcard::to_allocvec(&self.nodes).expect("index always serialises");
        let mut out = Vec::with_capacity(12 + index.len() + self.data.len());
        out.extend_from_slice(&ROOTFS_MAGIC);
        out.extend_from_slice(&(index.len() as u32).to_le_bytes());
        out.extend_from_slice(&index);
        out.extend_from_slice(&self.data);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut b = RootFsBuilder::new();
        b.dir("/etc", 0o755, 1);
        b.file("/etc/hosts", 0o644, 2, b"127.0.0.1 localhost\n");
        b.symlink("/etc/alias", "hosts", 3);
        b.file("/empty", 0o600, 4, b"");
        b.finish()
    }

    #[test]
    fn builds_and_reads_back() {
        let bytes = sample();
        let fs = RootFs::parse(&bytes).unwrap();
        let hosts = fs.lookup("/etc/hosts").unwrap();
        assert_eq!(fs.data(hosts), b"127.0.0.1 localhost\n");
        assert_eq!(
            fs.lookup("/etc/alias").unwrap().kind,
            NodeKind::Symlink("hosts".into())
        );
        assert_eq!(fs.data(fs.lookup("/empty").unwrap()), b"");
        assert!(fs.lookup("/nope").is_none());
    }

    #[test]
    fn rejects_orphans_bad_paths_and_truncation() {
        let mut b = RootFsBuilder::new();
        b.file("/a/b", 0o644, 0, b"x");
        assert!(matches!(
            RootFs::parse(&b.finish()),
            Err(RootFsError::Orphan(_))
        ));
        let mut b = RootFsBuilder::new();
        b.dir("/a/../b", 0o755, 0);
        assert!(matches!(
            RootFs::parse(&b.finish()),
            Err(RootFsError::BadPath(_))
        ));
        let bytes = sample();
        for cut in 0..bytes.len() {
            assert!(RootFs::parse(&bytes[..cut]).is_err(), "cut {cut}");
        }
    }

    #[test]
    fn parent_paths() {
        assert_eq!(parent("/"), None);
        assert_eq!(parent("/etc"), Some("/"));
        assert_eq!(parent("/etc/hosts"), Some("/etc"));
    }
}
