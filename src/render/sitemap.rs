//! The site map: `/sitemap.xml` (sitemaps.org protocol 0.9) for search
//! engines, `/robots.txt`, and the 网站地图 page for readers (`/sitemap/`,
//! linked from every footer, as government sites have).
//!
//! Owns: which pages a sitemap lists and their `lastmod`; what the
//! 网站地图 page shows. Imports: `site`, `content`, `dates`.
//!
//! Invariants: only first pages of lists are listed (no `page/n/`), plus
//! every article, drill, case, standalone page, area and tag; every `loc`
//! is absolute, so a sitemap is written only when `base_url` is; a page's
//! `lastmod` is its own date, a list's the newest date in it, and an
//! undated page's the newest date of the site (the build's `now` when the
//! site has no dated content).

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::content::Kind;
use crate::dates::{self, Timestamp};
use crate::site::{PageId, Site};

/// One entry of the 网站地图 page.
#[derive(Debug, serde::Serialize)]
pub struct MapEntry {
    pub name: String,
    pub url: String,
    pub description: String,
    /// Items in it (columns and areas).
    pub count: Option<usize>,
}

/// A group of the 网站地图 page: 栏目, 五进专栏, 单页, 其他.
#[derive(Debug, serde::Serialize)]
pub struct MapGroup {
    pub heading: &'static str,
    pub entries: Vec<MapEntry>,
}

/// The groups of the 网站地图 page: every column, area, standalone page,
/// and the site's search, tags, feeds and calendar.
pub fn page_groups(site: &Site) -> Vec<MapGroup> {
    let cfg = &site.config;
    let entry = |name: &str, dir: &str, description: &str, count: Option<usize>| MapEntry {
        name: name.to_owned(),
        url: site.url_of_dir(dir),
        description: description.to_owned(),
        count,
    };
    let columns = std::iter::once(entry("首页", "", &cfg.description, None))
        .chain(
            cfg.columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.kind != Kind::Page)
                .map(|(c, col)| {
                    let dir = format!("{}/", col.folder);
                    entry(
                        &col.title,
                        &dir,
                        &col.description,
                        Some(site.columns[c].len()),
                    )
                }),
        )
        .collect();
    let areas = std::iter::once(entry("五进专栏", "areas/", "", None))
        .chain(cfg.areas.iter().enumerate().map(|(i, a)| {
            let dir = format!("areas/{}/", a.slug);
            let name = format!("安全生产宣传进{}", a.name);
            entry(&name, &dir, &a.description, Some(site.areas[i].len()))
        }))
        .collect();
    let pages: Vec<MapEntry> = site
        .standalone
        .iter()
        .map(|&id| entry(&site.pages[id].title, &site.dirs[id], "", None))
        .collect();
    let mut other = vec![
        entry("站内搜索", "search/", "", None),
        entry("标签", "tags/", "按标签浏览全部内容", None),
        entry("订阅（Atom）", "atom.xml", "用阅读器订阅本站更新", None),
        entry("订阅（RSS）", "rss.xml", "", None),
    ];
    if cfg.columns.iter().any(|c| c.kind == Kind::Drill) {
        let calendar = super::ics::site_calendar(site);
        other.push(entry(
            "应急演练日历",
            &calendar,
            "导入手机日历，演练前提醒",
            None,
        ));
    }
    let mut groups = vec![
        MapGroup {
            heading: "栏目",
            entries: columns,
        },
        MapGroup {
            heading: "五进专栏",
            entries: areas,
        },
    ];
    if !pages.is_empty() {
        groups.push(MapGroup {
            heading: "单页",
            entries: pages,
        });
    }
    groups.push(MapGroup {
        heading: "其他",
        entries: other,
    });
    groups
}

fn newest(site: &Site, ids: &[PageId]) -> Option<Timestamp> {
    ids.iter()
        .filter_map(|&i| site.pages[i].list_date())
        .map(|w| w.ts)
        .max()
}

/// (output directory, lastmod) of every listed page, in a stable order.
pub fn entries(site: &Site) -> Vec<(String, Timestamp)> {
    let all: Vec<PageId> = (0..site.pages.len())
        .filter(|&i| site.pages[i].kind != Kind::Page)
        .collect();
    let site_newest = newest(site, &all).unwrap_or(site.now);
    let list = |ids: &[PageId]| newest(site, ids).unwrap_or(site_newest);
    let mut out = vec![(String::new(), site_newest)];
    for (c, col) in site.config.columns.iter().enumerate() {
        if col.kind != Kind::Page {
            out.push((format!("{}/", col.folder), list(&site.columns[c])));
        }
    }
    out.push(("areas/".to_owned(), site_newest));
    for (i, a) in site.config.areas.iter().enumerate() {
        out.push((format!("areas/{}/", a.slug), list(&site.areas[i])));
    }
    out.push(("tags/".to_owned(), site_newest));
    for t in &site.tags {
        out.push((site.tag_dir(t), list(&t.pages)));
    }
    for (id, p) in site.pages.iter().enumerate() {
        let lastmod = p.list_date().map_or(site_newest, |w| w.ts);
        out.push((site.dirs[id].clone(), lastmod));
    }
    out
}

/// The sitemap, or `None` when `base_url` has no host (the protocol
/// requires absolute URLs).
pub fn sitemap(site: &Site) -> Option<io::Result<Vec<u8>>> {
    if site.config.origin.is_empty() {
        return None;
    }
    let tz = &site.config.tz;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let result = (|| {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .write_inner_content(|w| {
                for (dir, lastmod) in entries(site) {
                    let loc = site.config.permalink(&site.url_of_dir(&dir));
                    w.create_element("url").write_inner_content(|w| {
                        w.create_element("loc")
                            .write_text_content(BytesText::new(&loc))?;
                        w.create_element("lastmod")
                            .write_text_content(BytesText::new(&dates::rfc3339(lastmod, tz)))?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })();
    Some(result.map(|()| {
        let mut out = w.into_inner();
        out.push(b'\n');
        out
    }))
}

/// `robots.txt`: everything allowed, and where the sitemap is.
pub fn robots(site: &Site) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if !site.config.origin.is_empty() {
        s.push_str(&format!(
            "\nSitemap: {}\n",
            site.config.permalink(&site.url_of_dir("sitemap.xml"))
        ));
    }
    s
}
