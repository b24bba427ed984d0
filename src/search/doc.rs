//! Documents as the index sees them: their fields, and their body text cut
//! into chunks at separator characters (so a query phrase, which never
//! contains a separator, is always inside one chunk).

use super::format::{BODY, CHUNK_CHARS, MAX_CHUNKS, META, SUMMARY, TITLE};
use super::stats::for_each_key;
use super::tokenize::{Class, class, fold};
use crate::content::Kind;

/// One document as the index sees it.
pub(super) struct Doc {
    pub(super) title: String,
    pub(super) tags: Vec<String>,
    pub(super) areas: Vec<String>,
    pub(super) area_slugs: Vec<String>,
    pub(super) summary: String,
    /// Where each body chunk ends in the body text (bytes): chunk k is
    /// `cuts[k-1]..cuts[k]`, the first starting at 0.
    pub(super) cuts: Vec<usize>,
    pub(super) kind: Kind,
    /// The column's folder and title, on a site that declares its columns
    /// (the search filters by column there, by kind elsewhere).
    pub(super) column: Option<(String, String)>,
    pub(super) url: String,
    pub(super) date: String,
    pub(super) year: Option<i16>,
}

/// Splits body text into chunks of about `CHUNK_CHARS` characters, cutting
/// only at separator characters (preferably after a sentence end): where
/// each chunk ends, in bytes (the first starts at 0).
pub fn chunk_cuts(text: &str) -> Vec<usize> {
    chunk_cuts_counting(text).0
}

/// [`chunk_cuts`], and how many tokens the chunks hold (counted in the same
/// pass: cuts fall after separators, so no token spans two chunks, and text
/// after the last cut is blank).
pub(super) fn chunk_cuts_counting(text: &str) -> (Vec<usize>, u32) {
    let total = text.chars().count();
    if total == 0 {
        return (Vec::new(), 0);
    }
    let mut tokens = 0u32;
    let mut prev = Class::Sep;
    let target = CHUNK_CHARS.max(total.div_ceil(MAX_CHUNKS));
    let mut cuts = Vec::new();
    // The current chunk starts at `start` and holds `len` characters.
    let mut start = 0;
    let mut len = 0;
    let mut last_sep_end = None;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        len += 1;
        let k = class(fold(c));
        // A Han character is a unigram, and ends a bigram after another;
        // a word counts once, where it starts.
        tokens += match (k, prev) {
            (Class::Han, Class::Han) => 2,
            (Class::Han, _) => 1,
            (Class::Word, Class::Word) => 0,
            (Class::Word, _) => 1,
            (Class::Sep, _) => 0,
        };
        prev = k;
        let is_sep = k == Class::Sep;
        if is_sep {
            last_sep_end = Some(end);
        }
        let sentence_end = matches!(c, '。' | '！' | '？' | '；' | '\n' | '!' | '?' | ';');
        if len >= target && (sentence_end || (len >= target + target / 2 && is_sep)) {
            cuts.push(end);
            start = end;
            len = 0;
            last_sep_end = None;
        } else if len >= target * 2 {
            // No sentence end for a long time: cut at the last separator.
            if let Some(cut) = last_sep_end {
                cuts.push(cut);
                start = cut;
                len = text[cut..end].chars().count();
                last_sep_end = None;
            }
        }
    }
    if !text[start..].trim().is_empty() {
        cuts.push(text.len());
    }
    // Merge a tiny tail into the previous chunk, within the chunk limit.
    while cuts.len() > MAX_CHUNKS {
        let last = cuts.pop().unwrap_or(text.len());
        if let Some(prev) = cuts.last_mut() {
            *prev = last;
        }
    }
    (cuts, tokens)
}

/// The body chunks of a document, as slices of its body text.
pub(super) fn chunks_of<'t>(doc: &Doc, text: &'t str) -> impl Iterator<Item = &'t str> {
    let starts = std::iter::once(0).chain(doc.cuts.iter().copied());
    starts
        .zip(doc.cuts.iter().copied())
        .map(move |(a, b)| text.get(a..b).unwrap_or(""))
}

/// Every token of a document's fields, in the order [`doc_stats`] reads
/// them: title, tags, areas, summary, then each body chunk.
pub(super) fn for_each_field(doc: &Doc, text: &str, mut f: impl FnMut(&str, usize, usize)) {
    f(&doc.title, TITLE, 0);
    f(&doc.tags.join(" "), META, 0);
    f(&doc.areas.join(" "), META, 0);
    f(&doc.summary, SUMMARY, 0);
    for (i, chunk) in chunks_of(doc, text).enumerate() {
        f(chunk, BODY, i + 1);
    }
}

/// How many tokens each field of a document has (BM25 lengths).
/// `body` is the body's token count (from [`chunk_cuts_counting`]).
pub(super) fn field_lens(doc: &Doc, body: u32) -> [u32; 4] {
    let mut lens = [0u32; 4];
    for_each_field(doc, "", |text, field, _| {
        for_each_key(text, |_| lens[field] += 1);
    });
    lens[BODY] = body;
    lens
}

pub(super) fn same_fields(a: &Doc, b: &Doc) -> bool {
    a.title == b.title
        && a.tags == b.tags
        && a.areas == b.areas
        && a.area_slugs == b.area_slugs
        && a.summary == b.summary
        && a.kind == b.kind
        && a.column == b.column
        && a.url == b.url
        && a.date == b.date
        && a.year == b.year
}

pub(super) fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "文章",
        Kind::Notice => "通知",
        Kind::Document => "文件",
        Kind::Drill => "演练",
        Kind::Case => "案例",
        Kind::Page => "页面",
    }
}
