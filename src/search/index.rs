//! Building the search index: documents → sharded postings, per-document
//! display data and text chunks (format: docs/search-format.md).
//!
//! Imports: `search::tokenize`, `site`, `markdown` (Body), `render::views`
//! (summaries), `content`, `dates`. Pure: no disk, no clock.
//!
//! Invariants: document ids are assigned newest first (so a lower id wins
//! ties: recency); postings are sorted by document id; every file is a
//! deterministic function of the site; body chunks are cut only at separator
//! characters, so a query phrase (which never contains a separator) is
//! always inside one chunk. [`build_cached`] (used by `anxuan serve`) keeps
//! per-document work between builds and returns exactly what [`build`]
//! returns.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use super::tokenize::{Class, class, fold};
use crate::content::Kind;
use crate::dates;
use crate::hash::FxMap;
use crate::markdown::Body;
use crate::render::views;
use crate::site::{PageId, Site};

pub const FORMAT_VERSION: u32 = 3;
/// Target size of a body chunk, in characters.
pub const CHUNK_CHARS: usize = 400;
/// At most this many body chunks per document (bits 1..=30 of the mask).
pub const MAX_CHUNKS: usize = 30;
/// Postings larger than this go to `t/<bucket / BUCKETS_PER_PACK>.bin`.
pub const INLINE_LIMIT: usize = 192;
/// About this many tokens per bucket (rounded to a power of two of buckets).
pub const TOKENS_PER_BUCKET: usize = 32;
/// The long postings of this many consecutive buckets share `t/<n>.bin`.
pub const BUCKETS_PER_PACK: usize = 8;
/// This many consecutive documents share one file `d/<pack>.txt`: their
/// display data in fixed-size slots, then their body text.
pub const DOCS_PER_PACK: usize = 32;
/// BM25F field weights: title, tags and areas, summary, body.
pub const WEIGHTS: [f64; 4] = [5.0, 3.0, 2.0, 1.0];
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// impact = round(score × IMPACT_SCALE), capped at 255.
pub const IMPACT_SCALE: f64 = 10.0;
/// A bonus added by the query engine when every query token is in the title.
pub const TITLE_BONUS: u32 = 64;

const TITLE: usize = 0;
const META: usize = 1;
const SUMMARY: usize = 2;
const BODY: usize = 3;

/// One document as the index sees it.
struct Doc {
    title: String,
    tags: Vec<String>,
    areas: Vec<String>,
    area_slugs: Vec<String>,
    summary: String,
    /// Where each body chunk ends in the body text (bytes): chunk k is
    /// `cuts[k-1]..cuts[k]`, the first starting at 0.
    cuts: Vec<usize>,
    kind: Kind,
    url: String,
    date: String,
    year: Option<i16>,
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
fn chunk_cuts_counting(text: &str) -> (Vec<usize>, u32) {
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

/// Key of a token: Han bigrams and unigrams packed into integers, words by text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Packed(u64),
    Word(String),
}

#[cfg(test)]
fn key_of(token: &str) -> Key {
    let mut it = token.chars();
    match (it.next(), it.next(), it.next()) {
        (Some(a), None, _) if super::tokenize::is_han(a) => Key::Packed(u64::from(a as u32)),
        (Some(a), Some(b), None) if super::tokenize::is_han(a) && super::tokenize::is_han(b) => {
            Key::Packed((1 << 42) | (u64::from(a as u32) << 21) | u64::from(b as u32))
        }
        _ => Key::Word(token.to_owned()),
    }
}

fn key_text(key: &Key) -> String {
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
struct Acc {
    tf: [u16; 4],
    mask: u32,
}

/// Per-document token statistics.
struct DocStats {
    lens: [u32; 4],
    /// The document's distinct tokens; emptied once interned when the
    /// cache is not kept (one-shot builds), to bound memory.
    keys: Vec<Key>,
    /// Statistics of each token of `keys` (same order).
    accs: Vec<Acc>,
}

/// One token as [`for_each_key`] yields it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A Han bigram or unigram, packed (see [`Key::Packed`]).
    Han(u64),
    /// A run of ASCII letters and digits.
    Word(&'a str),
}

/// Calls `emit` with every token of `text`, exactly as [`for_each_token`]
/// with unigrams would tokenize it (tested), without building a string per
/// token.
fn for_each_key(text: &str, mut emit: impl FnMut(Tok<'_>)) {
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

/// The body chunks of a document, as slices of its body text.
fn chunks_of<'t>(doc: &Doc, text: &'t str) -> impl Iterator<Item = &'t str> {
    let starts = std::iter::once(0).chain(doc.cuts.iter().copied());
    starts
        .zip(doc.cuts.iter().copied())
        .map(move |(a, b)| text.get(a..b).unwrap_or(""))
}

/// Every token of a document's fields, in the order [`doc_stats`] reads
/// them: title, tags, areas, summary, then each body chunk.
fn for_each_field(doc: &Doc, text: &str, mut f: impl FnMut(&str, usize, usize)) {
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
fn field_lens(doc: &Doc, body: u32) -> [u32; 4] {
    let mut lens = [0u32; 4];
    for_each_field(doc, "", |text, field, _| {
        for_each_key(text, |_| lens[field] += 1);
    });
    lens[BODY] = body;
    lens
}

/// A document's distinct tokens and their statistics (filters included).
///
/// Han unigrams are not counted one by one: every character of a run but
/// the last starts one of the run's bigrams, so a character's counts are
/// the sums over the bigrams it starts plus the runs it ends (half the
/// hash lookups; equal to counting each unigram, tested).
fn doc_stats(doc: &Doc, text: &str) -> (Vec<Key>, Vec<Acc>) {
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
    words.insert(format!("#k:{}", doc.kind.name()), Acc::default());
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

/// Files of the index: (path, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// The tokens of one bucket with their postings.
type Bucket<'a> = Vec<(String, &'a [Raw])>;

/// A raw posting before impacts are known.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Raw {
    doc: u32,
    /// BM25 saturation × 1000 (needs idf to become an impact).
    sat: u16,
    /// mask × 2 + (1 if in the title)
    flags: u32,
}

/// 32-bit FNV-1a of the UTF-8 bytes: the bucket hash (same in JavaScript).
pub fn fnv1a32(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// JSON with `<`, `>` and `&` escaped, so no file of the index can be
/// mistaken for markup even when served with a wrong content type.
fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let s = serde_json::to_string(value).unwrap_or_default();
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .into_bytes()
}

#[derive(Serialize)]
struct DocJson<'a> {
    t: &'a str,
    u: &'a str,
    k: &'a str,
    a: &'a [String],
    g: &'a [String],
    d: &'a str,
    s: &'a str,
    n: usize,
    /// Byte offsets in the pack's text region: where chunk 1 starts, then
    /// where each chunk ends (`n + 1` numbers).
    o: Vec<usize>,
}

#[derive(Serialize)]
struct Facet {
    id: String,
    label: String,
    count: usize,
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    generator: String,
    docs: usize,
    buckets: usize,
    tokens: usize,
    #[serde(rename = "titleBonus")]
    title_bonus: u32,
    kinds: Vec<Facet>,
    areas: Vec<Facet>,
    years: Vec<Facet>,
    #[serde(rename = "chunkChars")]
    chunk_chars: usize,
    #[serde(rename = "bucketsPerPack")]
    buckets_per_pack: usize,
    #[serde(rename = "docsPerPack")]
    docs_per_pack: usize,
    /// The slot size of each pack `d/<n>.txt`, in bytes.
    slots: Vec<usize>,
    weights: &'a [f64; 4],
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "文章",
        Kind::Drill => "演练",
        Kind::Case => "案例",
        Kind::Page => "页面",
    }
}

/// A document's text and token statistics from an earlier build.
struct CachedDoc {
    doc: Doc,
    /// The date `doc.date` and `doc.year` were made from.
    when: Option<crate::dates::When>,
    /// The `text_hash` of the body the chunks were cut from (0: unknown,
    /// never reused).
    text_hash: u64,
    stats: DocStats,
    /// The interned id of each of `stats.keys` (filled after interning).
    tids: Vec<u32>,
}

/// What `anxuan serve` keeps between builds of the index: per document (by
/// URL) its chunks and token statistics, reused while the document's fields
/// and body text are unchanged; and the postings and files of the last
/// build, so that editing documents re-scores only their postings and
/// re-encodes only the files holding them. The files are always exactly
/// those of [`build`] (tested).
#[derive(Default)]
pub struct IndexCache {
    docs: FxMap<String, CachedDoc>,
    /// Every token seen, by id (ids only group postings: output order comes
    /// from the token text, so they never show in the files).
    keys: Vec<Key>,
    han_ids: FxMap<u64, u32>,
    word_ids: FxMap<String, u32>,
    kept: Option<Kept>,
    /// The time zone of the documents' dates.
    tz: String,
}

/// The postings and files of the last build (`anxuan serve`).
#[derive(Default)]
struct Kept {
    /// Document URLs by document id.
    order: Vec<String>,
    /// The (quantized) average field lengths the postings were scored with.
    avg: [f64; 4],
    /// Postings by token id, sorted by document.
    lists: Vec<Vec<Raw>>,
    /// The bucket count `groups` was made for.
    buckets: usize,
    /// The token ids of each group of `BUCKETS_PER_PACK` buckets.
    groups: Vec<Vec<u32>>,
    /// Token ids below this are in `groups`.
    grouped: usize,
    /// The slot size of each document pack.
    slots: Vec<usize>,
    /// Every file of the index.
    files: BTreeMap<String, Vec<u8>>,
}

impl IndexCache {
    /// The id of `key` if it has one.
    fn id_of(&self, key: &Key) -> Option<u32> {
        match key {
            Key::Packed(k) => self.han_ids.get(k).copied(),
            Key::Word(w) => self.word_ids.get(w).copied(),
        }
    }

    /// The id of `key`, given one if it is new.
    fn intern(&mut self, key: &Key) -> u32 {
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

fn same_fields(a: &Doc, b: &Doc) -> bool {
    a.title == b.title
        && a.tags == b.tags
        && a.areas == b.areas
        && a.area_slugs == b.area_slugs
        && a.summary == b.summary
        && a.kind == b.kind
        && a.url == b.url
        && a.date == b.date
        && a.year == b.year
}

/// Takes each file of the index as soon as it is encoded (from any thread):
/// its path relative to the output root and its bytes.
pub type Put<'a> = dyn Fn(String, Vec<u8>) + Sync + 'a;

/// Builds every file of the search index (paths relative to the output root).
pub fn build(site: &Site, bodies: &[Body]) -> BTreeMap<String, Vec<u8>> {
    let files = std::sync::Mutex::new(BTreeMap::new());
    build_into(site, bodies, &|path, bytes| {
        if let Ok(mut files) = files.lock() {
            files.insert(path, bytes);
        }
    });
    files.into_inner().unwrap_or_default()
}

/// [`build`], handing each file to `put` as soon as it is encoded instead
/// of holding them all (one-shot builds: the index is ~100 MB at 12,000
/// pages).
pub fn build_into(site: &Site, bodies: &[Body], put: &Put<'_>) {
    build_with(site, bodies, &mut IndexCache::default(), None, put);
}

/// [`build`], reusing the work kept in `cache`: returns the files that may
/// have changed since the last call (every file when `all`) and the paths
/// of all files of the index.
pub fn build_cached(
    site: &Site,
    bodies: &[Body],
    cache: &mut IndexCache,
    all: bool,
) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let files = std::sync::Mutex::new(BTreeMap::new());
    build_with(site, bodies, cache, Some(all), &|path, bytes| {
        if let Ok(mut files) = files.lock() {
            files.insert(path, bytes);
        }
    });
    let keys = cache
        .kept
        .as_ref()
        .map(|k| k.files.keys().cloned().collect())
        .unwrap_or_default();
    (files.into_inner().unwrap_or_default(), keys)
}

/// An average field length rounded down to 8 significant bits (at 1/16
/// token): impacts scored with it do not change when an edit moves the
/// average a little, so `anxuan serve` re-scores only edited documents.
fn quantize(avg: f64) -> f64 {
    let i = round(avg * 16.0) as u64;
    let shift = (64 - i.leading_zeros()).saturating_sub(8);
    ((i >> shift) << shift) as f64 / 16.0
}

/// BM25 length normalisation of each field of a document.
fn norms(lens: &[u32; 4], avg: &[f64; 4]) -> [f64; 4] {
    std::array::from_fn(|f| 1.0 - B + B * f64::from(lens[f]) / avg[f])
}

/// A document's posting for one token.
fn score(doc: usize, acc: &Acc, norm: &[f64; 4]) -> Raw {
    let mut tf = 0.0;
    for f in 0..4 {
        // (A field without the token adds exactly 0.)
        if acc.tf[f] > 0 {
            tf += WEIGHTS[f] * f64::from(acc.tf[f]) / norm[f];
        }
    }
    let sat = tf * (K1 + 1.0) / (K1 + tf);
    Raw {
        doc: doc as u32,
        sat: round(sat * 1000.0).min(f64::from(u16::MAX)) as u16,
        flags: acc.mask * 2 + u32::from(acc.tf[TITLE] > 0),
    }
}

/// BM25 idf of a token in `df` of `n` documents.
fn idf(n: f64, df: usize) -> f64 {
    let df = df as f64;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The impact stored for a posting (filters store 0).
fn impact(idf: f64, sat: u16) -> u8 {
    round(idf * f64::from(sat) / 1000.0 * IMPACT_SCALE).clamp(1.0, 255.0) as u8
}

/// `x.round()` for `0 <= x < 2^53` (NaN gives 0) without the libm call
/// that baseline x86-64 makes of it (~1 % of a build's CPU, once per
/// posting): exact, since a double's fractional part is representable.
fn round(x: f64) -> f64 {
    let i = x as u64;
    if x - i as f64 >= 0.5 {
        (i + 1) as f64
    } else {
        i as f64
    }
}

fn bucket_count(tokens: usize) -> usize {
    (tokens / TOKENS_PER_BUCKET)
        .next_power_of_two()
        .clamp(16, 16_384)
}

/// Encodes group `g` (buckets `g * BUCKETS_PER_PACK ..`): a file per
/// bucket and, when any list is long, the pack of long lists. `tokens` are
/// the group's tokens with their (non-empty) lists, in any order.
fn encode_group(g: usize, buckets: usize, n: f64, tokens: Vec<(String, &[Raw])>) -> Files {
    let mut by_bucket: Vec<Bucket<'_>> = vec![Vec::new(); BUCKETS_PER_PACK];
    for (text, list) in tokens {
        let b = (fnv1a32(&text) as usize) % buckets;
        by_bucket[b - g * BUCKETS_PER_PACK].push((text, list));
    }
    let mut files = Vec::with_capacity(BUCKETS_PER_PACK + 1);
    let mut pack = Vec::new();
    for (i, mut tokens) in by_bucket.into_iter().enumerate() {
        let b = g * BUCKETS_PER_PACK + i;
        tokens.sort_by(|x, y| x.0.as_bytes().cmp(y.0.as_bytes()));
        let mut bucket = Vec::new();
        varint(&mut bucket, tokens.len() as u64);
        for (text, list) in &tokens {
            let idf = idf(n, list.len());
            let mut block = Vec::with_capacity(list.len() * 3);
            let mut prev = 0u32;
            for (i, r) in list.iter().enumerate() {
                let gap = if i == 0 { r.doc } else { r.doc - prev };
                prev = r.doc;
                varint(&mut block, u64::from(gap));
                block.push(if text.starts_with('#') {
                    0
                } else {
                    impact(idf, r.sat)
                });
                varint(&mut block, u64::from(r.flags));
            }
            varint(&mut bucket, text.len() as u64);
            bucket.extend_from_slice(text.as_bytes());
            varint(&mut bucket, list.len() as u64);
            if block.len() > INLINE_LIMIT {
                varint(&mut bucket, 1);
                varint(&mut bucket, pack.len() as u64);
                varint(&mut bucket, block.len() as u64);
                pack.extend_from_slice(&block);
            } else {
                varint(&mut bucket, 0);
                varint(&mut bucket, block.len() as u64);
                bucket.extend_from_slice(&block);
            }
        }
        files.push((format!("search/b/{b}.bin"), bucket));
    }
    if !pack.is_empty() {
        files.push((format!("search/t/{g}.bin"), pack));
    }
    files
}

/// Document pack `p`: the display data of each of its documents in a slot
/// of the pack's slot size (JSON padded with spaces), then their body text.
/// Returns the slot size and the file.
fn encode_pack(docs: &[&Doc], texts: &[&str]) -> (usize, Vec<u8>) {
    let mut text = String::new();
    let mut records = Vec::with_capacity(docs.len());
    for (d, body) in docs.iter().zip(texts) {
        // The chunks are contiguous: the body up to the last cut.
        let base = text.len();
        text.push_str(
            body.get(..d.cuts.last().copied().unwrap_or(0))
                .unwrap_or(""),
        );
        let o = std::iter::once(base)
            .chain(d.cuts.iter().map(|c| base + c))
            .collect();
        records.push(json_bytes(&DocJson {
            t: &d.title,
            u: &d.url,
            k: d.kind.name(),
            a: &d.areas,
            g: &d.tags,
            d: &d.date,
            s: &d.summary,
            n: d.cuts.len(),
            o,
        }));
    }
    let slot = records.iter().map(Vec::len).max().unwrap_or(0);
    let mut file = Vec::with_capacity(slot * records.len() + text.len());
    for r in records {
        let end = file.len() + slot;
        file.extend_from_slice(&r);
        file.resize(end, b' ');
    }
    file.extend_from_slice(text.as_bytes());
    (slot, file)
}

fn manifest(
    site: &Site,
    docs: &[&Doc],
    buckets: usize,
    tokens: usize,
    slots: Vec<usize>,
) -> Vec<u8> {
    let count = |f: &dyn Fn(&Doc) -> bool| docs.iter().filter(|d| f(d)).count();
    let kinds = Kind::ALL
        .iter()
        .map(|&k| Facet {
            id: k.name().into(),
            label: kind_label(k).into(),
            count: count(&|d: &Doc| d.kind == k),
        })
        .filter(|f| f.count > 0)
        .collect();
    let areas = site
        .config
        .areas
        .iter()
        .map(|a| Facet {
            id: a.slug.clone(),
            label: a.name.clone(),
            count: count(&|d: &Doc| d.area_slugs.contains(&a.slug)),
        })
        .collect();
    let mut years: BTreeMap<i16, usize> = BTreeMap::new();
    for d in docs {
        if let Some(y) = d.year {
            *years.entry(y).or_default() += 1;
        }
    }
    json_bytes(&Manifest {
        version: FORMAT_VERSION,
        generator: format!("anxuan {}", env!("CARGO_PKG_VERSION")),
        docs: docs.len(),
        buckets,
        tokens,
        title_bonus: TITLE_BONUS,
        kinds,
        areas,
        years: years
            .into_iter()
            .rev()
            .map(|(y, c)| Facet {
                id: y.to_string(),
                label: format!("{y}年"),
                count: c,
            })
            .collect(),
        chunk_chars: CHUNK_CHARS,
        buckets_per_pack: BUCKETS_PER_PACK,
        docs_per_pack: DOCS_PER_PACK,
        slots,
        weights: &WEIGHTS,
    })
}

/// Builds the index, handing files to `put`. `keep`: `None` for one-shot
/// builds (nothing kept, every file put); `Some(all)` for `anxuan serve`
/// (the cache is updated; only files that may have changed are put, or
/// every file when `all`).
fn build_with(
    site: &Site,
    bodies: &[Body],
    cache: &mut IndexCache,
    keep: Option<bool>,
    put: &Put<'_>,
) {
    let cfg = &site.config;
    // Newest first; undated standalone pages last, by title.
    let mut ids: Vec<PageId> = (0..site.pages.len()).collect();
    ids.par_sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        pb.list_date()
            .is_some()
            .cmp(&pa.list_date().is_some())
            .then(pb.list_date().cmp(&pa.list_date()))
            .then(pa.title.cmp(&pb.title))
            .then(pa.file.cmp(&pb.file))
    });
    // Dates are compared as moments below: a new time zone re-reads all.
    if cache.tz != cfg.tz.name() {
        cache.docs.clear();
        cache.tz = cfg.tz.name().to_owned();
    }
    let mut old = std::mem::take(&mut cache.docs);
    let olds: Vec<Option<CachedDoc>> = ids.iter().map(|&id| old.remove(&site.dirs[id])).collect();
    drop(old);
    // Pass 1: every document's fields, chunks and field lengths (the BM25
    // averages must be known before any posting can be scored); documents
    // unchanged since the last build keep their statistics. Changed ones
    // give back the token ids they had.
    let (mut cached, replaced): (Vec<CachedDoc>, Vec<Option<Vec<u32>>>) = ids
        .par_iter()
        .zip(olds)
        .map(|(&id, old)| {
            let page = &site.pages[id];
            let date = page.list_date();
            let text = &bodies[id].text;
            let summary = views::summary(page, &bodies[id]);
            // Compared with the sources first: building a document's
            // strings (dates above all) for 12,000 pages took ~30 ms.
            let old = match old {
                Some(c)
                    if c.when == date
                        && c.doc.title == page.title
                        && c.doc.tags == page.tags
                        && c.doc.kind == page.kind
                        && c.doc.url == site.dirs[id]
                        && c.doc.summary == summary
                        && c.doc.areas.len() == page.areas.len()
                        && page
                            .areas
                            .iter()
                            .zip(&c.doc.areas)
                            .all(|(&a, n)| cfg.areas[a].name == *n)
                        && page
                            .areas
                            .iter()
                            .zip(&c.doc.area_slugs)
                            .all(|(&a, s)| cfg.areas[a].slug == *s)
                        && c.text_hash == bodies[id].text_hash
                        && c.text_hash != 0 =>
                {
                    return (c, None);
                }
                old => old,
            };
            let mut doc = Doc {
                title: page.title.clone(),
                tags: page.tags.clone(),
                areas: page
                    .areas
                    .iter()
                    .map(|&a| cfg.areas[a].name.clone())
                    .collect(),
                area_slugs: page
                    .areas
                    .iter()
                    .map(|&a| cfg.areas[a].slug.clone())
                    .collect(),
                summary,
                cuts: Vec::new(),
                kind: page.kind,
                url: site.dirs[id].clone(),
                date: date.map(|w| dates::ymd(w.ts, &cfg.tz)).unwrap_or_default(),
                year: date.map(|w| dates::parts(w.ts, &cfg.tz).year),
            };
            match old {
                Some(c)
                    if same_fields(&c.doc, &doc)
                        && c.text_hash == bodies[id].text_hash
                        && c.text_hash != 0 =>
                {
                    (c, None)
                }
                old => {
                    let (cuts, body) = chunk_cuts_counting(text);
                    doc.cuts = cuts;
                    let lens = field_lens(&doc, body);
                    let fresh = CachedDoc {
                        doc,
                        when: date,
                        text_hash: bodies[id].text_hash,
                        stats: DocStats {
                            lens,
                            keys: Vec::new(),
                            accs: Vec::new(),
                        },
                        tids: Vec::new(),
                    };
                    (fresh, Some(old.map(|c| c.tids).unwrap_or_default()))
                }
            }
        })
        .unzip();
    let n = cached.len().max(1) as f64;
    let mut avg = [0f64; 4];
    for c in &cached {
        for (f, l) in c.stats.lens.iter().enumerate() {
            avg[f] += f64::from(*l);
        }
    }
    let avg = avg.map(|a| quantize((a / n).max(1.0)));

    // The last build's postings stay valid while the documents keep their
    // ids and the averages stay the same: then only the changed
    // documents' postings are taken out and put in again.
    let kept = cache.kept.take().filter(|k| {
        keep.is_some()
            && k.avg == avg
            && k.order.len() == cached.len()
            && k.order.iter().zip(&cached).all(|(u, c)| *u == c.doc.url)
    });
    let changed: Vec<usize> = (0..cached.len())
        .filter(|&i| replaced[i].is_some())
        .collect();
    let (lists, mut dirty) = match kept {
        Some(mut k) => {
            let mut dirty: HashSet<u32> = HashSet::new();
            let stats: Vec<(Vec<Key>, Vec<Acc>)> = changed
                .par_iter()
                .map(|&i| doc_stats(&cached[i].doc, &bodies[ids[i]].text))
                .collect();
            for (&i, (keys, accs)) in changed.iter().zip(stats) {
                let c = &mut cached[i];
                c.tids = keys.iter().map(|key| cache.intern(key)).collect();
                c.stats.keys = keys;
                c.stats.accs = accs;
                k.lists.resize_with(cache.keys.len(), Vec::new);
                // Only lists that really change make their files dirty (a
                // longer body changes few rounded saturations).
                let now: HashSet<u32> = c.tids.iter().copied().collect();
                for &tid in replaced[i].iter().flatten() {
                    if now.contains(&tid) {
                        continue;
                    }
                    let list = &mut k.lists[tid as usize];
                    if let Ok(at) = list.binary_search_by_key(&(i as u32), |r| r.doc) {
                        list.remove(at);
                        dirty.insert(tid);
                    }
                }
                let norm = norms(&c.stats.lens, &avg);
                for (&tid, acc) in c.tids.iter().zip(&c.stats.accs) {
                    let list = &mut k.lists[tid as usize];
                    let raw = score(i, acc, &norm);
                    match list.binary_search_by_key(&(i as u32), |r| r.doc) {
                        Ok(at) => {
                            // The files show impacts, not saturations.
                            let idf = idf(n, list.len());
                            let old = list[at];
                            if old.flags != raw.flags
                                || impact(idf, old.sat) != impact(idf, raw.sat)
                            {
                                dirty.insert(tid);
                            }
                            list[at] = raw;
                        }
                        Err(at) => {
                            list.insert(at, raw);
                            dirty.insert(tid);
                        }
                    }
                }
            }
            (Some(k), Some(dirty))
        }
        None => (None, None),
    };
    let (mut k, lists): (Option<Kept>, Vec<Vec<Raw>>) = match lists {
        Some(mut k) => {
            let lists = std::mem::take(&mut k.lists);
            (Some(k), lists)
        }
        None => {
            dirty = None;
            let lists = all_postings(&mut cached, &ids, bodies, cache, &avg, keep.is_some());
            (keep.map(|_| Kept::default()), lists)
        }
    };
    let token_count = lists.iter().filter(|l| !l.is_empty()).count();
    let buckets = bucket_count(token_count);
    let keys = &cache.keys;
    let group_of =
        |tid: usize| (fnv1a32(&key_text(&keys[tid])) as usize % buckets) / BUCKETS_PER_PACK;
    // The groups to encode: those holding a changed token, or all of them.
    let (groups, dirty_groups): (Vec<Vec<u32>>, Vec<usize>) = match (&mut k, &dirty) {
        (Some(k), Some(dirty)) if k.buckets == buckets => {
            let mut groups = std::mem::take(&mut k.groups);
            for tid in k.grouped..keys.len() {
                groups[group_of(tid)].push(tid as u32);
            }
            let mut set: Vec<usize> = dirty.iter().map(|&t| group_of(t as usize)).collect();
            set.sort_unstable();
            set.dedup();
            (groups, set)
        }
        _ => {
            let mut groups = vec![Vec::new(); buckets / BUCKETS_PER_PACK];
            for tid in 0..keys.len() {
                groups[group_of(tid)].push(tid as u32);
            }
            if let Some(k) = &mut k {
                k.files
                    .retain(|p, _| !p.starts_with("search/b/") && !p.starts_with("search/t/"));
            }
            (groups, (0..buckets / BUCKETS_PER_PACK).collect())
        }
    };
    let encoded: Vec<(usize, Files)> = dirty_groups
        .par_iter()
        .map(|&g| {
            let tokens = groups[g]
                .iter()
                .map(|&tid| &lists[tid as usize])
                .zip(groups[g].iter())
                .filter(|(list, _)| !list.is_empty())
                .map(|(list, &tid)| (key_text(&keys[tid as usize]), &list[..]))
                .collect();
            let files = encode_group(g, buckets, n, tokens);
            if keep.is_none() {
                for (path, bytes) in files {
                    put(path, bytes);
                }
                return (g, Vec::new());
            }
            (g, files)
        })
        .collect();
    let mut touched: Vec<String> = Vec::new();
    if let Some(k) = &mut k {
        for (g, files) in encoded {
            k.files.remove(&format!("search/t/{g}.bin"));
            for (path, bytes) in files {
                touched.push(path.clone());
                k.files.insert(path, bytes);
            }
        }
    }
    let tokens_known = keys.len();
    let lists = if k.is_some() {
        Some(lists)
    } else {
        // The postings are encoded: free them before the document packs.
        drop(lists);
        None
    };

    // Document packs: those holding a changed document, or all of them.
    let docs: Vec<&Doc> = cached.iter().map(|c| &c.doc).collect();
    let packs = docs.len().div_ceil(DOCS_PER_PACK);
    let dirty_packs: Vec<usize> = match (&k, &dirty) {
        (Some(k), Some(_)) if k.slots.len() == packs => {
            let mut set: Vec<usize> = changed.iter().map(|i| i / DOCS_PER_PACK).collect();
            set.dedup();
            set
        }
        _ => (0..packs).collect(),
    };
    let encoded: Vec<(usize, usize, Option<Vec<u8>>)> = dirty_packs
        .par_iter()
        .map(|&p| {
            let range = p * DOCS_PER_PACK..((p + 1) * DOCS_PER_PACK).min(docs.len());
            let texts: Vec<&str> = ids[range.clone()]
                .iter()
                .map(|&id| bodies[id].text.as_str())
                .collect();
            let (slot, file) = encode_pack(&docs[range], &texts);
            if keep.is_none() {
                put(format!("search/d/{p}.txt"), file);
                return (p, slot, None);
            }
            (p, slot, Some(file))
        })
        .collect();
    let mut slots = match &mut k {
        Some(k) if k.slots.len() == packs => std::mem::take(&mut k.slots),
        _ => vec![0; packs],
    };
    for (p, slot, file) in encoded {
        slots[p] = slot;
        if let (Some(k), Some(file)) = (&mut k, file) {
            let path = format!("search/d/{p}.txt");
            touched.push(path.clone());
            k.files.insert(path, file);
        }
    }
    let manifest = manifest(site, &docs, buckets, token_count, slots.clone());
    let Some(all) = keep else {
        put("search/manifest.json".into(), manifest);
        return;
    };
    let mut k = k.unwrap_or_default();
    k.files.insert("search/manifest.json".into(), manifest);
    touched.push("search/manifest.json".into());
    if all {
        for (path, bytes) in &k.files {
            put(path.clone(), bytes.clone());
        }
    } else {
        for path in touched {
            if let Some(bytes) = k.files.get(&path) {
                put(path, bytes.clone());
            }
        }
    }
    k.order = docs.iter().map(|d| d.url.clone()).collect();
    k.avg = avg;
    k.lists = lists.unwrap_or_default();
    k.buckets = buckets;
    k.groups = groups;
    k.grouped = tokens_known;
    k.slots = slots;
    drop(docs);
    cache.kept = Some(k);
    cache.docs = cached.into_iter().map(|c| (c.doc.url.clone(), c)).collect();
}

/// Every document's postings, by token id (pass 2 of a full build).
///
/// In batches of documents: token statistics and the ids of known tokens
/// (parallel), ids for new tokens (serial, in document order), then each
/// posting scored and appended to its token's list. The lists are sharded
/// by token id modulo the thread count, one task per shard, each reading
/// the batch's documents in order, so every list is sorted by document.
/// One-shot builds drop a batch's statistics once its postings are
/// placed: only one batch's statistics exist beside the postings.
fn all_postings(
    cached: &mut [CachedDoc],
    ids: &[PageId],
    bodies: &[Body],
    cache: &mut IndexCache,
    avg: &[f64; 4],
    keep: bool,
) -> Vec<Vec<Raw>> {
    let shards = rayon::current_num_threads().max(1);
    let mut lists: Vec<Vec<Vec<Raw>>> = vec![Vec::new(); shards];
    let mut first = 0;
    for batch in cached.chunks_mut(256) {
        let batch_ids = &ids[first..first + batch.len()];
        let known: &IndexCache = cache;
        batch.par_iter_mut().zip(batch_ids).for_each(|(c, &id)| {
            if c.stats.accs.is_empty() {
                (c.stats.keys, c.stats.accs) = doc_stats(&c.doc, &bodies[id].text);
            }
            if c.tids.len() != c.stats.accs.len() {
                c.tids = c
                    .stats
                    .keys
                    .iter()
                    .map(|key| known.id_of(key).unwrap_or(u32::MAX))
                    .collect();
            }
        });
        for c in batch.iter_mut() {
            for (tid, key) in c.tids.iter_mut().zip(&c.stats.keys) {
                if *tid == u32::MAX {
                    *tid = cache.intern(key);
                }
            }
            if !keep {
                c.stats.keys = Vec::new();
            }
        }
        let tokens = cache.keys.len();
        for (p, shard) in lists.iter_mut().enumerate() {
            shard.resize_with(tokens.saturating_sub(p).div_ceil(shards), Vec::new);
        }
        let norms: Vec<[f64; 4]> = batch.iter().map(|c| norms(&c.stats.lens, avg)).collect();
        let view: &[CachedDoc] = batch;
        lists.par_iter_mut().enumerate().for_each(|(p, shard)| {
            for (i, c) in view.iter().enumerate() {
                for (&tid, acc) in c.tids.iter().zip(&c.stats.accs) {
                    let tid = tid as usize;
                    if tid % shards == p {
                        shard[tid / shards].push(score(first + i, acc, &norms[i]));
                    }
                }
            }
        });
        first += batch.len();
        if !keep {
            for c in batch.iter_mut() {
                c.stats.accs = Vec::new();
                c.tids = Vec::new();
            }
        }
    }
    let tokens = cache.keys.len();
    let mut shards_iter: Vec<std::vec::IntoIter<Vec<Raw>>> =
        lists.into_iter().map(Vec::into_iter).collect();
    (0..tokens)
        .map(|tid| shards_iter[tid % shards].next().unwrap_or_default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunks themselves, cut at [`chunk_cuts`].
    fn chunk_text(text: &str) -> Vec<String> {
        let mut start = 0;
        chunk_cuts(text)
            .into_iter()
            .map(|end| {
                let c = text[start..end].to_owned();
                start = end;
                c
            })
            .collect()
    }

    #[test]
    fn round_equals_f64_round_for_scores() {
        for x in [
            0.0,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            254.5,
            999.4999,
            1234.5678,
            65535.5,
        ] {
            assert_eq!(round(x), x.round(), "{x}");
        }
        let mut x = 0.0;
        while x < 3000.0 {
            assert_eq!(round(x), x.round(), "{x}");
            x += 0.0137;
        }
    }

    #[test]
    fn chunk_text_cuts_only_at_separators() {
        let sentence = "安全生产人人有责".repeat(10) + "。";
        let text = sentence.repeat(20);
        let chunks = chunk_text(&text);
        assert!(chunks.len() > 1);
        assert_eq!(chunks.concat(), text);
        for c in &chunks {
            assert!(c.ends_with('。'), "{c}");
        }
    }

    #[test]
    fn chunk_text_without_separators_stays_whole() {
        let text = "安".repeat(2000);
        assert_eq!(chunk_text(&text), vec![text]);
    }

    #[test]
    fn chunk_text_caps_the_number_of_chunks() {
        let text = "安全。".repeat(20_000);
        let chunks = chunk_text(&text);
        assert!(chunks.len() <= MAX_CHUNKS);
        assert_eq!(chunks.concat(), text);
    }

    #[test]
    fn for_each_key_equals_the_shared_tokenizer() {
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../tests/fixtures/tokenizer_cases.json"))
                .unwrap();
        let mut inputs: Vec<String> = cases
            .iter()
            .map(|c| c["input"].as_str().unwrap().to_owned())
            .collect();
        inputs.extend(
            [
                "安",
                "安全",
                "安 全",
                "ａ安ｂ全c",
                "消防12350热线GB6441-86",
                "𠀀𠀁x",
                "",
            ]
            .map(String::from),
        );
        for input in inputs {
            let mut want = Vec::new();
            crate::search::tokenize::for_each_token(&input, true, |t, _| want.push(key_of(t)));
            let mut got = Vec::new();
            for_each_key(&input, |t| {
                got.push(match t {
                    Tok::Han(k) => Key::Packed(k),
                    Tok::Word(w) => Key::Word(w.to_owned()),
                })
            });
            want.sort();
            got.sort();
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn doc_stats_equal_counting_every_token() {
        let text = "学校组织消防疏散演练。安全 火 12350热线ＧＢ6441，安全生产安全。".repeat(3)
            + "\n𠀀𠀁x 燃气";
        let mut doc = Doc {
            title: "消防安全进校园 2024".into(),
            tags: vec!["消防".into(), "安全".into()],
            areas: vec!["学校".into()],
            area_slugs: vec!["school".into()],
            summary: "安全 安".into(),
            cuts: Vec::new(),
            kind: Kind::Article,
            url: "a/".into(),
            date: String::new(),
            year: Some(2024),
        };
        let (cuts, body) = chunk_cuts_counting(&text);
        doc.cuts = cuts;
        let mut want: BTreeMap<Key, ([u16; 4], u32)> = BTreeMap::new();
        let mut lens = [0u32; 4];
        for_each_field(&doc, &text, |t, field, chunk| {
            for_each_key(t, |k| {
                let key = match k {
                    Tok::Han(p) => Key::Packed(p),
                    Tok::Word(w) => Key::Word(w.to_owned()),
                };
                let e = want.entry(key).or_default();
                e.0[field] += 1;
                e.1 |= 1 << chunk;
                lens[field] += 1;
            });
        });
        for f in ["#k:article", "#a:school", "#y:2024"] {
            want.insert(Key::Word(f.into()), ([0; 4], 0));
        }
        let (keys, accs) = doc_stats(&doc, &text);
        let got: BTreeMap<Key, ([u16; 4], u32)> = keys
            .into_iter()
            .zip(accs)
            .map(|(k, a)| (k, (a.tf, a.mask)))
            .collect();
        assert_eq!(got, want);
        assert_eq!(field_lens(&doc, body), lens);
    }

    #[test]
    fn key_round_trips() {
        for t in ["安全", "火", "gb6441", "#k:drill", "𠀀𠀁"] {
            assert_eq!(key_text(&key_of(t)), t);
        }
    }

    /// Article `i` of a test site, dated 2026-01-(i % 28 + 1).
    fn test_article(
        cfg: &crate::config::Config,
        i: usize,
        title: &str,
        summary: Option<&str>,
        tags: &[&str],
    ) -> crate::content::Page {
        crate::content::Page {
            file: format!("content/articles/a{i}.md"),
            kind: crate::content::Kind::Article,
            slug: format!("a{i}"),
            title: title.to_owned(),
            summary: summary.map(str::to_owned),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            areas: vec![],
            source: None,
            author: None,
            editor: None,
            reviewer: None,
            draft: false,
            expires: None,
            extra: serde_json::Value::Null,
            date: Some(
                crate::dates::parse_when(&format!("2026-01-{:02}", i % 28 + 1), &cfg.tz).unwrap(),
            ),
            data: crate::content::KindData::Article,
            markdown: String::new(),
            body_line_offset: 0,
        }
    }

    /// A kept body of plain `text` (its first paragraph too).
    fn test_body(text: &str) -> Body {
        Body {
            text: text.to_owned(),
            first_paragraph: text.to_owned(),
            text_hash: crate::markdown::text_hash(text),
            ..Body::default()
        }
    }

    #[test]
    fn cached_index_equals_fresh_index_after_edits() {
        let cfg = crate::config::Config::parse("title: t\n").unwrap();
        let now = crate::dates::wall_clock();
        let page = |i: usize, title: &str| test_article(&cfg, i, title, None, &["消防安全"]);
        let body = test_body;
        let mk = |titles: &[&str], texts: &[&str]| {
            let pages = titles.iter().enumerate().map(|(i, t)| page(i, t)).collect();
            let (site, _) = crate::site::assemble(cfg.clone(), pages, Default::default(), now);
            let bodies: Vec<Body> = texts.iter().map(|t| body(t)).collect();
            (site, bodies)
        };
        let mut cache = IndexCache::default();
        let mut served = BTreeMap::new();
        for (titles, texts) in [
            (
                vec!["消防演练", "燃气安全"],
                vec!["学校组织消防疏散演练。", "入户检查燃气管道。"],
            ),
            (
                vec!["消防演练", "燃气安全"],
                vec!["学校组织消防疏散演练。补充一句。", "入户检查燃气管道。"],
            ),
            (
                vec!["消防演练", "燃气安全检查"],
                vec!["学校组织消防疏散演练。补充一句。", "入户检查燃气管道。"],
            ),
            (
                vec!["消防演练", "燃气安全检查", "新增"],
                vec!["学校。", "入户。", "新文章正文。"],
            ),
        ] {
            let (site, bodies) = mk(&titles, &texts);
            let fresh = build(&site, &bodies);
            // What `anxuan serve` does with the files that may have changed.
            let (changed, keys) = build_cached(&site, &bodies, &mut cache, false);
            served.retain(|path, _| keys.contains(path));
            served.extend(changed);
            assert_eq!(served, fresh);
            assert_eq!(keys, fresh.keys().cloned().collect::<Vec<_>>());
            let mut again = IndexCache::default();
            build_cached(&site, &bodies, &mut again, false);
            assert_eq!(build_cached(&site, &bodies, &mut again, true).0, fresh);
        }
    }

    #[test]
    fn edits_patch_only_the_files_they_touch() {
        let cfg = crate::config::Config::parse("title: t\n").unwrap();
        let now = crate::dates::wall_clock();
        let page = |i: usize| test_article(&cfg, i, &format!("第{i}号通知"), Some("摘要"), &[]);
        let mut texts: Vec<String> = (0..70)
            .map(|i| format!("学校组织消防疏散演练，编号{i}。社区开展燃气安全检查。"))
            .collect();
        let mut cache = IndexCache::default();
        let mut served = BTreeMap::new();
        // Each edit keeps every field's token count, so the averages stay.
        let edits: [(usize, &str, &str); 4] = [
            (0, "", ""),
            (5, "消防", "防汛"),
            (9, "燃气", "燃爆"),
            (5, "防汛", "消防"),
        ];
        for (doc, from, to) in edits {
            texts[doc] = texts[doc].replace(from, to);
            let pages = (0..texts.len()).map(page).collect();
            let (site, _) = crate::site::assemble(cfg.clone(), pages, Default::default(), now);
            let bodies: Vec<Body> = texts.iter().map(|t| test_body(t)).collect();
            let fresh = build(&site, &bodies);
            let (changed, keys) = build_cached(&site, &bodies, &mut cache, false);
            if !from.is_empty() {
                // Only the edited document's pack (of three) is encoded again.
                let packs: Vec<&String> = changed
                    .keys()
                    .filter(|p| p.starts_with("search/d/"))
                    .collect();
                assert_eq!(packs.len(), 1, "{packs:?}");
            }
            served.retain(|path, _| keys.contains(path));
            served.extend(changed);
            assert_eq!(served, fresh, "after editing document {doc}");
        }
    }

    #[test]
    fn fnv1a32_known_values() {
        assert_eq!(fnv1a32(""), 0x811c9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c292c);
    }
}
