//! Link answers: how a page's links resolve against the assembled site,
//! and the log of every question a page asked (the key of its body memo).
//!
//! Owns: `@/` and relative link resolution, near-miss suggestions for
//! missing files, recording the questions and their answers.
//! Imports: `site`, `markdown` (the `Links` trait), `content::slug`.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

use crate::content::slug::{encode_segment, percent_decode};
use crate::markdown::{Links, Target};
use crate::site::{Site, Unpublished};

/// Resolves links against the assembled site.
pub(super) struct SiteLinks<'a> {
    pub site: &'a Site,
    /// Files that exist but were left out (unpublished) → their future URL and why.
    pub unpublished: &'a HashMap<String, (Unpublished, String)>,
    /// Files that failed to load (their own errors are reported already).
    pub failed: &'a HashSet<String>,
    pub assets: &'a HashSet<String>,
}

/// Normalizes `a/b/../c` (no escaping above the start); `None` if it escapes.
fn normalize(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

impl SiteLinks<'_> {
    fn page_target(&self, file: &str) -> Target {
        if let Some(&id) = self.site.by_file.get(file) {
            return Target::Page {
                url: self.site.url(id),
                file: file.to_owned(),
            };
        }
        if let Some((why, dir)) = self.unpublished.get(file) {
            return Target::Warn(
                self.site.url_of_dir(dir),
                format!(
                    "links to {file}, which {} and is not on the site yet",
                    why.reason()
                ),
            );
        }
        if self.failed.contains(file) {
            return Target::Url("#".into());
        }
        Target::Missing(format!("there is no file {file}"))
    }

    fn asset_url(&self, out: &str) -> String {
        let mut url = self.site.config.base_path.clone();
        url.push_str(
            &out.split('/')
                .map(encode_segment)
                .collect::<Vec<_>>()
                .join("/"),
        );
        url
    }
}

impl Links for SiteLinks<'_> {
    fn internal(&self, path: &str) -> Target {
        let path = path.trim_start_matches('/');
        let path = path.strip_prefix("content/").unwrap_or(path);
        let file = if path.ends_with(".md") {
            format!("content/{path}")
        } else {
            format!("content/{path}.md")
        };
        self.page_target(&file)
    }

    fn relative(&self, file: &str, url: &str) -> Target {
        let decoded = percent_decode(url);
        let dir = Path::new(file).parent().unwrap_or(Path::new(""));
        let Some(joined) = normalize(&dir.join(&decoded)) else {
            return Target::Missing("it points outside the site".into());
        };
        if joined.ends_with(".md") {
            return self.page_target(&joined);
        }
        for prefix in ["content/", "static/"] {
            if let Some(out) = joined.strip_prefix(prefix)
                && self.assets.contains(out)
            {
                return Target::Url(self.asset_url(out));
            }
        }
        let why = format!("there is no file {joined}");
        let near = ["content/", "static/"].iter().find_map(|prefix| {
            let out = joined.strip_prefix(prefix)?;
            near_miss(&decoded, out, self.assets.iter().map(String::as_str))
        });
        match near {
            Some(fix) => Target::Near(why, fix),
            None => Target::Missing(why),
        }
    }

    fn rooted(&self, url: &str) -> String {
        format!(
            "{}{}",
            self.site.config.base_path,
            url.trim_start_matches('/')
        )
    }
}

/// A path without the extension of its last segment, in lower case: two
/// paths that differ only in letter case or extension have the same one.
fn loose(path: &str) -> String {
    let stem = match path.rfind('.') {
        Some(dot) if !path[dot..].contains('/') && !path[..dot].ends_with('/') => &path[..dot],
        _ => path,
    };
    stem.to_lowercase()
}

/// The link to write instead of `url` (relative, as the editor wrote it,
/// percent-decoded) when the file it names, output path `out`, does not
/// exist but one of `assets` differs from it only in letter case or
/// extension: `images/现场.JPG` → `images/现场.jpg`. A case-only match is
/// preferred, then the first in order.
fn near_miss<'a>(url: &str, out: &str, assets: impl Iterator<Item = &'a str>) -> Option<String> {
    let want = loose(out);
    let ext = |p: &str| {
        p.rsplit('/')
            .next()
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.to_lowercase())
    };
    let found = assets
        .filter(|a| loose(a) == want)
        .min_by_key(|a| (ext(a) != ext(out), *a))?;
    // The last segments of `url` name the same folders and file as the
    // last segments of `found`; the ones before (`..`, `.`) stay.
    let segments: Vec<&str> = url.split('/').collect();
    let named = segments
        .iter()
        .rev()
        .take_while(|s| !matches!(**s, "" | "." | ".."))
        .count();
    let found_segments: Vec<&str> = found.split('/').collect();
    if named == 0 || named > found_segments.len() {
        return None;
    }
    let mut fixed: Vec<&str> = segments[..segments.len() - named].to_vec();
    fixed.extend_from_slice(&found_segments[found_segments.len() - named..]);
    Some(fixed.join("/"))
}

/// A link question a page's Markdown asked while rendering, and the answer.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Query {
    Internal(String, Target),
    Relative(String, String, Target),
    Rooted(String, String),
}

/// Answers link questions and remembers them, so a cached body can later be
/// checked against the new site: same questions, same answers → same body.
pub(super) struct Recorder<'a> {
    inner: &'a dyn Links,
    log: std::sync::Mutex<Vec<Query>>,
}

impl<'a> Recorder<'a> {
    fn push(&self, q: Query) {
        match self.log.lock() {
            Ok(mut g) => g.push(q),
            Err(e) => e.into_inner().push(q),
        }
    }

    pub fn new(inner: &'a dyn Links) -> Self {
        Recorder {
            inner,
            log: std::sync::Mutex::new(Vec::new()),
        }
    }

    pub fn into_log(self) -> Vec<Query> {
        self.log.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Links for Recorder<'_> {
    fn internal(&self, path: &str) -> Target {
        let t = self.inner.internal(path);
        self.push(Query::Internal(path.to_owned(), t.clone()));
        t
    }

    fn relative(&self, file: &str, url: &str) -> Target {
        let t = self.inner.relative(file, url);
        self.push(Query::Relative(file.to_owned(), url.to_owned(), t.clone()));
        t
    }

    fn rooted(&self, url: &str) -> String {
        let t = self.inner.rooted(url);
        self.push(Query::Rooted(url.to_owned(), t.clone()));
        t
    }
}

pub(super) fn still_true(q: &Query, links: &dyn Links) -> bool {
    match q {
        Query::Internal(p, t) => links.internal(p) == *t,
        Query::Relative(f, u, t) => links.relative(f, u) == *t,
        Query::Rooted(u, t) => links.rooted(u) == *t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_refuses_escapes() {
        assert_eq!(
            normalize(Path::new("content/a/../b.png")).as_deref(),
            Some("content/b.png")
        );
        assert_eq!(normalize(Path::new("content/../../x")), None);
    }

    #[test]
    fn percent_decode_handles_utf8() {
        assert_eq!(percent_decode("%E6%B6%88%E9%98%B2.png"), "消防.png");
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn near_miss_case_or_extension_gives_the_link_as_written() {
        let assets = [
            "articles/images/现场.jpg",
            "articles/images/现场.png",
            "articles/Plan.PDF",
            "x.svg",
        ];
        let near = |url: &str, out: &str| near_miss(url, out, assets.iter().copied());
        assert_eq!(
            near("images/现场.JPG", "articles/images/现场.JPG").as_deref(),
            Some("images/现场.jpg"),
            "a case-only match wins over another extension"
        );
        assert_eq!(
            near("images/现场.jpeg", "articles/images/现场.jpeg").as_deref(),
            Some("images/现场.jpg")
        );
        assert_eq!(
            near("../articles/plan.pdf", "articles/plan.pdf").as_deref(),
            Some("../articles/Plan.PDF")
        );
        assert_eq!(near("./X", "x").as_deref(), Some("./x.svg"));
        assert_eq!(near("images/缺失.png", "articles/images/缺失.png"), None);
    }
}
