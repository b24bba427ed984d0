//! What `anxuan serve` keeps between builds of the index: per document its
//! chunks and token statistics, the interned token ids, and the postings
//! and file paths of the last build.

use std::collections::BTreeSet;

use super::doc::Doc;
use super::score::Raw;
use super::stats::{DocStats, Key};
use crate::hash::FxMap;

/// A document's text and token statistics from an earlier build.
pub(super) struct CachedDoc {
    pub(super) doc: Doc,
    /// The date `doc.date` and `doc.year` were made from.
    pub(super) when: Option<crate::dates::When>,
    /// The `text_hash` of the body the chunks were cut from (0: unknown,
    /// never reused).
    pub(super) text_hash: u64,
    pub(super) stats: DocStats,
    /// The interned id of each of `stats.keys` (filled after interning).
    pub(super) tids: Vec<u32>,
}

/// What `anxuan serve` keeps between builds of the index: per document (by
/// URL) its chunks and token statistics, reused while the document's fields
/// and body text are unchanged; and the postings and files of the last
/// build, so that editing documents re-scores only their postings and
/// re-encodes only the files holding them. The files are always exactly
/// those of [`build`] (tested).
#[derive(Default)]
pub struct Cache {
    /// The last build's documents, by document id.
    pub(super) docs: Vec<CachedDoc>,
    /// Every token seen, by id (ids only group postings: output order comes
    /// from the token text, so they never show in the files).
    pub(super) keys: Vec<Key>,
    pub(super) han_ids: FxMap<u64, u32>,
    pub(super) word_ids: FxMap<String, u32>,
    pub(super) kept: Option<Previous>,
    /// The time zone of the documents' dates.
    pub(super) tz: String,
}

/// The postings and file paths of the last build (`anxuan serve`).
#[derive(Default)]
pub(super) struct Previous {
    /// The (quantized) average field lengths the postings were scored with.
    pub(super) avg: [f64; 4],
    /// Postings by token id, sorted by document.
    pub(super) lists: Vec<Vec<Raw>>,
    /// The bucket count `groups` was made for.
    pub(super) buckets: usize,
    /// The token ids of each bucket.
    pub(super) groups: Vec<Vec<u32>>,
    /// Token ids below this are in `groups`.
    pub(super) grouped: usize,
    /// The directory size of each bucket file.
    pub(super) heads: Vec<usize>,
    /// The slot size of each document pack.
    pub(super) slots: Vec<usize>,
    /// The path of every file of the index (their bytes went to the
    /// caller, who keeps them).
    pub(super) paths: BTreeSet<String>,
}

impl Cache {
    /// The id of `key` if it has one.
    pub(super) fn id_of(&self, key: &Key) -> Option<u32> {
        match key {
            Key::Packed(k) => self.han_ids.get(k).copied(),
            Key::Word(w) => self.word_ids.get(w).copied(),
        }
    }

    /// The id of `key`, given one if it is new.
    pub(super) fn intern(&mut self, key: &Key) -> u32 {
        let next = self.keys.len() as u32;
        let id = match key {
            Key::Packed(k) => *self.han_ids.entry(*k).or_insert(next),
            Key::Word(w) => match self.word_ids.get(w) {
                Some(&id) => id,
                None => {
                    self.word_ids.insert(w.clone(), next);
                    next
                }
            },
        };
        if id == next {
            self.keys.push(key.clone());
        }
        id
    }
}

/// What an update of the index hands over.
pub struct Update {
    /// Files new or changed since the previous update (all on the first).
    pub files: crate::render::Files,
    /// Every file of the index now.
    pub paths: Vec<String>,
}

impl Cache {
    /// Updates the index to `site`; `text_hashes` are
    /// [`crate::markdown::text_hash`] of each body's text, by page id.
    pub fn update(
        &mut self,
        site: &crate::site::Site,
        bodies: &[crate::markdown::Body],
        text_hashes: &[u64],
    ) -> Update {
        super::build::update(site, bodies, text_hashes, self)
    }

    /// Forgets everything: the next update hands over every file.
    pub fn clear(&mut self) {
        *self = Cache::default();
    }

    /// The path of every file of the last update.
    pub(super) fn paths(&self) -> Vec<String> {
        self.kept
            .as_ref()
            .map(|k| k.paths.iter().cloned().collect())
            .unwrap_or_default()
    }
}
