//! Content-hashed names for the theme's static files (`css/site.css` →
//! `css/site.1a2b3c4d.css`), so hosts can cache them for a year.
//!
//! Owns: which files get a hashed name, the name itself, and rewriting
//! `url(…)` references inside stylesheets to the hashed names.
//! Imports: the parent module (`fingerprint`, `Files`).
//!
//! Invariants: a hashed name depends only on the final bytes of the file
//! (after its own references were rewritten); files at the top of the
//! output (`favicon.ico`, `robots.txt`, …) keep their names because
//! browsers and crawlers ask for them by name; only the hashed name is
//! emitted.

use std::collections::BTreeMap;

use super::{Files, fingerprint};
use crate::weburl;

/// Extensions of files that get a hashed name.
const HASHED: &[&str] = &[
    "css", "js", "mjs", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "woff", "woff2",
    "ttf", "otf",
];

/// True when a theme file at `path` (output path) gets a hashed name.
pub fn should_hash(path: &str) -> bool {
    let Some((dir, file)) = path.rsplit_once('/') else {
        return false; // top-level files keep their well-known names
    };
    !dir.is_empty()
        && file.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && HASHED.contains(&ext.to_ascii_lowercase().as_str())
        })
}

/// `css/site.css` + hash → `css/site.<hash>.css`.
pub fn hashed_name(path: &str, bytes: &[u8]) -> String {
    let hash = fingerprint(bytes);
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}.{hash}.{ext}"),
        _ => format!("{path}.{hash}"),
    }
}

/// The theme's files under their final names, and original → hashed name.
#[derive(Debug, Default)]
pub struct Assets {
    pub files: Files,
    /// Original output path → hashed output path (only renamed files).
    pub names: BTreeMap<String, String>,
}

/// Hashes `statics` (output path → bytes). Stylesheets are hashed last, after
/// their `url(…)` references to other hashed files were rewritten.
pub fn hash_statics(statics: &BTreeMap<String, Vec<u8>>) -> Assets {
    let mut a = Assets::default();
    let is_css = |p: &str| p.to_ascii_lowercase().ends_with(".css");
    for (path, bytes) in statics.iter().filter(|(p, _)| !is_css(p)) {
        a.add(path, bytes.clone());
    }
    for (path, bytes) in statics.iter().filter(|(p, _)| is_css(p)) {
        let bytes = match std::str::from_utf8(bytes) {
            Ok(text) => rewrite_css_urls(path, text, &a.names).into_bytes(),
            Err(_) => bytes.clone(),
        };
        a.add(path, bytes);
    }
    a
}

impl Assets {
    /// Adds one file, hashing its name when [`should_hash`] says so.
    pub fn add(&mut self, path: &str, bytes: Vec<u8>) {
        if should_hash(path) {
            let name = hashed_name(path, &bytes);
            self.names.insert(path.to_owned(), name.clone());
            self.files.insert(name, bytes);
        } else {
            self.files.insert(path.to_owned(), bytes);
        }
    }

    /// The final output path of a theme file.
    pub fn name<'a>(&'a self, path: &'a str) -> &'a str {
        self.names.get(path).map_or(path, String::as_str)
    }
}

/// Resolves `reference` (relative, from the CSS file at `css_path`) to an
/// output path, without `..` escaping the root.
fn resolve(css_path: &str, reference: &str) -> Option<String> {
    let dir = css_path.rsplit_once('/').map_or("", |(d, _)| d);
    crate::sitefs::join_inside(dir, reference.trim_start_matches('/'))
}

/// Rewrites relative `url(…)` references in a stylesheet to hashed names.
pub fn rewrite_css_urls(css_path: &str, css: &str, names: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(p) = rest.find("url(") {
        out.push_str(&rest[..p + 4]);
        rest = &rest[p + 4..];
        let Some(close) = rest.find(')') else {
            break;
        };
        let inner = &rest[..close];
        let trimmed = inner.trim();
        let (quote, reference) = match trimmed.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), trimmed.trim_matches(q)),
            _ => (None, trimmed),
        };
        let split = reference.find(['?', '#']).unwrap_or(reference.len());
        let (path, suffix) = reference.split_at(split);
        let local = !path.is_empty() && !path.starts_with('/') && weburl::is_local(path);
        let renamed = local
            .then(|| resolve(css_path, path))
            .flatten()
            .and_then(|full| names.get(&full))
            .and_then(|hashed| hashed.rsplit('/').next());
        match renamed {
            Some(file) => {
                let dir = path.rfind('/').map_or("", |i| &path[..=i]);
                let q = quote.map(String::from).unwrap_or_default();
                out.push_str(&format!("{q}{dir}{file}{suffix}{q}"));
            }
            None => out.push_str(inner),
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_hash_theme_assets_but_not_top_level_files() {
        assert!(should_hash("css/site.css"));
        assert!(should_hash("js/search.js"));
        assert!(should_hash("images/logo.PNG"));
        assert!(!should_hash("favicon.ico"));
        assert!(!should_hash("robots.txt"));
        assert!(!should_hash("docs/manual.pdf"));
        assert!(!should_hash("css/.hidden"));
    }

    #[test]
    fn hashed_name_inserts_hash_before_extension() {
        let n = hashed_name("css/site.css", b"body{}");
        assert!(n.starts_with("css/site.") && n.ends_with(".css"), "{n}");
        assert_eq!(n.len(), "css/site..css".len() + 8);
        assert_ne!(n, hashed_name("css/site.css", b"body{ }"));
    }

    #[test]
    fn stylesheet_references_follow_and_change_its_hash() {
        let mut statics = BTreeMap::new();
        statics.insert("images/logo.png".to_owned(), b"PNG1".to_vec());
        statics.insert(
            "css/site.css".to_owned(),
            b"a{background:url(\"../images/logo.png?x#y\")} b{background:url(data:image/png;base64,AA)}".to_vec(),
        );
        let a = hash_statics(&statics);
        let logo = a.name("images/logo.png").to_owned();
        let css_name = a.name("css/site.css").to_owned();
        let css = String::from_utf8(a.files[&css_name].clone()).unwrap();
        let logo_file = logo.rsplit('/').next().unwrap();
        assert!(
            css.contains(&format!("url(\"../images/{logo_file}?x#y\")")),
            "{css}"
        );
        assert!(css.contains("url(data:image/png;base64,AA)"));
        assert!(!a.files.contains_key("css/site.css"));
        assert!(!a.files.contains_key("images/logo.png"));
    }
}
