//! The index format's constants and primitives (docs/search-format.md):
//! sizes and weights, the bucket hash shared with the JavaScript engine,
//! varints, and JSON safe to serve with any content type.

use serde::Serialize;

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

pub(super) const K1: f64 = 1.2;

pub(super) const B: f64 = 0.75;

/// impact = round(score × IMPACT_SCALE), capped at 255.
pub const IMPACT_SCALE: f64 = 10.0;

/// A bonus added by the query engine when every query token is in the title.
pub const TITLE_BONUS: u32 = 64;

pub(super) const TITLE: usize = 0;

pub(super) const META: usize = 1;

pub(super) const SUMMARY: usize = 2;

pub(super) const BODY: usize = 3;

/// Files of the index: (path, bytes).
pub(super) type Files = Vec<(String, Vec<u8>)>;

/// Takes each file of the index as soon as it is encoded (from any thread):
/// its path relative to the output root and its bytes.
pub type Put<'a> = dyn Fn(String, Vec<u8>) + Sync + 'a;

/// 32-bit FNV-1a of the UTF-8 bytes: the bucket hash (same in JavaScript).
pub fn fnv1a32(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

pub(super) fn varint(out: &mut Vec<u8>, mut v: u64) {
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
pub(super) fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let s = serde_json::to_string(value).unwrap_or_default();
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .into_bytes()
}
