//! Atom and RSS 2.0 feeds: site-wide (`/atom.xml`, `/rss.xml`) and per
//! five-into area (`/areas/<slug>/atom.xml`, `/areas/<slug>/rss.xml`).
//!
//! Owns: the feeds' XML (through quick-xml, which escapes every text and
//! attribute). Imports: `site`, `content`, `dates`, `markdown` (types).
//!
//! Invariants: entries are articles, drills and cases, newest first by
//! the date lists show (publication date, or a drill's start), at most
//! [`LIMIT`]; links are permalinks (absolute when `base_url` is); the
//! feed's `updated` is its newest entry's date (the build's `now` when
//! empty), so an unchanged site gives byte-identical feeds.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::content::Kind;
use crate::dates::{self, Timestamp};
use crate::markdown::Body;
use crate::site::{PageId, Site};

/// Entries per feed.
pub const LIMIT: usize = 50;

/// Characters XML 1.0 does not allow, dropped from text.
fn xml_clean(s: &str) -> String {
    s.chars()
        .filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The text of an entry: for a drill, its time and place first; then the
/// explicit summary or the whole first paragraph.
fn entry_summary(site: &Site, id: PageId, body: &Body) -> String {
    let page = &site.pages[id];
    let summary = page
        .summary
        .clone()
        .unwrap_or_else(|| body.first_paragraph.trim().to_owned());
    match page.drill() {
        Some(d) => {
            let place = match &d.address {
                Some(a) => format!("{}（{a}）", d.location),
                None => d.location.clone(),
            };
            format!(
                "演练时间：{}；演练地点：{place}。{summary}",
                dates::range_zh(d.start, d.end, &site.config.tz)
            )
        }
        None => summary,
    }
}

/// Every listed page of the site (all columns but single pages), newest
/// first.
pub fn site_entries(site: &Site) -> Vec<PageId> {
    let ids: Vec<PageId> = (0..site.pages.len())
        .filter(|&i| site.pages[i].kind != Kind::Page)
        .collect();
    newest(site, ids)
}

/// The first entries of `ids`, newest first.
pub fn newest(site: &Site, mut ids: Vec<PageId>) -> Vec<PageId> {
    let newest_first = |&a: &PageId, &b: &PageId| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        pb.list_date()
            .cmp(&pa.list_date())
            .then_with(|| pa.title.cmp(&pb.title))
            .then_with(|| pa.file.cmp(&pb.file))
    };
    // A total order (files are unique): the first LIMIT are the same as
    // after sorting all, without sorting all.
    if ids.len() > LIMIT {
        ids.select_nth_unstable_by(LIMIT, newest_first);
        ids.truncate(LIMIT);
    }
    ids.sort_by(newest_first);
    ids
}

fn updated(site: &Site, ids: &[PageId]) -> Timestamp {
    ids.iter()
        .filter_map(|&i| site.pages[i].list_date())
        .map(|w| w.ts)
        .max()
        .unwrap_or(site.now)
}

/// A feed to write: its title, the page it belongs to and its entries.
pub struct Feed<'a> {
    pub title: String,
    pub subtitle: &'a str,
    /// Output directory of the HTML page it belongs to (`` or `areas/x/`).
    pub dir: String,
    pub ids: Vec<PageId>,
}

fn text<W: io::Write>(w: &mut Writer<W>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_clean(value)))?;
    Ok(())
}

fn categories(site: &Site, id: PageId) -> Vec<String> {
    let page = &site.pages[id];
    let mut c = vec![site.config.columns[page.column].title.clone()];
    c.extend(
        page.areas
            .iter()
            .map(|&a| format!("进{}", site.config.areas[a].name)),
    );
    c
}

/// Atom 1.0 (RFC 4287).
pub fn atom(site: &Site, bodies: &[Body], feed: &Feed<'_>) -> io::Result<Vec<u8>> {
    let cfg = &site.config;
    let home = cfg.permalink(&site.url_of_dir(&feed.dir));
    let self_url = cfg.permalink(&site.url_of_dir(&format!("{}atom.xml", feed.dir)));
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("feed")
        .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
        .with_attribute(("xml:lang", cfg.language.as_str()))
        .write_inner_content(|w| {
            text(w, "title", &feed.title)?;
            if !feed.subtitle.is_empty() {
                text(w, "subtitle", feed.subtitle)?;
            }
            text(w, "id", &self_url)?;
            w.create_element("link")
                .with_attribute(("rel", "self"))
                .with_attribute(("type", "application/atom+xml"))
                .with_attribute(("href", self_url.as_str()))
                .write_empty()?;
            w.create_element("link")
                .with_attribute(("rel", "alternate"))
                .with_attribute(("type", "text/html"))
                .with_attribute(("href", home.as_str()))
                .write_empty()?;
            text(w, "updated", &dates::rfc3339_utc(updated(site, &feed.ids)))?;
            w.create_element("author").write_inner_content(|w| {
                text(
                    w,
                    "name",
                    cfg.footer.organizer.as_deref().unwrap_or(&cfg.title),
                )
            })?;
            w.create_element("generator")
                .with_attribute(("version", env!("CARGO_PKG_VERSION")))
                .write_text_content(BytesText::new("anxuan"))?;
            for &id in &feed.ids {
                let page = &site.pages[id];
                let url = site.permalink(id);
                let date = page.list_date().map_or(site.now, |w| w.ts);
                w.create_element("entry").write_inner_content(|w| {
                    text(w, "title", &page.title)?;
                    w.create_element("link")
                        .with_attribute(("rel", "alternate"))
                        .with_attribute(("type", "text/html"))
                        .with_attribute(("href", url.as_str()))
                        .write_empty()?;
                    text(w, "id", &url)?;
                    text(w, "published", &dates::rfc3339_utc(date))?;
                    text(w, "updated", &dates::rfc3339_utc(date))?;
                    if let Some(a) = &page.author {
                        w.create_element("author")
                            .write_inner_content(|w| text(w, "name", a))?;
                    }
                    for c in categories(site, id) {
                        w.create_element("category")
                            .with_attribute(("term", xml_clean(&c).as_str()))
                            .write_empty()?;
                    }
                    w.create_element("summary")
                        .with_attribute(("type", "text"))
                        .write_text_content(BytesText::new(&xml_clean(&entry_summary(
                            site,
                            id,
                            &bodies[id],
                        ))))?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// RSS 2.0.
pub fn rss(site: &Site, bodies: &[Body], feed: &Feed<'_>) -> io::Result<Vec<u8>> {
    let cfg = &site.config;
    let home = cfg.permalink(&site.url_of_dir(&feed.dir));
    let self_url = cfg.permalink(&site.url_of_dir(&format!("{}rss.xml", feed.dir)));
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.create_element("rss")
        .with_attribute(("version", "2.0"))
        .with_attribute(("xmlns:atom", "http://www.w3.org/2005/Atom"))
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                text(w, "title", &feed.title)?;
                text(w, "link", &home)?;
                let desc = if feed.subtitle.is_empty() {
                    feed.title.as_str()
                } else {
                    feed.subtitle
                };
                text(w, "description", desc)?;
                text(w, "language", &cfg.language)?;
                text(
                    w,
                    "lastBuildDate",
                    &dates::rfc2822(updated(site, &feed.ids), &cfg.tz),
                )?;
                text(
                    w,
                    "generator",
                    &format!("anxuan {}", env!("CARGO_PKG_VERSION")),
                )?;
                w.create_element("atom:link")
                    .with_attribute(("href", self_url.as_str()))
                    .with_attribute(("rel", "self"))
                    .with_attribute(("type", "application/rss+xml"))
                    .write_empty()?;
                for &id in &feed.ids {
                    let page = &site.pages[id];
                    let url = site.permalink(id);
                    let date = page.list_date().map_or(site.now, |w| w.ts);
                    w.create_element("item").write_inner_content(|w| {
                        text(w, "title", &page.title)?;
                        text(w, "link", &url)?;
                        w.create_element("guid")
                            .with_attribute(("isPermaLink", "true"))
                            .write_text_content(BytesText::new(&url))?;
                        text(w, "pubDate", &dates::rfc2822(date, &cfg.tz))?;
                        for c in categories(site, id) {
                            text(w, "category", &c)?;
                        }
                        text(w, "description", &entry_summary(site, id, &bodies[id]))?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

/// Every feed of the site (each is written as Atom and as RSS).
pub fn feeds(site: &Site) -> Vec<Feed<'_>> {
    let cfg = &site.config;
    let mut feeds = vec![Feed {
        title: cfg.title.clone(),
        subtitle: &cfg.description,
        dir: String::new(),
        ids: site_entries(site),
    }];
    for (c, col) in cfg.columns.iter().enumerate() {
        if col.feed && col.kind != Kind::Page {
            feeds.push(Feed {
                title: format!("{} - {}", cfg.title, col.title),
                subtitle: &col.description,
                dir: format!("{}/", col.folder),
                ids: newest(site, site.columns[c].clone()),
            });
        }
    }
    for (i, area) in cfg.areas.iter().enumerate() {
        let mut ids: Vec<PageId> = site.areas[i]
            .iter()
            .copied()
            .filter(|&id| site.pages[id].kind != Kind::Page)
            .collect();
        ids.truncate(LIMIT);
        feeds.push(Feed {
            title: format!("{} - 安全生产宣传进{}", cfg.title, area.name),
            subtitle: &area.description,
            dir: format!("areas/{}/", area.slug),
            ids,
        });
    }
    feeds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_clean_drops_control_characters() {
        assert_eq!(xml_clean("a\u{1}b\tc\nd"), "ab\tc\nd");
    }
}
