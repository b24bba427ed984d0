//! What a rebuild changes in the served files.
//!
//! Owns: comparing a build's update with the files being served, applying
//! it, and telling a stylesheet-only change from others.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use super::store::{Made, Served};

/// What changed between two successful builds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Output paths added, changed or removed.
    pub paths: BTreeSet<String>,
}

impl Changes {
    pub fn pages(&self) -> usize {
        self.paths.iter().filter(|p| p.ends_with(".html")).count()
    }

    /// A one-line summary: `1 page changed`, `3 pages and 2 files changed`.
    pub fn summary(&self) -> String {
        let pages = self.pages();
        let files = self.paths.len() - pages;
        let p = |n: usize| if n == 1 { "page" } else { "pages" };
        let f = |n: usize| if n == 1 { "file" } else { "files" };
        match (pages, files) {
            (0, 0) => "nothing changed".to_owned(),
            (n, 0) => format!("{n} {} changed", p(n)),
            (0, m) => format!("{m} {} changed", f(m)),
            (n, m) => format!("{n} {} and {m} other {} changed", p(n), f(m)),
        }
    }
}

/// What a build changes in the served files `files`: the files it made
/// with other bytes than served, those it removed, plus copied assets that
/// were added, removed, or whose source file is in `sources` (the paths
/// the watcher reported).
pub fn diff(
    files: &Served,
    made: &[Made],
    remove: &[String],
    copies: (&HashMap<String, PathBuf>, &HashMap<String, PathBuf>),
    sources: &[String],
) -> Changes {
    let (old_copies, new_copies) = copies;
    let mut paths: BTreeSet<String> = made
        .iter()
        .filter(|m| m.changed)
        .map(|m| m.path.clone())
        .collect();
    paths.extend(
        remove
            .iter()
            .filter(|k| files.contains_key(k.as_str()))
            .cloned(),
    );
    for (k, abs) in new_copies {
        if old_copies.get(k) != Some(abs) || sources.iter().any(|s| abs.ends_with(s)) {
            paths.insert(k.clone());
        }
    }
    for k in old_copies.keys() {
        if !new_copies.contains_key(k) {
            paths.insert(k.clone());
        }
    }
    Changes { paths }
}

/// The served files after a build: `files` without `remove`, with what the
/// build made.
pub(super) fn apply(files: &Served, made: Vec<Made>, remove: &[String]) -> Served {
    let mut out = files.clone();
    for k in remove {
        out.remove(k.as_str());
    }
    for m in made.into_iter().filter(|m| m.changed) {
        out.insert(m.path.into(), m.stored);
    }
    out
}

/// True when only stylesheets changed, so browsers can swap them in place.
/// Pages link the stylesheet with a fingerprint, so their HTML changes too;
/// the sources tell: every changed source file is a `.css` file.
pub fn css_only(changes: &Changes, sources: &[String]) -> bool {
    !sources.is_empty()
        && sources.iter().all(|s| s.ends_with(".css"))
        && changes
            .paths
            .iter()
            .all(|p| p.ends_with(".css") || p.ends_with(".html"))
}
