//! The metadata tags of government web pages (`<meta name="SiteName">`,
//! `ArticleTitle`, `PubDate`, …): what the 政府网站 page-metadata rules
//! ask for and what monitoring services and provincial portals read.
//!
//! Owns: [`NAMES`], which tags each kind of page carries ([`Class`]) and
//! their values. The default theme writes them from the `gov_meta`
//! context value (and `Description` from `description`); `anxuan check`
//! (rule `meta`) verifies them on the rendered pages, so a custom theme
//! that drops them is found.
//!
//! Invariants: values are plain text (the templates escape them); no tag
//! is written with an empty value.

use serde::Serialize;

use crate::content::Kind;
use crate::dates;
use crate::site::{PageId, Site};

/// Every tag name, in the order pages carry them. A tag's bit in a
/// [`Set`] is its index here.
pub const NAMES: [&str; 15] = [
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "ColumnName",
    "ColumnDescription",
    "ColumnKeywords",
    "ColumnType",
    "ArticleTitle",
    "PubDate",
    "ContentSource",
    "Keywords",
    "Author",
    "Description",
    "Image",
    "Url",
];

/// A set of tag names, one bit each (see [`NAMES`]).
pub type Set = u16;

/// The bit of tag `name` (0 for a name that is not one of [`NAMES`]).
pub fn bit(name: &[u8]) -> Set {
    NAMES
        .iter()
        .position(|n| n.as_bytes() == name)
        .map_or(0, |i| 1 << i)
}

/// The names in `set`, in [`NAMES`] order.
pub fn names(set: Set) -> impl Iterator<Item = &'static str> {
    NAMES
        .iter()
        .enumerate()
        .filter(move |(i, _)| set & (1 << i) != 0)
        .map(|(_, n)| *n)
}

/// Whether `v` is a `PubDate` value: `yyyy-MM-dd HH:mm`.
pub fn is_pub_date(v: &[u8]) -> bool {
    v.len() == 16
        && v.iter().enumerate().all(|(i, &b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 => b == b':',
            _ => b.is_ascii_digit(),
        })
}

/// The kinds of page, by the metadata they carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The home page, tag lists, search, 404, the HTML sitemap.
    Site,
    /// A column's list (every page of it) or a 五进 area's.
    Column,
    /// An article, notice, document, drill or case.
    Item,
    /// A standalone page (关于我们).
    Standalone,
}

/// One `<meta name content>`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct Tag {
    pub name: &'static str,
    pub content: String,
}

fn push(tags: &mut Vec<Tag>, name: &'static str, content: &str) {
    let content = content.trim();
    if !content.is_empty() {
        tags.push(Tag {
            name,
            content: content.to_owned(),
        });
    }
}

/// The host of `base_url`, e.g. `aq.qingshi.example.gov.cn` (empty when
/// it has none).
fn domain(site: &Site) -> &str {
    let origin = &site.config.origin;
    origin
        .split_once("://")
        .map_or("", |(_, host)| host.split('/').next().unwrap_or(""))
}

/// The tags every page carries.
pub fn site_tags(site: &Site) -> Vec<Tag> {
    let cfg = &site.config;
    let mut tags = Vec::new();
    push(&mut tags, "SiteName", &cfg.title);
    push(&mut tags, "SiteDomain", domain(site));
    push(
        &mut tags,
        "SiteIDCode",
        cfg.footer.site_code.as_deref().unwrap_or(""),
    );
    tags
}

/// The column type the metadata names for a column of `kind`.
fn column_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "信息发布",
        Kind::Notice => "通知公告",
        Kind::Document => "政策文件",
        Kind::Drill => "应急演练",
        Kind::Case => "警示案例",
        Kind::Page => "单页",
    }
}

/// The tags of column `c`'s pages (its list and its items).
pub fn column_tags(site: &Site, c: usize) -> Vec<Tag> {
    let cfg = &site.config;
    let col = &cfg.columns[c];
    let mut tags = site_tags(site);
    push(&mut tags, "ColumnName", &col.title);
    let description = [&col.description, &cfg.description, &col.title]
        .into_iter()
        .find(|d| !d.trim().is_empty())
        .map_or("", |d| d.as_str());
    push(&mut tags, "ColumnDescription", description);
    push(
        &mut tags,
        "ColumnKeywords",
        &format!("{},安全生产", col.title),
    );
    push(&mut tags, "ColumnType", column_type(col.kind));
    tags
}

/// The tags of 五进 area `i`'s list pages.
pub fn area_tags(site: &Site, i: usize) -> Vec<Tag> {
    let area = &site.config.areas[i];
    let name = format!("安全生产宣传进{}", area.name);
    let mut tags = site_tags(site);
    push(&mut tags, "ColumnName", &name);
    let description = if area.description.trim().is_empty() {
        &name
    } else {
        &area.description
    };
    push(&mut tags, "ColumnDescription", description);
    push(
        &mut tags,
        "ColumnKeywords",
        &format!("安全生产,五进,进{}", area.name),
    );
    push(&mut tags, "ColumnType", "五进专栏");
    tags
}

/// The source an item names, else the site's organizer, else the site.
fn content_source(site: &Site, id: PageId) -> &str {
    let cfg = &site.config;
    site.pages[id]
        .source
        .as_deref()
        .or(cfg.footer.organizer.as_deref())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(&cfg.title)
}

/// The tags of page `id` (`image`: its absolute cover URL, if any).
/// `Description` comes from the page's `description`.
pub fn page_tags(site: &Site, id: PageId, image: Option<&str>) -> Vec<Tag> {
    let page = &site.pages[id];
    let cfg = &site.config;
    let mut tags = if page.kind == Kind::Page {
        site_tags(site)
    } else {
        column_tags(site, page.column)
    };
    push(&mut tags, "ArticleTitle", &page.title);
    if page.kind != Kind::Page {
        if let Some(d) = page.date {
            push(&mut tags, "PubDate", &dates::ymd_hm(d.ts, &cfg.tz));
        }
        let source = content_source(site, id);
        push(&mut tags, "ContentSource", source);
        let keywords = if page.tags.is_empty() {
            cfg.columns[page.column].title.clone()
        } else {
            page.tags.join(",")
        };
        push(&mut tags, "Keywords", &keywords);
        let author = page.author.as_deref().or(page.editor.as_deref());
        push(&mut tags, "Author", author.unwrap_or(source));
        push(&mut tags, "Image", image.unwrap_or(""));
    }
    if !cfg.origin.is_empty() {
        push(&mut tags, "Url", &site.permalink(id));
    }
    tags
}

/// The tags a page of `class` must carry on `site` (`Description` among
/// them: a page's own or the site's description), with `PubDate` when it
/// has a date. (`Image` is written only for a cover, so not required.)
pub fn required(site: &Site, class: Class, dated: bool) -> Set {
    let cfg = &site.config;
    let mut need: Vec<&str> = vec!["SiteName"];
    if !cfg.origin.is_empty() {
        need.push("SiteDomain");
    }
    if cfg
        .footer
        .site_code
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty())
    {
        need.push("SiteIDCode");
    }
    if matches!(class, Class::Column | Class::Item) {
        need.extend([
            "ColumnName",
            "ColumnDescription",
            "ColumnKeywords",
            "ColumnType",
        ]);
    }
    if matches!(class, Class::Item | Class::Standalone) {
        need.push("ArticleTitle");
        if !cfg.origin.is_empty() {
            need.push("Url");
        }
    }
    if class == Class::Item {
        need.extend(["ContentSource", "Keywords", "Author"]);
        if dated {
            need.push("PubDate");
        }
    }
    if class == Class::Item || !cfg.description.trim().is_empty() {
        need.push("Description");
    }
    need.iter().fold(0, |set, n| set | bit(n.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pub_date_is_minutes_with_a_space() {
        assert!(is_pub_date(b"2026-06-01 09:30"));
        assert!(!is_pub_date(b"2026-06-01T09:30"));
        assert!(!is_pub_date(b"2026-06-01"));
        assert!(!is_pub_date(b"2026-6-1 9:30"));
    }

    #[test]
    fn bits_name_their_tags() {
        let set = bit(b"SiteName") | bit(b"Url");
        assert_eq!(names(set).collect::<Vec<_>>(), ["SiteName", "Url"]);
        assert_eq!(bit(b"sitename"), 0);
    }
}
