//! Path resolution (path_resolution(7)): absolute and relative paths,
//! `.`, `..` across mounts, repeated and trailing slashes, symlinks with
//! the 40-link limit (`MAXSYMLINKS`, ELOOP), ENAMETOOLONG at `PATH_MAX`
//! 4096 (with the NUL) and `NAME_MAX` 255, ENOTDIR for a non-directory in
//! the middle. Two entry points: [`Walk::resolve`] for the object a path
//! names, [`Walk::parent`] for the directory and last name that creating
//! and removing calls need.

use alloc::vec::Vec;

use super::error::{err, Errno, SysResult};
use super::inode::Loc;
use super::mount::Vfs;
use super::types::FileType;

/// `PATH_MAX`: a path of this many bytes or more (without its NUL) is too
/// long.
pub const PATH_MAX: usize = 4096;
/// `NAME_MAX`: the longest component.
pub const NAME_MAX: usize = 255;
/// `MAXSYMLINKS`: symlinks followed in one resolution (path_resolution(7)).
pub const MAX_SYMLINKS: u32 = 40;

/// The last component of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Last {
    /// An ordinary name.
    Name(Vec<u8>),
    /// `.`.
    Dot,
    /// `..`.
    DotDot,
    /// The path was only slashes.
    Root,
}

/// What [`Walk::parent`] found.
#[derive(Debug, Clone)]
pub struct ParentOf {
    /// The directory holding the last component.
    pub dir: Loc,
    /// The last component.
    pub last: Last,
    /// Whether the path ended in `/`.
    pub trailing_slash: bool,
}

/// One path resolution, counting symlinks across nested lookups.
pub struct Walk<'v> {
    vfs: &'v Vfs,
    links: u32,
}

fn is_symlink(loc: &Loc) -> bool {
    loc.metadata().file_type == FileType::Symlink
}

fn require_dir(loc: &Loc) -> SysResult<()> {
    if !loc.metadata().is_dir() {
        return err(Errno::ENOTDIR, "path component is not a directory");
    }
    Ok(())
}

/// Checks a whole path's length.
///
/// # Errors
/// ENOENT if empty, ENAMETOOLONG at PATH_MAX or more.
pub fn check_path(path: &[u8]) -> SysResult<()> {
    if path.is_empty() {
        return err(Errno::ENOENT, "empty path");
    }
    if path.len() >= PATH_MAX {
        return err(Errno::ENAMETOOLONG, "path longer than PATH_MAX");
    }
    Ok(())
}

impl<'v> Walk<'v> {
    /// Starts a resolution with no symlinks followed yet.
    pub fn new(vfs: &'v Vfs) -> Self {
        Walk { vfs, links: 0 }
    }

    /// Looks `name` up in `dir` and crosses into any mount on the result;
    /// does not follow a symlink.
    ///
    /// # Errors
    /// ENAMETOOLONG over NAME_MAX, ENOENT, ENOTDIR.
    pub fn step(&self, dir: &Loc, name: &[u8]) -> SysResult<Loc> {
        if name.len() > NAME_MAX {
            return err(Errno::ENAMETOOLONG, "component longer than NAME_MAX");
        }
        let inode = dir.inode.lookup(name)?;
        Ok(self.vfs.cross_down(Loc {
            mount: dir.mount,
            inode,
        }))
    }

    /// Counts one more symlink and returns its target.
    ///
    /// # Errors
    /// ELOOP past [`MAX_SYMLINKS`]; ENOENT for an empty target.
    pub fn link_target(&mut self, link: &Loc) -> SysResult<Vec<u8>> {
        self.links += 1;
        if self.links > MAX_SYMLINKS {
            return err(Errno::ELOOP, "more than 40 symlinks");
        }
        let target = link.inode.readlink()?;
        if target.is_empty() {
            return err(Errno::ENOENT, "empty symlink target");
        }
        Ok(target)
    }

    /// Resolves the symlink `link` found in `dir` to what it names.
    fn follow(&mut self, dir: &Loc, link: &Loc) -> SysResult<Loc> {
        let target = self.link_target(link)?;
        self.resolve(dir, &target, true)
    }

    /// Resolves all but the last component of `path`, starting at `start`
    /// (or `/` for an absolute path).
    ///
    /// # Errors
    /// ENOENT (empty path or missing directory), ENAMETOOLONG, ENOTDIR,
    /// ELOOP.
    pub fn parent(&mut self, start: &Loc, path: &[u8]) -> SysResult<ParentOf> {
        check_path(path)?;
        let mut cur = if path[0] == b'/' {
            self.vfs.root()
        } else {
            start.clone()
        };
        let trailing_slash = path.ends_with(b"/");
        let comps: Vec<&[u8]> = path
            .split(|&b| b == b'/')
            .filter(|c| !c.is_empty())
            .collect();
        let Some((last, init)) = comps.split_last() else {
            return Ok(ParentOf {
                dir: cur,
                last: Last::Root,
                trailing_slash,
            });
        };
        for comp in init {
            require_dir(&cur)?;
            cur = match *comp {
                b"." => cur,
                b".." => self.vfs.dotdot(&cur)?,
                name => {
                    let next = self.step(&cur, name)?;
                    if is_symlink(&next) {
                        self.follow(&cur, &next)?
                    } else {
                        next
                    }
                }
            };
        }
        require_dir(&cur)?;
        let last = match *last {
            b"." => Last::Dot,
            b".." => Last::DotDot,
            name if name.len() > NAME_MAX => {
                return err(Errno::ENAMETOOLONG, "component longer than NAME_MAX")
            }
            name => Last::Name(name.to_vec()),
        };
        Ok(ParentOf {
            dir: cur,
            last,
            trailing_slash,
        })
    }

    /// Resolves `path` from `start` to the object it names, following a
    /// final symlink if `follow` or if the path ends in `/` (which also
    /// demands a directory).
    ///
    /// # Errors
    /// As [`Walk::parent`], plus ENOTDIR for a trailing slash on a
    /// non-directory.
    pub fn resolve(&mut self, start: &Loc, path: &[u8], follow: bool) -> SysResult<Loc> {
        let p = self.parent(start, path)?;
        let loc = match p.last {
            Last::Root | Last::Dot => p.dir,
            Last::DotDot => self.vfs.dotdot(&p.dir)?,
            Last::Name(name) => {
                let next = self.step(&p.dir, &name)?;
                if is_symlink(&next) && (follow || p.trailing_slash) {
                    self.follow(&p.dir, &next)?
                } else {
                    next
                }
            }
        };
        if p.trailing_slash && !loc.metadata().is_dir() {
            return err(Errno::ENOTDIR, "trailing slash on a non-directory");
        }
        Ok(loc)
    }
}
