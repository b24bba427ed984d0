//! Heading ids: the GitHub rule (Chinese characters kept), made unique per
//! page, and comrak's heading hook that writes them.
//!
//! Invariants: ids are given in document order, the same order comrak
//! writes the headings in; a generated `x-1` never repeats a literal `x-1`.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;

use comrak::adapters::{HeadingAdapter, HeadingMeta};
use comrak::nodes::Sourcepos;

use crate::html::escape_attr;

/// A heading id: lowercase, letters (any script), digits, `-` and `_`;
/// spaces become `-`. Same rule as GitHub, so Chinese headings keep their
/// characters: `## 一、工作措施` → `一工作措施`.
pub fn heading_id(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// The ids of one page's headings, unique within the page.
#[derive(Default)]
pub(super) struct UniqueIds {
    used: HashMap<String, usize>,
}

impl UniqueIds {
    /// The id of the next heading, whose plain text is `title`.
    pub(super) fn next(&mut self, title: &str) -> String {
        let base = heading_id(title);
        let base = if base.is_empty() {
            "section".to_owned()
        } else {
            base
        };
        let n = self.used.entry(base.clone()).or_insert(0);
        let id = if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        *n += 1;
        // A generated id could collide with a literal heading text like "x-1".
        self.used.entry(id.clone()).or_insert(1);
        id
    }
}

/// Writes `<hN id="…">` with ids computed beforehand in document order.
pub(super) struct Headings {
    pub(super) ids: Mutex<VecDeque<String>>,
}

impl HeadingAdapter for Headings {
    fn enter(
        &self,
        out: &mut dyn fmt::Write,
        h: &HeadingMeta,
        _: Option<Sourcepos>,
    ) -> fmt::Result {
        let id = self
            .ids
            .lock()
            .ok()
            .and_then(|mut q| q.pop_front())
            .unwrap_or_default();
        write!(out, "<h{} id=\"{}\">", h.level, escape_attr(&id))
    }
    fn exit(&self, out: &mut dyn fmt::Write, h: &HeadingMeta) -> fmt::Result {
        writeln!(out, "</h{}>", h.level)
    }
}
