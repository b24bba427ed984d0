//! Single pages: one article, drill, case or standalone page.
//!
//! Imports: the parent module, `content`, `error`.

use super::{Renderer, calendar_link, ics, jsonld, views};
use crate::content::Kind;
use crate::error::Diagnostic;
use crate::site::PageId;
use crate::weburl;

fn template(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "article.html",
        Kind::Drill => "drill.html",
        Kind::Case => "case.html",
        Kind::Page => "page.html",
    }
}

/// Renders page `id` to `<dir>/index.html`.
pub fn single(r: &Renderer<'_>, id: PageId) -> Result<(String, Vec<u8>), Diagnostic> {
    let site = r.site;
    let page = &site.pages[id];
    let _working = crate::crash::working_on(&page.file);
    let item = &r.items[id];
    let view = views::page_view(site, id, item, &r.bodies[id], r.items);
    let dir = &site.dirs[id];
    let section = match page.kind {
        Kind::Page => page.slug.as_str(),
        k => k.folder(),
    };
    let mut ctx = r.context(section, &page.title, &view.description, dir);
    ctx.insert("page", &view);
    // Open Graph and schema.org want absolute image URLs.
    let image =
        jsonld::cover(site, page, &r.bodies[id]).filter(|u| weburl::absolute_web(u).is_some());
    if let Some(img) = &image {
        ctx.insert("og_image", img);
    }
    if page.kind != Kind::Page {
        ctx.insert("og_type", "article");
    }
    if let Some(v) = jsonld::page_object(site, id, &view.description, image.as_deref()) {
        ctx.insert("jsonld", &jsonld::script_safe(&v));
    }
    if page.kind == Kind::Drill {
        ctx.insert("calendar", &calendar_link(site, &ics::drill_file(site, id)));
    }
    r.emit(template(page.kind), &ctx, dir, &page.file)
}
