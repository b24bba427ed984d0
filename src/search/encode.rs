//! Encoding the index files: postings buckets, document packs and the
//! manifest (docs/search-format.md).

use std::collections::BTreeMap;

use serde::Serialize;

use super::doc::{Doc, kind_label};
use super::format::*;
use super::score::{Raw, idf, impact};
use crate::content::Kind;
use crate::site::Site;

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
    /// The column's title, on a site that declares its columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) c: Option<&'a str>,
    /// Where each chunk starts in the pack's text region, in bytes.
    pub(super) o: Vec<usize>,
    /// Each chunk's length in bytes.
    pub(super) l: Vec<usize>,
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
    /// Each bucket's directory size in `headUnit`s ([`size_string`]):
    /// reading this much of a bucket file gives its whole directory.
    pub(super) heads: String,
    #[serde(rename = "headUnit")]
    pub(super) head_unit: usize,
    #[serde(rename = "docsPerPack")]
    pub(super) docs_per_pack: usize,
    /// The slot size of each pack `d/<n>.bin` in `slotUnit`s
    /// ([`size_string`]).
    pub(super) slots: String,
    #[serde(rename = "slotUnit")]
    pub(super) slot_unit: usize,
    pub(super) weights: &'a [f64; 4],
}

pub(super) fn bucket_count(tokens: usize) -> usize {
    (tokens / TOKENS_PER_BUCKET)
        .next_power_of_two()
        .clamp(16, 16_384)
}

/// Encodes bucket `b`: its directory (every token with its document
/// frequency and its postings, inline when short, else where they are),
/// then the long postings lists, shortest first. `tokens` are the bucket's
/// tokens with their (non-empty) lists, in any order. Returns the size of
/// the directory and the file.
pub(super) fn encode_bucket(n: f64, mut tokens: Vec<(String, &[Raw])>) -> (usize, Vec<u8>) {
    tokens.sort_by(|x, y| x.0.as_bytes().cmp(y.0.as_bytes()));
    let blocks: Vec<Vec<u8>> = tokens
        .iter()
        .map(|(text, list)| postings(n, text, list))
        .collect();
    // The long lists shortest first: a host that ignores Range sends a
    // file from its start, so a list costs the lists before it.
    let mut long: Vec<usize> = (0..tokens.len())
        .filter(|&i| blocks[i].len() > INLINE_LIMIT)
        .collect();
    long.sort_by_key(|&i| (blocks[i].len(), i));
    let mut offsets = vec![0; tokens.len()];
    let mut at = 0;
    for &i in &long {
        offsets[i] = at;
        at += blocks[i].len();
    }
    let mut bucket = Vec::new();
    varint(&mut bucket, tokens.len() as u64);
    for (i, ((text, list), block)) in tokens.iter().zip(&blocks).enumerate() {
        varint(&mut bucket, text.len() as u64);
        bucket.extend_from_slice(text.as_bytes());
        varint(&mut bucket, list.len() as u64);
        if block.len() > INLINE_LIMIT {
            varint(&mut bucket, 1);
            varint(&mut bucket, offsets[i] as u64);
            varint(&mut bucket, block.len() as u64);
        } else {
            varint(&mut bucket, 0);
            varint(&mut bucket, block.len() as u64);
            bucket.extend_from_slice(block);
        }
    }
    let head = bucket.len();
    for &i in &long {
        bucket.extend_from_slice(&blocks[i]);
    }
    (head, bucket)
}

/// The postings block of one token.
fn postings(n: f64, text: &str, list: &[Raw]) -> Vec<u8> {
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
    block
}

/// Document pack `p`: the display data of each of its documents in a slot
/// of the pack's slot size (JSON padded with spaces), then the text
/// region: chunk 1 of every document, then every chunk 2, and so on, as
/// UTF-16LE. Returns the slot size and the file.
pub(super) fn encode_pack(docs: &[&Doc], texts: &[&str]) -> (usize, Vec<u8>) {
    let chunks: Vec<Vec<&str>> = docs
        .iter()
        .zip(texts)
        .map(|(d, body)| {
            let mut start = 0;
            d.cuts
                .iter()
                .map(|&end| {
                    let c = body.get(start..end).unwrap_or("");
                    start = end;
                    c
                })
                .collect()
        })
        .collect();
    // UTF-16 takes 2 bytes where UTF-8 takes 3 for Han text, 1 for ASCII.
    let mut text: Vec<u8> =
        Vec::with_capacity(chunks.iter().flatten().map(|c| c.len()).sum::<usize>());
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); docs.len()];
    let mut lens: Vec<Vec<usize>> = vec![Vec::new(); docs.len()];
    let most = chunks.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..most {
        for (i, c) in chunks.iter().enumerate() {
            if let Some(c) = c.get(k) {
                let at = text.len();
                text.extend(c.encode_utf16().flat_map(u16::to_le_bytes));
                starts[i].push(at);
                lens[i].push(text.len() - at);
            }
        }
    }
    let records: Vec<Vec<u8>> = docs
        .iter()
        .zip(starts.into_iter().zip(lens))
        .map(|(d, (o, l))| {
            json_bytes(&DocJson {
                t: &d.title,
                u: &d.url,
                k: d.kind.name(),
                a: &d.areas,
                g: &d.tags,
                d: &d.date,
                s: &d.summary,
                n: d.cuts.len(),
                c: d.column.as_ref().map(|(_, t)| t.as_str()),
                o,
                l,
            })
        })
        .collect();
    let slot = records
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .next_multiple_of(SLOT_UNIT);
    let mut file = Vec::with_capacity(slot * records.len() + text.len());
    for r in records {
        let end = file.len() + slot;
        file.extend_from_slice(&r);
        file.resize(end, b' ');
    }
    file.extend_from_slice(&text);
    (slot, file)
}

pub(super) fn manifest(
    site: &Site,
    docs: &[&Doc],
    buckets: usize,
    tokens: usize,
    heads: &[usize],
    slots: &[usize],
) -> Vec<u8> {
    let count = |f: &dyn Fn(&Doc) -> bool| docs.iter().filter(|d| f(d)).count();
    // By column where the site declares them, else by kind.
    let kinds = if site.config.declares_columns() {
        site.config
            .columns
            .iter()
            .map(|c| Facet {
                id: c.folder.clone(),
                label: c.title.clone(),
                count: count(&|d: &Doc| d.column.as_ref().is_some_and(|(f, _)| *f == c.folder)),
            })
            .filter(|f| f.count > 0)
            .collect()
    } else {
        Kind::ALL
            .iter()
            .map(|&k| Facet {
                id: k.name().into(),
                label: kind_label(k).into(),
                count: count(&|d: &Doc| d.kind == k),
            })
            .filter(|f| f.count > 0)
            .collect()
    };
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
        heads: size_string(heads, HEAD_UNIT),
        head_unit: HEAD_UNIT,
        docs_per_pack: DOCS_PER_PACK,
        slots: size_string(slots, SLOT_UNIT),
        slot_unit: SLOT_UNIT,
        weights: &WEIGHTS,
    })
}
