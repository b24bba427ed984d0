//! Rule `meta`: every rendered page carries the government metadata tags
//! its kind of page needs ([`crate::render::meta`]); a custom theme that
//! drops them, or writes a `PubDate` in another format, is found here.
//!
//! Invariants: one finding per missing tag and kind of page (a theme
//! without the tags would otherwise report every page fifteen times),
//! naming how many pages lack it and the first of them.

use std::collections::BTreeMap;

use super::{Finding, Scanned};
use crate::content::Kind;
use crate::error::{Diagnostic, Span};
use crate::hash::FxMap;
use crate::render::meta::{self, Class};
use crate::render::out_path;
use crate::site::{PageId, Site};

/// What kind of page the output `path` is, and its page id for an item.
fn classify(site: &Site, items: &FxMap<String, PageId>, path: &str) -> (Class, Option<PageId>) {
    if let Some(&id) = items.get(path) {
        let class = match site.pages[id].kind {
            Kind::Page => Class::Standalone,
            _ => Class::Item,
        };
        return (class, Some(id));
    }
    let cfg = &site.config;
    let column = cfg
        .columns
        .iter()
        .filter(|c| c.kind != Kind::Page)
        .any(|c| {
            path.strip_prefix(c.folder.as_str())
                .is_some_and(|r| r.starts_with('/'))
        });
    let area = path.strip_prefix("areas/").is_some_and(|r| {
        cfg.areas.iter().any(|a| {
            r.strip_prefix(a.slug.as_str())
                .is_some_and(|r| r.starts_with('/'))
        })
    });
    if column || area {
        (Class::Column, None)
    } else {
        (Class::Site, None)
    }
}

fn class_label(class: Class) -> &'static str {
    match class {
        Class::Site => "site",
        Class::Column => "column list",
        Class::Item => "item",
        Class::Standalone => "standalone",
    }
}

/// The metadata tags missing from rendered pages.
pub fn rendered(site: &Site, scanned: &Scanned) -> Vec<Finding> {
    let items: FxMap<String, PageId> = site
        .dirs
        .iter()
        .enumerate()
        .map(|(id, d)| (out_path(d), id))
        .collect();
    // What each class needs, undated and dated: worked out once, not per page.
    const CLASSES: [Class; 4] = [Class::Site, Class::Column, Class::Item, Class::Standalone];
    let need: Vec<meta::Set> = CLASSES
        .iter()
        .flat_map(|&c| {
            [
                meta::required(site, c, false),
                meta::required(site, c, true),
            ]
        })
        .collect();
    // (class, tag) → (pages without it, the first of them by path).
    let mut missing: BTreeMap<(u8, &'static str), (usize, &str, Option<PageId>)> = BTreeMap::new();
    for (path, scan) in &scanned.pages {
        let (class, id) = classify(site, &items, path);
        let dated = id.is_some_and(|id| site.pages[id].date.is_some());
        let lacking = need[class as usize * 2 + usize::from(dated)] & !scan.meta;
        for name in meta::names(lacking) {
            let e = missing
                .entry((class as u8, name))
                .or_insert((0, path.as_str(), id));
            e.0 += 1;
            if path.as_str() < e.1 {
                (e.1, e.2) = (path.as_str(), id);
            }
        }
    }
    let class_of = |c: u8| {
        CLASSES
            .into_iter()
            .find(|&k| k as u8 == c)
            .unwrap_or(Class::Site)
    };
    missing
        .into_iter()
        .map(|((class, name), (count, first, id))| {
            let span = match id {
                Some(id) => Span::file(site.pages[id].file.clone()),
                None => Span::file(first),
            };
            let what = if name == "PubDate" {
                "missing or not `yyyy-MM-dd HH:mm`"
            } else {
                "missing or empty"
            };
            Finding::warning(
                "meta",
                Diagnostic::warning(
                    span,
                    format!(
                        "`<meta name=\"{name}\">` is {what} on {count} {} page(s), e.g. {first}",
                        class_label(class_of(class))
                    ),
                )
                .with_help(
                    "政府网站网页须带元数据（SiteName、ColumnName、ArticleTitle、PubDate 等），检查工具据此采集；\
                     默认主题已输出，自定义主题请在 <head> 中保留 {% for m in gov_meta %} 循环",
                ),
            )
        })
        .collect()
}
