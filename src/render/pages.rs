//! Single pages: one article, drill, case or standalone page.
//!
//! Imports: the parent module, `content`, `error`, `qr`, `weburl`.

use super::{Job, Renderer, calendar_link, ics, jsonld, out_path, views};
use crate::content::Kind;
use crate::error::Diagnostic;
use crate::site::PageId;
use crate::weburl;

/// The kinds that print as a notice for a 公示栏 (an A4 sheet with the
/// key facts, the hotlines and a QR code of the page).
pub fn printable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Drill | Kind::Notice | Kind::Case | Kind::Document
    )
}

fn template(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "article.html",
        Kind::Notice => "notice.html",
        Kind::Document => "document.html",
        Kind::Drill => "drill.html",
        Kind::Case => "case.html",
        Kind::Page => "page.html",
    }
}

/// The output of page `id`. Its key names everything the page shows:
/// the chrome, the page's own source and body, its folder, its list entry
/// and the entries of its neighbours and of the pages its front matter
/// links or that link it (their titles and links). A tag's
/// link follows from its name (in the source) and the configuration.
pub fn job<'a>(r: &'a Renderer<'a>, id: PageId) -> Job<'a> {
    let site = r.site;
    let key = r.keys.as_ref().map(|k| {
        let (prev, next) = site.neighbours[id];
        let mut key = k.start("page");
        key.add(&k.pages[id])
            .add(&site.dirs[id])
            .add(&k.items[id])
            .add(&prev.map(|i| k.items[i]))
            .add(&next.map(|i| k.items[i]));
        // The pages its front matter links, and those linking back: their
        // titles and links show.
        let rel = &r.relations[id];
        for i in rel.linked() {
            key.add(&k.items[i]);
        }
        key.finish()
    });
    Job::new(out_path(&site.dirs[id]), key, move || {
        single(r, id).map(|(_, bytes)| bytes)
    })
}

/// Renders page `id` to `<dir>/index.html`.
pub fn single(r: &Renderer<'_>, id: PageId) -> Result<(String, Vec<u8>), Diagnostic> {
    let site = r.site;
    let page = &site.pages[id];
    let _working = crate::crash::working_on(&page.file);
    let item = &r.items[id];
    let view = views::page_view(site, id, item, &r.bodies[id], r.items, &r.relations[id]);
    let dir = &site.dirs[id];
    let section = match page.kind {
        Kind::Page => page.slug.as_str(),
        _ => site.config.columns[page.column].folder.as_str(),
    };
    let mut ctx = r.context(section, &page.title, &view.description, dir);
    ctx.insert("page", &view);
    // The page's column: its name and list, for "back to the list" links.
    let col = &site.config.columns[page.column];
    ctx.insert(
        "column",
        &views::LinkView {
            name: col.title.clone(),
            url: site.column_url(page.column),
        },
    );
    // Open Graph and schema.org want absolute image URLs.
    let image =
        jsonld::cover(site, page, &r.bodies[id]).filter(|u| weburl::absolute_web(u).is_some());
    if let Some(img) = &image {
        ctx.insert("og_image", img);
    }
    if page.kind != Kind::Page {
        ctx.insert("og_type", "article");
    }
    ctx.insert(
        "gov_meta",
        &super::meta::page_tags(site, id, image.as_deref()),
    );
    if let Some(v) = jsonld::page_object(site, id, &view.description, image.as_deref()) {
        ctx.insert("jsonld", &jsonld::script_safe(&v));
    }
    if page.kind == Kind::Drill {
        ctx.insert("calendar", &calendar_link(site, &ics::drill_file(site, id)));
    }
    if printable(page.kind) {
        ctx.insert("printable", &true);
        // A printed notice's QR code opens the page on a phone: only an
        // absolute URL can.
        let permalink = site.permalink(id);
        if weburl::absolute_web(&permalink).is_some()
            && let Some(svg) = crate::qr::svg(&permalink, "本页二维码：用手机扫码查看原文")
        {
            ctx.insert("print_qr", &svg);
        }
    }
    r.emit(template(page.kind), &ctx, dir, &page.file)
}
