//! Token statistics of a document: its distinct tokens (Han bigrams and
//! unigrams packed into integers, words by text) and how often each field
//! holds them.

use super::doc::{Doc, for_each_field};
use super::tokenize::{Class, class, fold};
use crate::hash::FxMap;

/// Key of a token: Han bigrams and unigrams packed into integers, words by text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Key {
    Packed(u64),
    Word(String),
}

#[cfg(test)]
pub(super) fn key_of(token: &str) -> Key {
    let mut it = token.chars();
    match (it.next(), it.next(), it.next()) {
        (Some(a), None, _) if super::tokenize::is_han(a) => Key::Packed(u64::from(a as u32)),
        (Some(a), Some(b), None) if super::tokenize::is_han(a) && super::tokenize::is_han(b) => {
            Key::Packed((1 << 42) | (u64::from(a as u32) << 21) | u64::from(b as u32))
        }
        _ => Key::Word(token.to_owned()),
    }
}

pub(super) fn key_text(key: &Key) -> String {
    match key {
        Key::Word(w) => w.clone(),
        Key::Packed(p) if p >> 42 == 1 => {
            let a = char::from_u32(((p >> 21) & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}');
            let b = char::from_u32((p & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}');
            format!("{a}{b}")
        }
        Key::Packed(p) => char::from_u32(*p as u32)
            .map(String::from)
            .unwrap_or_default(),
    }
}

#[derive(Default, Clone, Copy)]
pub(super) struct Acc {
    pub(super) tf: [u16; 4],
    pub(super) mask: u32,
}

/// Per-document token statistics.
pub(super) struct DocStats {
    pub(super) lens: [u32; 4],
    /// The document's distinct tokens; emptied once interned when the
    /// cache is not kept (one-shot builds), to bound memory.
    pub(super) keys: Vec<Key>,
    /// Statistics of each token of `keys` (same order).
    pub(super) accs: Vec<Acc>,
}

/// One token as [`for_each_key`] yields it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok<'a> {
    /// A Han bigram or unigram, packed (see [`Key::Packed`]).
    Han(u64),
    /// A run of ASCII letters and digits.
    Word(&'a str),
}

/// Calls `emit` with every token of `text`, exactly as [`for_each_token`]
/// with unigrams would tokenize it (tested), without building a string per
/// token.
pub(super) fn for_each_key(text: &str, mut emit: impl FnMut(Tok<'_>)) {
    let mut prev_han: Option<char> = None;
    let mut word = String::new();
    for c in text.chars().map(fold) {
        match class(c) {
            Class::Han => {
                if !word.is_empty() {
                    emit(Tok::Word(&word));
                    word.clear();
                }
                if let Some(p) = prev_han {
                    emit(Tok::Han(
                        (1 << 42) | (u64::from(p as u32) << 21) | u64::from(c as u32),
                    ));
                }
                emit(Tok::Han(u64::from(c as u32)));
                prev_han = Some(c);
            }
            Class::Word => {
                prev_han = None;
                word.push(c);
            }
            Class::Sep => {
                prev_han = None;
                if !word.is_empty() {
                    emit(Tok::Word(&word));
                    word.clear();
                }
            }
        }
    }
    if !word.is_empty() {
        emit(Tok::Word(&word));
    }
}

/// A document's distinct tokens and their statistics (filters included).
///
/// Han unigrams are not counted one by one: every character of a run but
/// the last starts one of the run's bigrams, so a character's counts are
/// the sums over the bigrams it starts plus the runs it ends (half the
/// hash lookups; equal to counting each unigram, tested).
pub(super) fn doc_stats(doc: &Doc, text: &str) -> (Vec<Key>, Vec<Acc>) {
    // Han tokens (nearly all of them) are integers: one multiply to hash.
    // About one distinct bigram per 20 bytes of Chinese text (measured on
    // the benchmark corpus): sized once instead of growing five times.
    let mut bi: FxMap<u64, Acc> =
        FxMap::with_capacity_and_hasher(text.len() / 16 + 64, Default::default());
    let mut uni: FxMap<u64, Acc> =
        FxMap::with_capacity_and_hasher(text.len() / 48 + 64, Default::default());
    let mut words: FxMap<String, Acc> = FxMap::default();
    for_each_field(doc, text, |text, field, chunk| {
        let bump = |acc: &mut Acc| {
            acc.tf[field] = acc.tf[field].saturating_add(1);
            acc.mask |= 1 << chunk;
        };
        let mut prev_han: Option<char> = None;
        let mut word = String::new();
        let mut end_word = |word: &mut String| {
            if !word.is_empty() {
                match words.get_mut(word.as_str()) {
                    Some(acc) => bump(acc),
                    None => bump(words.entry(word.clone()).or_default()),
                }
                word.clear();
            }
        };
        for c in text.chars().map(fold) {
            if class(c) == Class::Han {
                end_word(&mut word);
                if let Some(p) = prev_han {
                    let key = (1 << 42) | (u64::from(p as u32) << 21) | u64::from(c as u32);
                    bump(bi.entry(key).or_default());
                }
                prev_han = Some(c);
                continue;
            }
            if let Some(last) = prev_han.take() {
                bump(uni.entry(u64::from(last as u32)).or_default());
            }
            if class(c) == Class::Word {
                word.push(c);
            } else {
                end_word(&mut word);
            }
        }
        if let Some(last) = prev_han {
            bump(uni.entry(u64::from(last as u32)).or_default());
        }
        end_word(&mut word);
    });
    for (key, acc) in &bi {
        let first = uni.entry((key >> 21) & 0x1F_FFFF).or_default();
        for f in 0..4 {
            first.tf[f] = first.tf[f].saturating_add(acc.tf[f]);
        }
        first.mask |= acc.mask;
    }
    let facet = doc
        .column
        .as_ref()
        .map_or(doc.kind.name(), |(f, _)| f.as_str());
    words.insert(format!("#k:{facet}"), Acc::default());
    for a in &doc.area_slugs {
        words.insert(format!("#a:{a}"), Acc::default());
    }
    if let Some(y) = doc.year {
        words.insert(format!("#y:{y}"), Acc::default());
    }
    // Token order inside a document does not show in the files: postings
    // are grouped by token and sorted by token text within each bucket.
    let mut keys = Vec::with_capacity(bi.len() + uni.len() + words.len());
    let mut accs = Vec::with_capacity(bi.len() + uni.len() + words.len());
    for (k, a) in bi.into_iter().chain(uni) {
        keys.push(Key::Packed(k));
        accs.push(a);
    }
    for (k, a) in words {
        keys.push(Key::Word(k));
        accs.push(a);
    }
    (keys, accs)
}
