//! Assembling the site from its published pages, through the memo.
//!
//! Owns: the key of the assembled site's structure (URLs, lists, tags,
//! neighbours) — what every page's front matter says, the clock and the
//! publishing rules — and reusing the last structure when that key is
//! unchanged (an edit of page bodies only).

use std::collections::HashMap;

use super::load::Loaded;
use super::memo::Memo;
use crate::config::Config;
use crate::content::Page;
use crate::dates::Timestamp;
use crate::error::Diagnostic;
use crate::hash::Key;
use crate::site::{self, Site, Unpublished};

/// An assembled site without its pages, and its diagnostics.
pub(super) struct Shape {
    key: u64,
    site: Site,
    diags: Vec<Diagnostic>,
}

/// The key of the site's structure: every loaded file's front matter (not
/// its body), the clock and the publishing options; the configuration
/// resets the whole memo when it changes.
pub(super) fn key(loaded: &[Loaded], now: Timestamp, opts: &super::BuildOptions) -> u64 {
    let mut k = Key::new();
    k.add(&now).add(&format!("{:?}", opts.publish));
    for l in loaded {
        k.add(&l.file).add(&l.meta_key).add(&l.failed);
    }
    k.finish()
}

/// [`site::assemble`], or the memo's structure for the same key with the
/// new pages in it.
pub(super) fn assemble(
    cfg: Config,
    published: Vec<Page>,
    reasons: HashMap<String, Unpublished>,
    now: Timestamp,
    key: Option<u64>,
    memo: &mut Memo,
) -> (Site, Vec<Diagnostic>) {
    if let Some(key) = key
        && let Some(shape) = memo.site.take().filter(|s| s.key == key)
    {
        let Shape {
            mut site, diags, ..
        } = shape;
        let found = published
            .iter()
            .filter(|p| site.by_file.contains_key(&p.file))
            .count();
        // Equal keys mean the same pages; anything else is assembled again.
        if found == site.dirs.len() {
            let mut slots: Vec<Option<Page>> = (0..found).map(|_| None).collect();
            // A page left out last time (a duplicate URL) is left out again.
            for p in published {
                if let Some(&id) = site.by_file.get(&p.file) {
                    slots[id] = Some(p);
                }
            }
            site.pages = slots.into_iter().flatten().collect();
            return (site, diags);
        }
    }
    site::assemble(cfg, published, reasons, now)
}

/// Keeps the structure of `site` (its pages taken out) for the next build.
pub(super) fn keep(site: Site, diags: Vec<Diagnostic>, key: Option<u64>, memo: &mut Memo) {
    if let Some(key) = key {
        memo.site = Some(Shape { key, site, diags });
    }
}
