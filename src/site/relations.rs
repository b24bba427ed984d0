//! What a page's front matter points at: its attachments (files of the
//! site) and the pages a document names (`replaced_by`, `interpretation`),
//! with the links back (the article that explains a document shows it).
//!
//! Imports: `content`, `error`, `sitefs` (paths only), the parent module.
//! Reads no files: sizes
//! come from the caller.
//!
//! Invariants: an attachment is a file the build copies, found inside
//! `content/` (relative to its page) or `static/` (`/…`), never outside;
//! every problem of every page is reported.

use super::{PageId, Site};
use crate::content::attachment;
use crate::content::{Kind, PageRef};
use crate::error::Diagnostic;

/// An attachment found among the site's files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Found {
    pub title: String,
    /// Its output path: `notices/files/值班表.xlsx`.
    pub out: String,
    /// PDF, DOCX, XLSX …
    pub format: &'static str,
    pub size: u64,
}

/// A page's relations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Relations {
    pub attachments: Vec<Found>,
    pub replaced_by: Option<PageId>,
    pub interpretation: Option<PageId>,
    /// Documents this page is the interpretation of.
    pub interprets: Vec<PageId>,
    /// Documents this one replaced.
    pub replaces: Vec<PageId>,
}

impl Relations {
    /// Every page these relations name (whose titles and links the page
    /// shows): what replaced it, its 解读, what it explains, what it replaced.
    pub fn linked(&self) -> impl Iterator<Item = PageId> + '_ {
        self.replaced_by
            .iter()
            .chain(&self.interpretation)
            .chain(&self.interprets)
            .chain(&self.replaces)
            .copied()
    }
}

/// Every page's relations. `size_of(out)` is the size of the file the
/// build copies to `out`, or None when it copies none.
pub fn resolve(
    site: &Site,
    size_of: &dyn Fn(&str) -> Option<u64>,
) -> (Vec<Relations>, Vec<Diagnostic>) {
    let mut rel = vec![Relations::default(); site.pages.len()];
    let mut diags = Vec::new();
    let target = |r: &PageRef, diags: &mut Vec<Diagnostic>, what: &str| -> Option<PageId> {
        let file = format!("content/{}", r.path.split('#').next().unwrap_or(""));
        match site.by_file.get(&file) {
            Some(&id) => Some(id),
            None => {
                let why = if site.unpublished.contains_key(&file) {
                    "is not published"
                } else {
                    "does not exist"
                };
                diags.push(
                    Diagnostic::error(r.span.clone(), format!("`{what}`: @/{} {why}", r.path))
                        .with_help("`@/` 后面写 content/ 下已发布文件的路径，例如 `@/articles/2026-预案解读.md`"),
                );
                None
            }
        }
    };
    for (id, page) in site.pages.iter().enumerate() {
        // The page's folder below content/: `notices/` or `notices/2026/`.
        let dir = page
            .file
            .strip_prefix("content/")
            .and_then(|f| f.rsplit_once('/'))
            .map_or("", |(d, _)| d);
        for a in page.attachments() {
            let Some(out) = crate::sitefs::join_inside(dir, &a.file) else {
                diags.push(
                    Diagnostic::error(
                        a.span.clone(),
                        format!("attachment `{}` is outside the site", a.file),
                    )
                    .with_help("附件须放在网站文件夹内：与文章同一文件夹（相对路径），或 static/ 下（以 / 开头）"),
                );
                continue;
            };
            match size_of(&out) {
                Some(size) => rel[id].attachments.push(Found {
                    title: a.title.clone(),
                    format: attachment::format_label(&out).unwrap_or(""),
                    out,
                    size,
                }),
                None => diags.push(
                    Diagnostic::error(
                        a.span.clone(),
                        format!("attachment `{}` not found (looked for {out})", a.file),
                    )
                    .with_help(if a.file.starts_with('/') {
                        "以 / 开头的附件在 static/ 文件夹中查找；请检查文件名（含大小写和扩展名）"
                    } else {
                        "附件路径相对于本文件所在的文件夹，例如 `files/值班表.xlsx`；请检查文件名（含大小写和扩展名）"
                    }),
                ),
            }
        }
        if page.kind == Kind::Document
            && let Some(d) = page.document()
        {
            if let Some(r) = &d.replaced_by {
                rel[id].replaced_by = target(r, &mut diags, "replaced_by");
            }
            if let Some(r) = &d.interpretation {
                rel[id].interpretation = target(r, &mut diags, "interpretation");
            }
        }
    }
    for id in 0..rel.len() {
        if let Some(t) = rel[id].interpretation {
            rel[t].interprets.push(id);
        }
        if let Some(t) = rel[id].replaced_by {
            rel[t].replaces.push(id);
        }
    }
    (rel, diags)
}

#[cfg(test)]
mod tests {
    use crate::sitefs::join_inside as join;

    #[test]
    fn attachment_paths_stay_inside_the_root() {
        assert_eq!(
            join("notices", "files/a.pdf").as_deref(),
            Some("notices/files/a.pdf")
        );
        assert_eq!(
            join("notices/2026", "../a.pdf").as_deref(),
            Some("notices/a.pdf")
        );
        assert_eq!(
            join("notices", "/files/a.pdf").as_deref(),
            Some("files/a.pdf")
        );
        assert_eq!(join("notices", "./a.pdf").as_deref(), Some("notices/a.pdf"));
        assert_eq!(join("notices", "../../etc/passwd"), None);
        assert_eq!(join("notices", "/../x"), None);
    }
}
