//! The site's files as anxuan may read them: inside the site root only.
//!
//! Owns: the only use of `walkdir`; the rule for symbolic links; joining
//! site paths without leaving the root ([`join_inside`]). Imports:
//! `error`.
//!
//! The rule: a file or folder reached through a symbolic link is used only
//! when its canonical path lies inside the canonical site root (a shared
//! image folder of the site, say); any other link is skipped with a warning
//! that names the link and its target. This holds for the folders walked
//! (`content/`, `static/`, a theme's) and for those folders themselves
//! when they are links.
//!
//! Invariants: every path [`walk_files`] hands out is canonical (no link
//! in it) given a canonical root; [`open`] and [`read`] check at the time
//! of reading that the file opened really is at that path, so a file
//! swapped for a link after the walk is refused, not read.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Diagnostic, Span};

/// The canonical form of the site root (it may itself be a link); the
/// path as given when it cannot be resolved (a missing folder, reported
/// later as such).
pub fn canonical_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

fn rel_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Names that are never published, with everything below them.
pub fn hidden(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    n.starts_with('_') || n.starts_with('.')
}

/// Where a link found at `site_rel` leads, judged by the rule: the
/// canonical target when it is inside `root`, else a warning.
fn follow(root: &Path, link: &Path, site_rel: &str) -> Result<PathBuf, Diagnostic> {
    let shown = std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    match link.canonicalize() {
        Ok(target) if target.starts_with(root) => Ok(target),
        Ok(target) => Err(Diagnostic::warning(
            Span::file(site_rel),
            format!(
                "symbolic link to `{}` skipped: it leads outside the site",
                target.display()
            ),
        )
        .with_help(
            "为安全起见，只使用指向站点目录之内的符号链接；请把要发布的文件复制到站点目录中",
        )),
        Err(e) => Err(Diagnostic::warning(
            Span::file(site_rel),
            format!("symbolic link to `{shown}` skipped: {e}"),
        )
        .with_help("链接的目标不存在或形成了循环；请修正或删除这个链接")),
    }
}

/// Walks `root/dir` (`root` canonical), calling `found(path below dir,
/// canonical path)` for every file, in name order. Names starting with
/// `_` or `.` are skipped with everything below them; links follow the
/// rule; problems go to `diags`.
pub fn walk_files(
    root: &Path,
    dir: &str,
    diags: &mut Vec<Diagnostic>,
    mut found: impl FnMut(&Path, PathBuf),
) {
    let base = root.join(dir);
    if std::fs::symlink_metadata(&base).is_err() {
        return;
    }
    // Any part of `dir` may be a link (`static`, `themes`, `themes/x`).
    let start = match follow(root, &base, dir) {
        Ok(target) if target.is_dir() => target,
        Ok(_) => return,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let mut walk = Walk {
        root,
        dir,
        diags,
        chain: vec![start.clone()],
    };
    walk.tree(&start, Path::new(""), &mut found);
}

struct Walk<'a> {
    root: &'a Path,
    dir: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    /// The canonical folders being walked, outermost first.
    chain: Vec<PathBuf>,
}

impl Walk<'_> {
    fn site_rel(&self, below: &Path) -> String {
        let rest = rel_string(below);
        if rest.is_empty() {
            self.dir.to_owned()
        } else {
            format!("{}/{rest}", self.dir)
        }
    }

    /// Walks the canonical folder `start`, whose files are `below/…`.
    fn tree(&mut self, start: &Path, below: &Path, found: &mut impl FnMut(&Path, PathBuf)) {
        let walker = WalkDir::new(start)
            .follow_links(false)
            .follow_root_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at = e
                        .path()
                        .and_then(|p| p.strip_prefix(start).ok())
                        .map(|p| below.join(p))
                        .unwrap_or_else(|| below.to_path_buf());
                    self.diags.push(
                        Diagnostic::error(
                            Span::file(self.site_rel(&at)),
                            format!("cannot read: {e}"),
                        )
                        .with_help("请检查文件权限"),
                    );
                    continue;
                }
            };
            let Ok(inner) = entry.path().strip_prefix(start) else {
                continue;
            };
            let rel = below.join(inner);
            if entry.path_is_symlink() {
                let site_rel = self.site_rel(&rel);
                match follow(self.root, entry.path(), &site_rel) {
                    Ok(target) if target.is_dir() => {
                        if self
                            .chain
                            .iter()
                            .any(|c| c.starts_with(&target) || target.starts_with(c))
                        {
                            self.diags.push(
                                Diagnostic::warning(
                                    Span::file(site_rel),
                                    format!(
                                        "symbolic link to `{}` skipped: that folder is already published here",
                                        target.display()
                                    ),
                                )
                                .with_help("链接指向本目录或其上级目录，会造成循环或重复发布；请删除这个链接"),
                            );
                        } else {
                            self.chain.push(target.clone());
                            self.tree(&target, &rel, found);
                            self.chain.pop();
                        }
                    }
                    Ok(target) if target.is_file() => found(&rel, target),
                    Ok(_) => {}
                    Err(d) => self.diags.push(d),
                }
                continue;
            }
            if entry.file_type().is_file() {
                found(&rel, entry.path().to_path_buf());
            }
        }
    }
}

/// Whether `path` is a file that [`walk_files`] would hand out by the
/// link rule (its canonical path inside the canonical `root`).
pub fn is_file_inside(root: &Path, path: &Path) -> bool {
    path.canonicalize()
        .is_ok_and(|p| p.starts_with(root) && p.is_file())
}

/// Opens a file that [`walk_files`] found, refusing it when the file
/// opened is no longer at that canonical path (a link was put in its
/// place, or in place of a folder above it, since the walk).
pub fn open(path: &Path) -> io::Result<File> {
    let f = File::open(path)?;
    if real_path(&f, path)? != path {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "it became a symbolic link after it was found; not read",
        ));
    }
    Ok(f)
}

/// Reads a whole file that [`walk_files`] found (see [`open`]).
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut f = open(path)?;
    let mut bytes = Vec::with_capacity(f.metadata().map_or(0, |m| m.len() as usize));
    f.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Copies a file that [`walk_files`] found to `to` (see [`open`]).
pub fn copy(from: &Path, to: &Path) -> io::Result<u64> {
    let mut src = open(from)?;
    let mut dst = File::create(to)?;
    io::copy(&mut src, &mut dst)
}

/// Where the open file really is: the kernel's answer on Linux (no race
/// with the open), the resolved path elsewhere.
fn real_path(f: &File, path: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(p) = std::fs::read_link(format!("/proc/self/fd/{}", f.as_raw_fd())) {
            return Ok(p);
        }
    }
    let _ = f;
    path.canonicalize()
}

/// A `/`-separated path `reference` from the folder `dir` (both relative
/// to the same root; a reference starting with `/` starts at the root),
/// `.` and `..` applied: None when it would leave the root.
pub fn join_inside(dir: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = if reference.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn open_refuses_a_file_swapped_for_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = canonical_root(dir.path());
        let secret = root.join("secret.txt");
        std::fs::write(&secret, "SECRET").unwrap();
        let file = root.join("a.txt");
        std::fs::write(&file, "ok").unwrap();
        assert_eq!(read(&file).unwrap(), b"ok");
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&secret, &file).unwrap();
        let err = read(&file).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }
}
