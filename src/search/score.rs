//! BM25F scoring: raw postings, saturations, and the impacts the files
//! carry.

use super::format::{B, IMPACT_SCALE, K1, TITLE, WEIGHTS};
use super::stats::Acc;

/// A raw posting before impacts are known.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Raw {
    pub(super) doc: u32,
    /// BM25 saturation × 1000 (needs idf to become an impact).
    pub(super) sat: u16,
    /// mask × 2 + (1 if in the title)
    pub(super) flags: u32,
}

/// An average field length rounded down to 8 significant bits (at 1/16
/// token): impacts scored with it do not change when an edit moves the
/// average a little, so `anxuan serve` re-scores only edited documents.
pub(super) fn quantize(avg: f64) -> f64 {
    let i = round(avg * 16.0) as u64;
    let shift = (64 - i.leading_zeros()).saturating_sub(8);
    ((i >> shift) << shift) as f64 / 16.0
}

/// BM25 length normalisation of each field of a document.
pub(super) fn norms(lens: &[u32; 4], avg: &[f64; 4]) -> [f64; 4] {
    std::array::from_fn(|f| 1.0 - B + B * f64::from(lens[f]) / avg[f])
}

/// A document's posting for one token.
pub(super) fn score(doc: usize, acc: &Acc, norm: &[f64; 4]) -> Raw {
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
pub(super) fn idf(n: f64, df: usize) -> f64 {
    let df = df as f64;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The impact stored for a posting (filters store 0).
pub(super) fn impact(idf: f64, sat: u16) -> u8 {
    round(idf * f64::from(sat) / 1000.0 * IMPACT_SCALE).clamp(1.0, 255.0) as u8
}

/// `x.round()` for `0 <= x < 2^53` (NaN gives 0) without the libm call
/// that baseline x86-64 makes of it (~1 % of a build's CPU, once per
/// posting): exact, since a double's fractional part is representable.
pub(super) fn round(x: f64) -> f64 {
    let i = x as u64;
    if x - i as f64 >= 0.5 {
        (i + 1) as f64
    } else {
        i as f64
    }
}
