//! Finding the site's files: Markdown sources under `content/` and assets
//! (images, PDFs …) under `content/` and `static/`.
//!
//! Owns: the only use of `walkdir`. Imports: `error`, the parent's `Kind`.
//!
//! Invariants: results are sorted by path (deterministic builds); names
//! starting with `_` or `.` are skipped with everything below them; symbolic
//! links are never followed (a link could point outside the site).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::Kind;
use crate::error::{Diagnostic, Span};

/// A Markdown file that becomes a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the site root, `/`-separated: `content/articles/x.md`.
    pub rel: String,
    pub abs: PathBuf,
    pub kind: Kind,
    /// The file name without `.md`.
    pub stem: String,
}

/// A file copied to the output as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The output path, `/`-separated, no leading slash: `articles/images/a.svg`.
    pub out: String,
    /// Relative to the site root, for messages.
    pub rel: String,
    pub abs: PathBuf,
}

#[derive(Debug, Default, Clone)]
pub struct Discovery {
    pub sources: Vec<SourceFile>,
    pub assets: Vec<Asset>,
    pub diags: Vec<Diagnostic>,
}

fn rel_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn hidden(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    n.starts_with('_') || n.starts_with('.')
}

/// Walks `root/dir`, calling `found(relative-to-dir, absolute)` for every file.
fn walk(
    root: &Path,
    dir: &str,
    diags: &mut Vec<Diagnostic>,
    mut found: impl FnMut(&Path, PathBuf),
) {
    let base = root.join(dir);
    if !base.is_dir() {
        return;
    }
    let walker = WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(rel_string)
                    .unwrap_or_else(|| dir.to_owned());
                diags.push(
                    Diagnostic::error(Span::file(rel), format!("cannot read: {e}"))
                        .with_help("请检查文件权限"),
                );
                continue;
            }
        };
        let Ok(rel_to_root) = entry.path().strip_prefix(root) else {
            continue;
        };
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::warning(Span::file(rel_string(rel_to_root)), "symbolic link skipped")
                    .with_help("为安全起见不跟随符号链接；请把文件直接放在站点目录中"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel_to_dir) = entry.path().strip_prefix(&base) else {
            continue;
        };
        found(rel_to_dir, entry.path().to_path_buf());
    }
}

/// Finds every source and asset of the site at `root`.
pub fn discover(root: &Path) -> Discovery {
    let mut d = Discovery::default();
    let mut diags = Vec::new();
    let mut ignored = Vec::new();
    let mut sources = Vec::new();
    let mut assets = Vec::new();
    walk(root, "content", &mut diags, |rel, abs| {
        let rel_s = rel_string(rel);
        let site_rel = format!("content/{rel_s}");
        let is_md = rel
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        if is_md {
            let folder = rel_s.split('/').next().unwrap_or("");
            let kind = if rel.components().count() > 1 {
                Kind::from_folder(folder)
            } else {
                None
            };
            match kind {
                Some(kind) => sources.push(SourceFile {
                    stem: rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                    rel: site_rel,
                    abs,
                    kind,
                }),
                None => ignored.push(
                    Diagnostic::warning(Span::file(site_rel), "Markdown file outside articles/, drills/, cases/ and pages/ is ignored")
                        .with_help("请把文件放到 content/articles（工作动态）、content/drills（应急演练）、content/cases（警示案例）或 content/pages（单页）中"),
                ),
            }
        } else {
            assets.push(Asset {
                out: rel_s,
                rel: site_rel,
                abs,
            });
        }
    });
    walk(root, "static", &mut diags, |rel, abs| {
        let rel_s = rel_string(rel);
        assets.push(Asset {
            rel: format!("static/{rel_s}"),
            out: rel_s,
            abs,
        });
    });
    diags.append(&mut ignored);
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    d.sources = sources;
    d.assets = assets;
    d.diags = diags;
    d
}
