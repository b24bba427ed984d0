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
use crate::config::Config;
use crate::error::{Diagnostic, Span};
use crate::sitefs::walk_files as walk;

/// A Markdown file that becomes a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the site root, `/`-separated: `content/articles/x.md`.
    pub rel: String,
    pub abs: PathBuf,
    /// Index of its column in `Config::columns` (its top-level folder).
    pub column: usize,
    /// Its column's kind.
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
    /// Its output name holds a hash of its content (a photo's published
    /// size): a file of that name and length is the same file.
    pub hashed: bool,
    /// Its length, when known without asking the file system.
    pub len: Option<u64>,
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

/// Finds every source and asset of the site at `root` (canonical). A
/// Markdown file belongs to the column of its top-level folder; on a site
/// that declares its columns, a folder of Markdown files that no column
/// names and a column whose folder is missing are errors (a site without
/// `columns` ignores such files with a warning, as it always did).
pub fn discover(root: &Path, cfg: &Config) -> Discovery {
    let mut d = Discovery::default();
    let mut diags = Vec::new();
    let mut ignored = Vec::new();
    let mut sources = Vec::new();
    let mut assets = Vec::new();
    // Folders of Markdown files that no column names, with a file of each.
    let mut strays: std::collections::BTreeMap<String, String> = Default::default();
    let declared = cfg.declares_columns();
    walk(root, "content", &mut diags, |rel, abs| {
        let rel_s = rel_string(rel);
        let site_rel = format!("content/{rel_s}");
        let is_md = rel
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        if is_md {
            let nested = rel.components().count() > 1;
            let folder = if nested {
                rel_s.split('/').next().unwrap_or("")
            } else {
                ""
            };
            match cfg.column_of(folder).filter(|_| nested) {
                Some(column) => sources.push(SourceFile {
                    stem: rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                    rel: site_rel,
                    abs,
                    column,
                    kind: cfg.columns[column].kind,
                }),
                None if declared => {
                    strays.entry(folder.to_owned()).or_insert(site_rel);
                }
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
                hashed: false,
                len: None,
            });
        }
    });
    for (folder, file) in strays {
        diags.push(if folder.is_empty() {
            Diagnostic::error(Span::file(file), "a Markdown file directly under content/ belongs to no column")
                .with_help("请把文件放进某个栏目的文件夹，例如 content/articles/")
        } else {
            Diagnostic::error(
                Span::file(format!("content/{folder}")),
                format!("the folder `{folder}` is not a column of the site"),
            )
            .with_help(format!(
                "在 site.yaml 的 columns 中加入这个栏目，例如：\n  - folder: {folder}\n    title: 栏目名称\n    kind: article"
            ))
        });
    }
    if declared {
        for c in &cfg.columns {
            if !root.join("content").join(&c.folder).is_dir() {
                diags.push(
                    Diagnostic::error(
                        c.span
                            .clone()
                            .unwrap_or_else(|| Span::file(crate::config::CONFIG_FILE)),
                        format!(
                            "the folder content/{} of the column `{}` does not exist",
                            c.folder, c.title
                        ),
                    )
                    .with_help(format!(
                        "请新建文件夹 content/{}，或从 columns 中删去这个栏目",
                        c.folder
                    )),
                );
            }
        }
    }
    walk(root, "static", &mut diags, |rel, abs| {
        let rel_s = rel_string(rel);
        assets.push(Asset {
            rel: format!("static/{rel_s}"),
            out: rel_s,
            abs,
            hashed: false,
            len: None,
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
