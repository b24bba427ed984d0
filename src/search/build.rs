//! Building the index: documents → sharded postings, per-document display
//! data and text chunks, in one pass for a one-shot build or by reusing
//! [`Cache`](super::Cache) for `anxuan serve`.
//!
//! Invariants: document ids are assigned newest first (so a lower id wins
//! ties: recency); postings are sorted by document id; every file is a
//! deterministic function of the site; an update through the cache hands
//! over exactly the files that differ from the previous update's.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

use super::cache::{Cache, CachedDoc, Previous, Update};
use super::doc::{Doc, chunk_cuts_counting, field_lens, same_fields};
use super::encode::{bucket_count, encode_bucket, encode_pack, manifest};
use super::format::*;
use super::score::{Raw, idf, impact, norms, quantize, score};
use super::stats::{Acc, DocStats, Key, doc_stats, key_text};
use crate::dates;
use crate::hash::FxMap;
use crate::markdown::Body;
use crate::render::views;
use crate::site::{PageId, Site};

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
/// of holding them all (one-shot builds: the index is large on a large
/// site).
pub fn build_into(site: &Site, bodies: &[Body], put: &Put<'_>) {
    build_with(site, bodies, &mut Cache::default(), Mode::OneShot, put);
}

/// [`build`] through `cache`: hands over the files that differ from the
/// previous update's (every file on the first) and names every file of the
/// index. `text_hashes` are [`crate::markdown::text_hash`] of each body's
/// text.
pub(super) fn update(
    site: &Site,
    bodies: &[Body],
    text_hashes: &[u64],
    cache: &mut Cache,
) -> Update {
    let files = std::sync::Mutex::new(BTreeMap::new());
    build_with(
        site,
        bodies,
        cache,
        Mode::Memo(text_hashes),
        &|path, bytes| {
            if let Ok(mut files) = files.lock() {
                files.insert(path, bytes);
            }
        },
    );
    Update {
        files: files.into_inner().unwrap_or_default(),
        paths: cache.paths(),
    }
}

/// How a build treats the cache.
#[derive(Clone, Copy)]
enum Mode<'a> {
    /// Nothing kept, every file handed over.
    OneShot,
    /// The cache is updated; the files that changed are handed over. Each
    /// body's text hash, by page id.
    Memo(&'a [u64]),
}

impl Mode<'_> {
    fn keeps(self) -> bool {
        matches!(self, Mode::Memo(_))
    }

    /// The text hash of page `id`'s body (0: unknown, never reused).
    fn text_hash(self, id: PageId) -> u64 {
        match self {
            Mode::OneShot => 0,
            Mode::Memo(h) => h.get(id).copied().unwrap_or(0),
        }
    }
}

/// Builds the index, handing files to `put`.
fn build_with(site: &Site, bodies: &[Body], cache: &mut Cache, mode: Mode<'_>, put: &Put<'_>) {
    let cfg = &site.config;
    let declared = cfg.declares_columns();
    let column_of = |page: &crate::content::Page| {
        declared.then(|| {
            let c = &cfg.columns[page.column];
            (c.folder.clone(), c.title.clone())
        })
    };
    // Newest first; undated standalone pages last, by title.
    // (The site's own newest-first order: one pass, no comparisons.)
    let mut ids: Vec<PageId> = vec![0; site.pages.len()];
    for (id, &r) in site.rank.iter().enumerate() {
        ids[r as usize] = id;
    }
    // Dates are compared as moments below: a new time zone re-reads all.
    if cache.tz != cfg.tz.name() {
        cache.docs.clear();
        cache.tz = cfg.tz.name().to_owned();
    }
    // The last build's documents, by the new ids: in place when no
    // document came, went or moved (every edit but dates and titles), else
    // found by URL.
    let last = std::mem::take(&mut cache.docs);
    let same_order = last.len() == ids.len()
        && last
            .iter()
            .zip(&ids)
            .all(|(c, &id)| c.doc.url == site.dirs[id]);
    let olds: Vec<Option<CachedDoc>> = if same_order {
        last.into_iter().map(Some).collect()
    } else {
        let mut by_url: FxMap<String, CachedDoc> =
            last.into_iter().map(|c| (c.doc.url.clone(), c)).collect();
        ids.iter()
            .map(|&id| by_url.remove(&site.dirs[id]))
            .collect()
    };
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
                        && c.doc.column == column_of(page)
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
                        && c.text_hash == mode.text_hash(id)
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
                column: column_of(page),
                url: site.dirs[id].clone(),
                date: date.map(|w| dates::ymd(w.ts, &cfg.tz)).unwrap_or_default(),
                year: date.map(|w| dates::parts(w.ts, &cfg.tz).year),
            };
            match old {
                Some(c)
                    if same_fields(&c.doc, &doc)
                        && c.text_hash == mode.text_hash(id)
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
                        text_hash: mode.text_hash(id),
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
    let kept = cache
        .kept
        .take()
        .filter(|k| mode.keeps() && k.avg == avg && same_order);
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
                // The ids name the tokens from now on: the keys are not kept.
                c.tids = keys.iter().map(|key| cache.intern(key)).collect();
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
    let (mut k, lists): (Option<Previous>, Vec<Vec<Raw>>) = match lists {
        Some(mut k) => {
            let lists = std::mem::take(&mut k.lists);
            (Some(k), lists)
        }
        None => {
            dirty = None;
            let lists = all_postings(&mut cached, &ids, bodies, cache, &avg, mode.keeps());
            (mode.keeps().then(Previous::default), lists)
        }
    };
    let token_count = lists.iter().filter(|l| !l.is_empty()).count();
    let buckets = bucket_count(token_count);
    let keys = &cache.keys;
    let bucket_of = |tid: usize| fnv1a32(&key_text(&keys[tid])) as usize % buckets;
    // The buckets to encode: those holding a changed token, or all of them.
    let (groups, dirty_buckets): (Vec<Vec<u32>>, Vec<usize>) = match (&mut k, &dirty) {
        (Some(k), Some(dirty)) if k.buckets == buckets => {
            let mut groups = std::mem::take(&mut k.groups);
            for tid in k.grouped..keys.len() {
                groups[bucket_of(tid)].push(tid as u32);
            }
            let mut set: Vec<usize> = dirty.iter().map(|&t| bucket_of(t as usize)).collect();
            set.sort_unstable();
            set.dedup();
            (groups, set)
        }
        _ => {
            let mut groups = vec![Vec::new(); buckets];
            for tid in 0..keys.len() {
                groups[bucket_of(tid)].push(tid as u32);
            }
            if let Some(k) = &mut k {
                k.paths.retain(|p| !p.starts_with("search/b/"));
            }
            (groups, (0..buckets).collect())
        }
    };
    let encoded: Vec<(usize, usize, Option<Vec<u8>>)> = dirty_buckets
        .par_iter()
        .map(|&b| {
            let tokens = groups[b]
                .iter()
                .map(|&tid| &lists[tid as usize])
                .zip(groups[b].iter())
                .filter(|(list, _)| !list.is_empty())
                .map(|(list, &tid)| (key_text(&keys[tid as usize]), &list[..]))
                .collect();
            let (head, file) = encode_bucket(n, tokens);
            if !mode.keeps() {
                put(format!("search/b/{b}.bin"), file);
                return (b, head, None);
            }
            (b, head, Some(file))
        })
        .collect();
    let mut heads = match &mut k {
        Some(k) if k.heads.len() == buckets => std::mem::take(&mut k.heads),
        _ => vec![0; buckets],
    };
    let mut touched: Vec<(String, Vec<u8>)> = Vec::new();
    for (b, head, file) in encoded {
        heads[b] = head;
        if let (Some(k), Some(file)) = (&mut k, file) {
            let path = format!("search/b/{b}.bin");
            k.paths.insert(path.clone());
            touched.push((path, file));
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
            if !mode.keeps() {
                put(format!("search/d/{p}.bin"), file);
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
            let path = format!("search/d/{p}.bin");
            k.paths.insert(path.clone());
            touched.push((path, file));
        }
    }
    let manifest = manifest(site, &docs, buckets, token_count, &heads, &slots);
    if !mode.keeps() {
        put("search/manifest.json".into(), manifest);
        return;
    }
    // Every file that may have changed was encoded again (on a first
    // build, every file): only those are handed over.
    let mut k = k.unwrap_or_default();
    k.paths.insert("search/manifest.json".into());
    touched.push(("search/manifest.json".into(), manifest));
    for (path, bytes) in touched {
        put(path, bytes);
    }
    k.avg = avg;
    k.lists = lists.unwrap_or_default();
    k.buckets = buckets;
    k.groups = groups;
    k.grouped = tokens_known;
    k.heads = heads;
    k.slots = slots;
    drop(docs);
    cache.kept = Some(k);
    cache.docs = cached;
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
pub(super) fn all_postings(
    cached: &mut [CachedDoc],
    ids: &[PageId],
    bodies: &[Body],
    cache: &mut Cache,
    avg: &[f64; 4],
    keep: bool,
) -> Vec<Vec<Raw>> {
    let shards = rayon::current_num_threads().max(1);
    let mut lists: Vec<Vec<Vec<Raw>>> = vec![Vec::new(); shards];
    let mut first = 0;
    for batch in cached.chunks_mut(256) {
        let batch_ids = &ids[first..first + batch.len()];
        let known: &Cache = cache;
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
            // The ids name the tokens from now on (a kept document keeps
            // its ids and counts, not its keys).
            c.stats.keys = Vec::new();
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
    use super::super::doc::{chunk_cuts, for_each_field};
    use super::super::score::round;
    use super::super::stats::{Tok, for_each_key, key_of};
    use super::*;
    use crate::content::Kind;

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
            column: None,
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
            column: 0,
            slug: format!("a{i}"),
            title: title.to_owned(),
            summary: summary.map(str::to_owned),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            areas: vec![],
            source: None,
            cover: None,
            author: None,
            editor: None,
            reviewer: None,
            review: Vec::new(),
            draft: false,
            expires: None,
            extra: serde_json::Value::Null,
            date: Some(
                crate::dates::parse_when(&format!("2026-01-{:02}", i % 28 + 1), &cfg.tz).unwrap(),
            ),
            data: crate::content::KindData::Article,
            markdown: String::new(),
            body_line_offset: 0,
            numbers: Vec::new(),
            wording: Vec::new(),
            check_allow: Vec::new(),
        }
    }

    /// A body of plain `text` (its first paragraph too).
    fn test_body(text: &str) -> Body {
        Body {
            text: text.to_owned(),
            first_paragraph: text.to_owned(),
            ..Body::default()
        }
    }

    /// The text hashes the pipeline gives an update.
    fn hashes(bodies: &[Body]) -> Vec<u64> {
        bodies
            .iter()
            .map(|b| crate::markdown::text_hash(&b.text))
            .collect()
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
        let mut cache = Cache::default();
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
            let Update {
                files: changed,
                paths: keys,
            } = update(&site, &bodies, &hashes(&bodies), &mut cache);
            served.retain(|path, _| keys.contains(path));
            served.extend(changed);
            assert_eq!(served, fresh);
            assert_eq!(keys, fresh.keys().cloned().collect::<Vec<_>>());
            let mut again = Cache::default();
            assert_eq!(
                update(&site, &bodies, &hashes(&bodies), &mut again).files,
                fresh
            );
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
        let mut cache = Cache::default();
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
            let Update {
                files: changed,
                paths: keys,
            } = update(&site, &bodies, &hashes(&bodies), &mut cache);
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
