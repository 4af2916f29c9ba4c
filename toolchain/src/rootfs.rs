//! Walks a host directory into a root filesystem archive
//! (`rumprun_config::rootfs::RootFsBuilder`). The walk is sorted by name, so
//! the same tree always gives the same bytes; only regular files,
//! directories and symbolic links are taken (devices come from the kernel's
//! own /dev, and a socket or FIFO on the host means nothing in the image).

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use rumprun_config::rootfs::RootFsBuilder;

use crate::progress::Progress;

/// Why a directory cannot become a root filesystem.
#[derive(Debug, thiserror::Error)]
pub enum RootfsError {
    /// Reading the host tree failed.
    #[error("rootfs: cannot read {path}: {source}")]
    Io {
        /// The path being read.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The root is not a directory.
    #[error("rootfs: {0} is not a directory; pass --rootfs DIR")]
    NotADir(PathBuf),
    /// A node kind an image cannot hold.
    #[error("rootfs: {path} is a {kind}; an image holds only files, directories and symlinks: remove it from the tree")]
    Unsupported {
        /// The offending path.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// A name that is not UTF-8.
    #[error("rootfs: {0} has a name that is not UTF-8; rename it")]
    NotUtf8(PathBuf),
}

/// What the walk added, for the bake summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Regular files.
    pub files: usize,
    /// Directories (not counting `/`).
    pub dirs: usize,
    /// Symbolic links.
    pub symlinks: usize,
    /// Bytes of file data.
    pub bytes: u64,
}

/// Builds the archive for the tree under `root`; returns its bytes and counts.
pub fn build(root: &Path) -> Result<(Vec<u8>, Counts), RootfsError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RootfsError::Io { path, source }
    };
    if !std::fs::metadata(root).map_err(io(root))?.is_dir() {
        return Err(RootfsError::NotADir(root.into()));
    }
    let mut b = RootFsBuilder::new();
    let mut counts = Counts::default();
    let mut progress = Progress::new("walking rootfs");
    walk(root, "", &mut b, &mut counts, &mut progress)?;
    progress.finish();
    Ok((b.finish(), counts))
}

fn walk(
    dir: &Path,
    prefix: &str,
    b: &mut RootFsBuilder,
    counts: &mut Counts,
    progress: &mut Progress,
) -> Result<(), RootfsError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RootfsError::Io { path, source }
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io(dir))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let host = entry.path();
        let name = entry
            .file_name()
            .into_string()
            .map_err(|_| RootfsError::NotUtf8(host.clone()))?;
        let path = format!("{prefix}/{name}");
        progress.tick(&path);
        let meta = std::fs::symlink_metadata(&host).map_err(io(&host))?;
        let ft = meta.file_type();
        let mode = meta.mode() & 0o7777;
        let mtime = meta.mtime();
        if ft.is_dir() {
            b.dir(&path, mode, mtime);
            counts.dirs += 1;
            walk(&host, &path, b, counts, progress)?;
        } else if ft.is_file() {
            let data = std::fs::read(&host).map_err(io(&host))?;
            counts.files += 1;
            counts.bytes += data.len() as u64;
            b.file(&path, mode, mtime, &data);
        } else if ft.is_symlink() {
            let target = std::fs::read_link(&host).map_err(io(&host))?;
            let target = target
                .to_str()
                .ok_or_else(|| RootfsError::NotUtf8(host.clone()))?;
            b.symlink(&path, target, mtime);
            counts.symlinks += 1;
        } else {
            let kind = if ft.is_block_device() {
                "block device"
            } else if ft.is_char_device() {
                "character device"
            } else if ft.is_socket() {
                "socket"
            } else if ft.is_fifo() {
                "FIFO"
            } else {
                "special file"
            };
            return Err(RootfsError::Unsupported { path: host, kind });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::tempdir;
    use rumprun_config::rootfs::{NodeKind, RootFs};
    use std::os::unix::fs::PermissionsExt;

    fn tree() -> PathBuf {
        let d = tempdir("rootfs");
        std::fs::create_dir_all(d.join("etc/nginx")).unwrap();
        std::fs::write(d.join("etc/hosts"), "127.0.0.1 localhost\n").unwrap();
        std::fs::write(d.join("etc/nginx/nginx.conf"), "events {}\n").unwrap();
        std::fs::write(d.join("zz"), "").unwrap();
        std::fs::set_permissions(d.join("zz"), std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("hosts", d.join("etc/alias")).unwrap();
        d
    }

    #[test]
    fn walks_files_dirs_symlinks_sorted() {
        let d = tree();
        let (bytes, counts) = build(&d).unwrap();
        assert_eq!(
            counts,
            Counts {
                files: 3,
                dirs: 2,
                symlinks: 1,
                bytes: 30
            }
        );
        let fs = RootFs::parse(&bytes).unwrap();
        let paths: Vec<&str> = fs.nodes.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/",
                "/etc",
                "/etc/alias",
                "/etc/hosts",
                "/etc/nginx",
                "/etc/nginx/nginx.conf",
                "/zz"
            ]
        );
        assert_eq!(
            fs.data(fs.lookup("/etc/hosts").unwrap()),
            b"127.0.0.1 localhost\n"
        );
        assert_eq!(
            fs.lookup("/etc/alias").unwrap().kind,
            NodeKind::Symlink("hosts".into())
        );
        assert_eq!(fs.lookup("/zz").unwrap().mode, 0o600);
        // Deterministic: the same tree gives the same bytes.
        assert_eq!(build(&d).unwrap().0, bytes);
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn refuses_special_files_and_non_dirs() {
        let d = tree();
        let sock = d.join("etc/sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let e = build(&d).unwrap_err();
        assert!(
            e.to_string()
                .contains("etc/sock is a socket; an image holds only files"),
            "{e}"
        );
        let e = build(&d.join("zz")).unwrap_err();
        assert!(matches!(e, RootfsError::NotADir(_)), "{e}");
        let e = build(&d.join("missing")).unwrap_err();
        assert!(e.to_string().starts_with("rootfs: cannot read"), "{e}");
        std::fs::remove_dir_all(d).unwrap();
    }
}
