//! The Markdown stage: every published page's body, rendered against the
//! assembled site, with the intrinsic sizes of the site's images.
//!
//! Owns: rendering bodies (through the memo, keyed on the Markdown, the
//! answers to the link questions it asked and the image sizes it wrote),
//! and the warnings for links to headings a page does not have.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use super::images::Images;
use super::links::{Recorder, SiteLinks, still_true};
use super::memo::{self, BodyEntry, BodyInputs, Memo, Stamp};
use crate::content::Asset;
use crate::content::slug::percent_decode;
use crate::error::{Diagnostic, Span};
use crate::hash::{FxMap, Key};
use crate::markdown::{self, Body, MarkdownOptions};
use crate::site::Site;

/// Rendered bodies, by page id.
pub(super) struct Bodies {
    pub bodies: Vec<Body>,
    /// What each was made from (their bodies moved to `bodies`).
    pub entries: Vec<BodyEntry>,
    /// The published sizes of the photos the bodies show.
    pub image_copies: Vec<Asset>,
    /// Output paths of originals not to publish.
    pub hidden_originals: std::collections::BTreeSet<String>,
    /// Images that cannot be published (errors at the image's file).
    pub image_diags: Vec<Diagnostic>,
    /// How many photos were decoded and encoded (not found in the cache).
    pub images_processed: usize,
}

impl Bodies {
    /// The key of page `id`'s body and cover (pages showing it include
    /// it in theirs).
    pub fn key(&self, id: usize) -> u64 {
        match &self.bodies[id].cover {
            None => self.entries[id].key,
            Some(c) => Key::new()
                .add(&self.entries[id].key)
                .add(&format!("{c:?}"))
                .finish(),
        }
    }

    pub fn diags(&self) -> impl Iterator<Item = &Diagnostic> {
        self.entries.iter().flat_map(|e| e.diags.iter())
    }
}

/// The sizes of the site's images, read once per build (by stamp through
/// the memo when it keeps).
struct ImageSizes<'a> {
    base_path: &'a str,
    by_out: HashMap<&'a str, &'a Path>,
    known: Mutex<FxMap<String, Option<(u32, u32)>>>,
    kept: Option<Mutex<memo::ImageSizes>>,
}

impl ImageSizes<'_> {
    fn of(&self, src: &str) -> Option<(u32, u32)> {
        let out = percent_decode(src.strip_prefix(self.base_path)?);
        let abs = *self.by_out.get(out.as_str())?;
        if let Ok(known) = self.known.lock()
            && let Some(v) = known.get(&out)
        {
            return *v;
        }
        let read = || {
            crate::sitefs::read(abs)
                .ok()
                .and_then(|b| crate::images::dimensions(&b))
        };
        let v = match &self.kept {
            Some(kept) => {
                let stamp = Stamp::of(abs);
                let old = kept.lock().ok().and_then(|k| k.get(abs).cloned());
                match old {
                    Some((st, v)) if st.is_some() && st == stamp => v,
                    _ => {
                        let v = read();
                        if let Ok(mut k) = kept.lock() {
                            k.insert(abs.to_path_buf(), (stamp, v));
                        }
                        v
                    }
                }
            }
            None => read(),
        };
        if let Ok(mut known) = self.known.lock() {
            known.insert(out, v);
        }
        v
    }
}

/// Renders the body of every page of `site`, reusing the memo's body of a
/// page whose inputs are all unchanged: its source file (`source_keys`, by
/// page id; empty when the memo keeps nothing), the answers to its link
/// questions and the sizes of its images. `sources` holds each page's
/// Markdown when the site's pages no longer do (one-shot builds hand it
/// over to be dropped once rendered).
#[allow(clippy::too_many_arguments)]
pub(super) fn render(
    root: &Path,
    background: Option<&super::images::Background>,
    site: &Site,
    links: &SiteLinks<'_>,
    assets: &[Asset],
    sources: Vec<Option<String>>,
    source_keys: &[u64],
    memo: &mut Memo,
) -> Bodies {
    let keep = memo.keep;
    let sizes = ImageSizes {
        base_path: &site.config.base_path,
        by_out: assets
            .iter()
            .map(|a| (a.out.as_str(), a.abs.as_path()))
            .collect(),
        known: Mutex::default(),
        kept: keep.then(|| Mutex::new(std::mem::take(&mut memo.image_sizes))),
    };
    let size_of = |src: &str| sizes.of(src);
    let images = Images::new(root, &site.config.base_path, assets, &size_of, background);
    let md_opts = MarkdownOptions {
        highlighter: &memo.highlighter,
        unsafe_html: site.config.unsafe_html,
        iframe_hosts: &site.config.iframe_hosts,
    };
    // Taken out of the memo's entries, which stay for the memo to refill.
    let olds: Vec<Option<BodyEntry>> = site
        .pages
        .iter()
        .map(|p| {
            memo.bodies
                .get_mut(&p.file)
                .filter(|e| e.used > 0)
                .map(std::mem::take)
        })
        .collect();
    let made: Vec<(BodyEntry, Body)> = site
        .pages
        .par_iter()
        .zip(olds)
        .zip(sources)
        .enumerate()
        .map(|(id, ((p, old), source))| {
            let markdown = source.as_deref().unwrap_or(&p.markdown);
            // The Markdown is part of the source file, whose key names it.
            let source_key = source_keys.get(id).copied().unwrap_or_default();
            if let Some(mut e) = old
                && e.inputs.source == source_key
                && e.inputs.queries.iter().all(|q| still_true(q, links))
                && e.inputs
                    .images
                    .iter()
                    .all(|(src, v)| images.shown(&p.file, src) == *v)
            {
                let body = std::mem::take(&mut e.body);
                return (e, body);
            }
            let _working = crate::crash::working_on(&p.file);
            let rec = Recorder::new(links);
            let (mut body, diags) =
                markdown::render(&p.file, markdown, p.body_line_offset, &rec, &md_opts);
            let shown = Mutex::new(Vec::new());
            let mut originals = Vec::new();
            if crate::html::contains_tag_ci(body.html.as_bytes(), b"<img")
                || crate::html::contains_tag_ci(body.html.as_bytes(), b"<a")
            {
                let shown_of = |src: &str| {
                    let v = images.shown(&p.file, src);
                    if let Ok(mut i) = shown.lock() {
                        i.push((src.to_owned(), v.clone()));
                    }
                    v
                };
                let mut on_link = |href: &str| {
                    if images.is_original(href) {
                        originals.push(percent_decode(href));
                    }
                };
                if let Some(html) =
                    crate::images::rewrite_images(&body.html, &shown_of, &mut on_link)
                {
                    body.html = html;
                }
            }
            let inputs = BodyInputs {
                source: source_key,
                queries: rec.into_log(),
                images: shown.into_inner().unwrap_or_default(),
                originals,
            };
            let (key, text_hash) = if keep {
                let key = Key::new()
                    .add(&inputs.source)
                    .add(&format!("{:?}{:?}", inputs.queries, inputs.images))
                    .finish();
                (key, markdown::text_hash(&body.text))
            } else {
                (0, 0)
            };
            let e = BodyEntry {
                inputs,
                body: Body::default(),
                diags,
                key,
                text_hash,
                used: 0,
            };
            (e, body)
        })
        .collect();
    let (entries, mut bodies): (Vec<BodyEntry>, Vec<Body>) = made.into_iter().unzip();
    // Covers: a published photo shows in its sizes (the body's key names
    // them: see `key`).
    for (id, p) in site.pages.iter().enumerate() {
        let shown = p
            .cover
            .as_ref()
            .and_then(|c| site.cover_url(p, c))
            .and_then(|u| images.shown(&p.file, &u))
            .filter(|s| s.sizes.iter().any(|z| !z.url.is_empty()));
        bodies[id].cover = shown;
    }
    let linked = entries
        .iter()
        .flat_map(|e| e.inputs.originals.iter().cloned())
        .collect();
    let (image_copies, hidden_originals, image_diags, images_processed) =
        images.finish(&linked, site.config.images.keep_originals);
    if let Some(kept) = sizes.kept {
        memo.image_sizes = kept.into_inner().unwrap_or_default();
    }
    Bodies {
        bodies,
        entries,
        image_copies,
        hidden_originals,
        image_diags,
        images_processed,
    }
}

/// Warnings for links to a heading that the target page does not have.
pub(super) fn anchor_warnings(site: &Site, bodies: &[Body]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (id, body) in bodies.iter().enumerate() {
        for link in &body.links {
            let (Some(anchor), Some(&target)) = (&link.anchor, site.by_file.get(&link.target))
            else {
                continue;
            };
            let anchors = &bodies[target].anchors;
            if !anchors.iter().any(|a| a == anchor) {
                let known = anchors
                    .iter()
                    .take(8)
                    .map(|a| format!("#{a}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                diags.push(
                    Diagnostic::warning(
                        Span::new(site.pages[id].file.clone(), link.line, link.col),
                        format!("{} has no heading `#{anchor}`", link.target),
                    )
                    .with_help(if known.is_empty() {
                        "目标页面没有小标题".to_owned()
                    } else {
                        format!("可用的锚点：{known}")
                    }),
                );
            }
        }
    }
    diags
}
