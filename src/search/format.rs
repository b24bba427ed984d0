//! The index format's constants and primitives (docs/search-format.md):
//! sizes and weights, the bucket hash shared with the JavaScript engine,
//! varints, and JSON safe to serve with any content type.

use serde::Serialize;

pub const FORMAT_VERSION: u32 = 4;

/// Target size of a body chunk, in characters.
pub const CHUNK_CHARS: usize = 400;

/// At most this many body chunks per document (bits 1..=30 of the mask).
pub const MAX_CHUNKS: usize = 30;

/// Postings larger than this follow the bucket's directory instead of
/// being inline in it.
pub const INLINE_LIMIT: usize = 192;

/// About this many tokens per bucket (rounded to a power of two of buckets).
pub const TOKENS_PER_BUCKET: usize = 64;

/// This many consecutive documents share one file `d/<pack>.bin`: their
/// display data in fixed-size slots, then their body text, chunk-major.
pub const DOCS_PER_PACK: usize = 8;

/// Slot sizes of document packs are multiples of this many bytes.
pub const SLOT_UNIT: usize = 32;

/// Bucket directory sizes are given in the manifest in units of this many
/// bytes (rounded up).
pub const HEAD_UNIT: usize = 64;

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

/// Sizes in `unit`s (rounded up) as a string for the manifest: each number
/// in base-32 digits, most significant first, the last digit written as
/// `SIZE_DIGITS[d]` and every other as `SIZE_DIGITS[32 + d]`.
pub(super) fn size_string(sizes: &[usize], unit: usize) -> String {
    let mut out = String::with_capacity(sizes.len() + sizes.len() / 4);
    let mut digits = Vec::new();
    for &size in sizes {
        let mut v = size.div_ceil(unit);
        digits.clear();
        loop {
            digits.push(v % 32);
            v /= 32;
            if v == 0 {
                break;
            }
        }
        for (i, &d) in digits.iter().rev().enumerate() {
            let more = i + 1 < digits.len();
            out.push(char::from(SIZE_DIGITS[d + if more { 32 } else { 0 }]));
        }
    }
    out
}

/// The 64 characters of [`size_string`] (base64url's alphabet).
pub const SIZE_DIGITS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a [`size_string`] as the engine does.
    fn sizes(s: &str, unit: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut v = 0;
        for c in s.bytes() {
            let x = SIZE_DIGITS.iter().position(|&d| d == c).unwrap();
            v = v * 32 + x % 32;
            if x < 32 {
                out.push(v * unit);
                v = 0;
            }
        }
        out
    }

    #[test]
    fn size_strings_round_up_and_round_trip() {
        let given = [0, 1, 31, 32, 33, 1000, 1023, 1024, 1025, 40_000, 5_000_000];
        for unit in [1, 32, 64] {
            let s = size_string(&given, unit);
            assert!(
                s.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            );
            let back = sizes(&s, unit);
            assert_eq!(back.len(), given.len(), "{s}");
            for (&g, &b) in given.iter().zip(&back) {
                assert!(b >= g && b < g + unit.max(1), "{g} -> {b} (unit {unit})");
                assert_eq!(b % unit, 0);
            }
        }
        // One character for a size under 32 units, two under 1,024.
        assert_eq!(size_string(&[31 * 64, 32 * 64, 1023 * 64], 64).len(), 5);
    }
}
