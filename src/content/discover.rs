//! Finding the site's files: Markdown sources under `content/` and assets
//! (images, PDFs …) under `content/` and `static/`.
//!
//! Imports: `error`, `sitefs` (the walk and its rule for symbolic links),
//! the parent's `Kind`.
//!
//! Invariants: results are sorted by path (deterministic builds); names
//! starting with `_` or `.` are skipped with everything below them; a
//! symbolic link is followed only when it leads to a place inside the site
//! root, and every `abs` is canonical (`sitefs`).

use std::path::{Path, PathBuf};

use super::Kind;
use crate::error::{Diagnostic, Span};
use crate::sitefs::walk_files as walk;

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

/// Finds every source and asset of the site at `root` (canonical).
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
