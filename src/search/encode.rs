//! Encoding the index files: postings buckets and packs, document packs
//! and the manifest (docs/search-format.md).

use std::collections::BTreeMap;

use serde::Serialize;

use super::doc::{Doc, kind_label};
use super::format::*;
use super::score::{Raw, idf, impact};
use crate::content::Kind;
use crate::site::Site;

/// The tokens of one bucket with their postings.
pub(super) type Bucket<'a> = Vec<(String, &'a [Raw])>;

#[derive(Serialize)]
pub(super) struct DocJson<'a> {
    pub(super) t: &'a str,
    pub(super) u: &'a str,
    pub(super) k: &'a str,
    pub(super) a: &'a [String],
    pub(super) g: &'a [String],
    pub(super) d: &'a str,
    pub(super) s: &'a str,
    pub(super) n: usize,
    /// Byte offsets in the pack's text region: where chunk 1 starts, then
    /// where each chunk ends (`n + 1` numbers).
    pub(super) o: Vec<usize>,
}

#[derive(Serialize)]
pub(super) struct Facet {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct Manifest<'a> {
    pub(super) version: u32,
    pub(super) generator: String,
    pub(super) docs: usize,
    pub(super) buckets: usize,
    pub(super) tokens: usize,
    #[serde(rename = "titleBonus")]
    pub(super) title_bonus: u32,
    pub(super) kinds: Vec<Facet>,
    pub(super) areas: Vec<Facet>,
    pub(super) years: Vec<Facet>,
    #[serde(rename = "chunkChars")]
    pub(super) chunk_chars: usize,
    #[serde(rename = "bucketsPerPack")]
    pub(super) buckets_per_pack: usize,
    #[serde(rename = "docsPerPack")]
    pub(super) docs_per_pack: usize,
    /// The slot size of each pack `d/<n>.txt`, in bytes.
    pub(super) slots: Vec<usize>,
    pub(super) weights: &'a [f64; 4],
}

pub(super) fn bucket_count(tokens: usize) -> usize {
    (tokens / TOKENS_PER_BUCKET)
        .next_power_of_two()
        .clamp(16, 16_384)
}

/// Encodes group `g` (buckets `g * BUCKETS_PER_PACK ..`): a file per
/// bucket and, when any list is long, the pack of long lists. `tokens` are
/// the group's tokens with their (non-empty) lists, in any order.
pub(super) fn encode_group(
    g: usize,
    buckets: usize,
    n: f64,
    tokens: Vec<(String, &[Raw])>,
) -> Files {
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
pub(super) fn encode_pack(docs: &[&Doc], texts: &[&str]) -> (usize, Vec<u8>) {
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

pub(super) fn manifest(
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
