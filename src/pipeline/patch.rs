//! The fast path of `anxuan serve`: an edit that changes only the Markdown
//! body of published pages patches the last build in place.
//!
//! When every changed file is a published page whose front matter means
//! exactly what it meant before, and its new body keeps the page's
//! headings and code flag, then nothing the site's structure, links or
//! other pages depend on has changed but the page's list entry (its
//! summary, from the first paragraph): only the page itself, the search
//! index, the lists showing a changed entry and — when a first paragraph
//! changed — the feeds and calendars are rendered again. Anything else returns
//! `None`, and the full incremental build runs. Either way the result is
//! byte-identical to a fresh build (tested in tests/it/serve.rs).

use std::collections::HashSet;

use rayon::prelude::*;

use super::{
    Cache, CachedBody, Output, Recorder, Redo, SiteLinks, Stamp, Timer, Update, anchor_warnings,
    outside_outputs, render_patch, size_images,
};
use crate::content::{self, Page};
use crate::error::{Diagnostic, has_errors, sort_diagnostics};
use crate::markdown::{self, Body, MarkdownOptions};
use crate::render;
use crate::site::PageId;

/// One re-read page, ready to replace the old one.
struct Edited {
    id: PageId,
    stamp: Stamp,
    page: Page,
    warnings: Vec<Diagnostic>,
    cached: CachedBody,
}

/// Patches the last build when only the bodies of the files `changed`
/// changed; `None` when anything else may have (nothing is touched then).
pub(super) fn bodies_only(
    cache: &mut Cache,
    opts: &super::BuildOptions,
    changed: &[String],
    render_key: &str,
    timer: &mut Timer,
) -> Option<Result<Update, Vec<Diagnostic>>> {
    let last = cache.last.as_ref()?;
    let memo = cache.render.as_ref().filter(|m| m.key == render_key)?;
    let found = cache.discovery.as_ref()?;
    cache.theme.as_ref()?;
    let site = &last.site;

    let mut ids: Vec<PageId> = changed
        .iter()
        .map(|f| site.by_file.get(f).copied())
        .collect::<Option<_>>()?;
    ids.sort_unstable();
    ids.dedup();
    let failed = HashSet::new();
    let links = SiteLinks {
        site,
        unpublished: &last.unpublished,
        failed: &failed,
        assets: &last.assets,
    };
    let md_opts = MarkdownOptions {
        highlighter: &cache.highlighter,
        unsafe_html: site.config.unsafe_html,
        iframe_hosts: &site.config.iframe_hosts,
    };
    let (edited, mut bodies): (Vec<Edited>, Vec<Body>) = ids
        .par_iter()
        .map(|&id| {
            let old = &site.pages[id];
            let src = found.sources.iter().find(|s| s.rel == old.file)?;
            // Stamp first: a change while reading shows up next time.
            let stamp = Stamp::of(&src.abs)?;
            let bytes = crate::sitefs::read(&src.abs).ok()?;
            let _working = crate::crash::working_on(&src.rel);
            let (page, warnings) = content::load(src, &bytes, &site.config).ok()?;
            if !same_but_body(&page, old) {
                return None;
            }
            let rec = Recorder {
                inner: &links,
                log: std::sync::Mutex::new(Vec::new()),
            };
            let (body, diags) = markdown::render(
                &page.file,
                &page.markdown,
                page.body_line_offset,
                &rec,
                &md_opts,
            );
            if has_errors(&diags) {
                return None;
            }
            let cached = CachedBody {
                markdown: page.markdown.clone(),
                offset: page.body_line_offset,
                unsafe_html: md_opts.unsafe_html,
                queries: rec.into_log(),
                body: Body::default(),
                diags,
            };
            let e = Edited {
                id,
                stamp,
                page,
                warnings,
                cached,
            };
            Some((e, body))
        })
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .unzip();
    size_images(&mut bodies, &found.assets, &site.config.base_path, true);
    // What other pages link to must stay; a new list entry (summary) is
    // rendered into the lists showing it.
    let mut feeds = false;
    let mut entries = Vec::new();
    for (e, body) in edited.iter().zip(&bodies) {
        let old = &last.bodies[e.id];
        if body.anchors != old.anchors || body.has_code != old.has_code {
            return None;
        }
        let item = render::views::item_view(site, e.id, body);
        if item != memo.items[e.id] {
            entries.push((e.id, item));
        }
        feeds |= body.first_paragraph != old.first_paragraph;
    }
    timer.lap("reparse");

    // From here on the patch is committed.
    let Cache {
        last: slot,
        render: Some(memo),
        discovery: Some(found),
        theme: Some((_, _, theme)),
        search,
        ..
    } = &mut *cache
    else {
        return None;
    };
    let mut last = slot.take()?;
    for (e, body) in edited.into_iter().zip(bodies) {
        let file = e.page.file.clone();
        last.kept.stamps.insert(file.clone(), e.stamp);
        if e.warnings.is_empty() {
            last.kept.warnings.remove(&file);
        } else {
            last.kept.warnings.insert(file, e.warnings);
        }
        last.kept.bodies[e.id] = e.cached;
        last.site.pages[e.id] = e.page;
        last.bodies[e.id] = body;
    }
    let (site, bodies) = (&last.site, &last.bodies);
    let mut shown = vec![false; site.pages.len()];
    for (id, item) in entries {
        shown[id] = true;
        memo.items[id] = item;
    }
    // Neighbours show titles only, which stay: the lists are enough.
    // Feeds and calendars show a page's whole first paragraph.
    let p = render_patch(
        site,
        theme,
        bodies,
        &memo.items,
        &opts.render,
        Redo {
            pages: &ids,
            lists: &shown,
            machine: feeds,
        },
        search,
        &memo.search,
    );
    timer.lap("render-pages+search");
    memo.search = p.keys;
    let (set, remove) = (p.set, p.remove);

    // The diagnostics of a fresh build, gathered in its order.
    let mut diags = found.diags.clone();
    for src in &found.sources {
        if let Some(w) = last.kept.warnings.get(&src.rel) {
            diags.extend(w.iter().cloned());
        }
    }
    for c in &last.kept.bodies {
        diags.extend(c.diags.iter().cloned());
    }
    diags.extend(anchor_warnings(site, bodies));
    diags.extend(p.diags);
    diags.extend(outside_outputs(set.keys()));
    sort_diagnostics(&mut diags);
    let stats = last.stats.clone();
    if has_errors(&diags) {
        // The pages are cached as they are now; the next build renders all.
        cache.render = None;
        last.take_apart(cache);
        return Some(Err(diags));
    }
    let mut copies = found.assets.clone();
    super::take_replaced(&mut copies, &mut diags, |out| {
        set.contains_key(out) || memo.rendered.contains(out)
    });
    *slot = Some(last);
    timer.lap("diagnostics");
    Some(Ok(Update {
        output: Output::Patch { set, remove },
        copies,
        diags,
        check: None,
        stats,
        timings: std::mem::take(&mut timer.laps),
        leftovers: super::Leftovers::default(),
    }))
}

/// True when two loads of a page differ at most in their Markdown body
/// (and the line it starts on). Every field is named, so a new field of
/// [`Page`] must be considered here.
fn same_but_body(a: &Page, b: &Page) -> bool {
    let Page {
        file,
        kind,
        slug,
        title,
        summary,
        tags,
        areas,
        source,
        author,
        editor,
        reviewer,
        draft,
        expires,
        extra,
        date,
        data,
        markdown: _,
        body_line_offset: _,
    } = a;
    *file == b.file
        && *kind == b.kind
        && *slug == b.slug
        && *title == b.title
        && *summary == b.summary
        && *tags == b.tags
        && *areas == b.areas
        && *source == b.source
        && *author == b.author
        && *editor == b.editor
        && *reviewer == b.reviewer
        && *draft == b.draft
        && *expires == b.expires
        && *extra == b.extra
        && *date == b.date
        && *data == b.data
}
