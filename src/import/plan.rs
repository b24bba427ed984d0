//! Where converted documents go: the column, a file name that is new
//! (`2024-07-30-fire-drill.md`, then `-2`, `-3`), the folder of images
//! beside it, the file's text; and writing them.
//!
//! Imports `config` (columns), `content::slug`, `error`.
//!
//! Invariants: a planned name is free on disk (neither the file nor the
//! image folder exists) and unique within the run; [`write`] creates
//! every file with `create_new`, so an existing file is never replaced,
//! even one that appeared after planning.

use std::collections::HashSet;
use std::path::Path;

use super::meta::{self, front_matter};
use super::{Doc, IMAGES};
use crate::config::{Config, Kind};
use crate::content::slug::slugify;
use crate::error::{Diagnostic, Error, Span};

/// A document with its place in the site.
#[derive(Debug)]
pub struct Planned {
    pub doc: Doc,
    /// Index into `Config::columns`.
    pub column: usize,
    /// `content/articles/2024-07-30-x.md`.
    pub rel: String,
    /// `content/articles/2024-07-30-x` (when there are images).
    pub images_rel: String,
    /// The file's text: front matter and body.
    pub text: String,
    pub title: String,
    /// Notes about the plan (a name taken, a date guessed).
    pub notes: Vec<Diagnostic>,
}

/// File names of old-site pages that say nothing (`index.html`).
const GENERIC_STEMS: &[&str] = &[
    "index", "default", "content", "detail", "article", "show", "view", "page", "news", "info",
    "doc", "document", "new", "main", "print",
];

/// The name (without `.md`) of a document dated `date` (`YYYY-MM-DD…`):
/// the date, then the input's file name if it is Latin letters and digits
/// (`t20240730_123456`, `fire-drill`), else the start of the title
/// (Chinese is kept, as slugs keep it), else `import`.
pub fn file_stem(date: &str, input_stem: &str, title: &str) -> String {
    let day: String = date.chars().take(10).collect();
    let mut from_input = slugify(input_stem);
    // `2024-07-30-x` already carries the date.
    if let Some(rest) = from_input.strip_prefix(&day) {
        from_input = rest.trim_start_matches(['-', '_']).to_owned();
    }
    let usable = from_input.is_ascii()
        && from_input.chars().any(|c| c.is_ascii_alphanumeric())
        && !GENERIC_STEMS.contains(&from_input.as_str())
        && from_input.len() <= 60;
    let slug = if usable {
        from_input
    } else {
        let t: String = slugify(title).chars().take(24).collect();
        let t = t.trim_matches(['-', '.', '_']).to_owned();
        if t.is_empty() { "import".to_owned() } else { t }
    };
    format!("{day}-{slug}")
}

/// Which column documents go to: the one named with `--column`, or by
/// default `fallback` unless a page's old column (`ColumnName`) is the
/// title of an article column of the site.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Fixed(usize),
    Default(usize),
}

fn column_for(doc: &Doc, cfg: &Config, target: Target) -> usize {
    match target {
        Target::Fixed(c) => c,
        Target::Default(fallback) => doc
            .column_name
            .as_deref()
            .and_then(|name| {
                cfg.columns
                    .iter()
                    .position(|c| c.kind == Kind::Article && c.title == name)
            })
            .unwrap_or(fallback),
    }
}

/// Plans every document: column, free name, text. `today` (`YYYY-MM-DD`)
/// dates a document that gives no date (with a note saying so).
pub fn plan(
    docs: Vec<Doc>,
    cfg: &Config,
    target: Target,
    root: &Path,
    today: &str,
) -> Vec<Planned> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for doc in docs {
        let mut notes = Vec::new();
        let input = super::shown(&doc.input);
        let column = column_for(&doc, cfg, target);
        let folder = &cfg.columns[column].folder;
        let input_stem = doc
            .input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let title = doc.meta.title.clone().unwrap_or_else(|| input_stem.clone());
        let date = match &doc.meta.date {
            Some(d) => d.clone(),
            None => {
                notes.push(
                    Diagnostic::warning(
                        Span::file(input.clone()),
                        format!("no date found; dated today ({today})"),
                    )
                    .with_help("文中没有找到发布日期，已填今天的日期：请在前置元数据的 date 中改为实际发布日期"),
                );
                today.to_owned()
            }
        };
        let base = file_stem(&date, &input_stem, &title);
        let free = |stem: &str, taken: &HashSet<String>| {
            let rel = format!("content/{folder}/{stem}");
            !taken.contains(&rel)
                && !root.join(format!("{rel}.md")).exists()
                && !root.join(&rel).exists()
        };
        let mut stem = base.clone();
        let mut n = 2;
        while !free(&stem, &taken) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        if stem != base {
            notes.push(
                Diagnostic::warning(
                    Span::file(input.clone()),
                    format!("content/{folder}/{base}.md exists; writing {stem}.md instead"),
                )
                .with_help("同名文件已存在，没有覆盖：如果是重复导入，请删除多余的一份"),
            );
        }
        let images_rel = format!("content/{folder}/{stem}");
        taken.insert(images_rel.clone());
        let file_name = doc
            .input
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let body = doc
            .markdown
            .replace(&format!("]({IMAGES}/"), &format!("]({stem}/"));
        let text = format!(
            "{}{body}",
            front_matter(&doc.meta, &title, &date, &[("imported_from", file_name)])
        );
        out.push(Planned {
            column,
            rel: format!("{images_rel}.md"),
            images_rel,
            text,
            title: meta::clean(&title),
            notes,
            doc,
        });
    }
    out
}

fn create_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| Error::io(path, e))
}

/// Writes a planned document: its images first, then the Markdown file.
pub fn write(root: &Path, p: &Planned) -> Result<(), Error> {
    let md = root.join(&p.rel);
    if let Some(parent) = md.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    if !p.doc.images.is_empty() {
        let dir = root.join(&p.images_rel);
        std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        for im in &p.doc.images {
            create_new(&dir.join(&im.name), &im.bytes)?;
        }
    }
    create_new(&md, p.text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_prefer_latin_input_names_then_the_title() {
        assert_eq!(
            file_stem("2024-07-30", "t20240730_123456", "标题"),
            "2024-07-30-t20240730_123456"
        );
        assert_eq!(
            file_stem("2024-07-30 10:00", "Fire Drill", "x"),
            "2024-07-30-fire-drill"
        );
        assert_eq!(
            file_stem("2024-07-30", "2024-07-30-fire", "x"),
            "2024-07-30-fire"
        );
        assert_eq!(
            file_stem(
                "2024-07-30",
                "关于开展消防演练的通知",
                "关于开展消防演练的通知"
            ),
            "2024-07-30-关于开展消防演练的通知"
        );
        assert_eq!(
            file_stem("2024-07-30", "index", "青石街道：开展演练"),
            "2024-07-30-青石街道开展演练"
        );
        assert_eq!(
            file_stem("2024-07-30", "index", "？？"),
            "2024-07-30-import"
        );
    }
}
