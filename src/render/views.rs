//! Template views: small serializable structs computed once per page and
//! handed to templates, so no template context carries the whole site.
//!
//! Imports: `site`, `content`, `dates`, `markdown`, `config`.
//!
//! Invariants: every string here is plain text (templates escape it) except
//! `PageView::content`, which is the sanitized body HTML.

use serde::Serialize;

use crate::config::Config;
use crate::content::attachment::size_label;
use crate::content::{DocStatus, Page};
use crate::dates::{self, When};
use crate::markdown::{Body, TocEntry};
use crate::site::relations::Relations;
use crate::site::{PageId, Site, join_url};

#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct DateView {
    /// 2025年6月16日 (with 09:30 when a time was given)
    pub zh: String,
    /// 2025-06-16
    pub ymd: String,
    /// For `<time datetime>`.
    pub iso: String,
}

impl DateView {
    pub fn new(w: When, cfg: &Config) -> Self {
        DateView {
            zh: dates::when_zh(w, &cfg.tz),
            ymd: dates::ymd(w.ts, &cfg.tz),
            iso: dates::html_datetime(w, &cfg.tz),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct AreaLink {
    pub name: String,
    pub slug: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct DrillView {
    pub start: DateView,
    pub end: DateView,
    /// 2025年6月16日 09:30—11:00, or 2026年12月20日（全天）
    pub time_range: String,
    /// Given as dates only: whole days (`end` is the last day).
    pub all_day: bool,
    pub location: String,
    pub address: Option<String>,
    pub organizer: String,
    pub drill_type: String,
    pub participants: Option<u64>,
    pub audience: Option<String>,
    pub bring: Option<String>,
    pub contact: Option<String>,
    /// upcoming / ongoing / finished / cancelled / postponed
    pub status: &'static str,
    /// 未开始 / 进行中 / 已结束 / 已取消 / 已延期
    pub status_label: &'static str,
}

#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct CaseView {
    pub accident_date: DateView,
    pub place: String,
    pub industry: Option<String>,
    pub accident_type: String,
    pub deaths: u64,
    pub serious_injuries: u64,
    pub injuries: u64,
    /// Formatted, e.g. `1,234.5`; none when not reported.
    pub direct_loss_wan: Option<String>,
    /// 一般 / 较大 / 重大 / 特别重大
    pub grade: &'static str,
    pub grade_class: &'static str,
    pub causes: Vec<String>,
    pub lessons: Vec<String>,
}

/// What a list shows of a notice.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct NoticeItem {
    pub issuer: Option<String>,
    pub valid_until: Option<DateView>,
    /// Past its `valid_until` (shown 已过期).
    pub expired: bool,
}

/// What a list shows of a document.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct DocItem {
    pub doc_no: Option<String>,
    pub issuer: String,
    /// valid / invalid / repealed / revised
    pub status: &'static str,
    /// 有效 / 失效 / 废止 / 修订
    pub status_label: &'static str,
    /// The badge's style, shared with the drills' (green in force, amber
    /// revised, grey no longer in force): `status-<class>`.
    pub status_class: &'static str,
}

/// What a list shows for one page.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct ItemView {
    pub kind: &'static str,
    pub kind_label: String,
    pub title: String,
    pub url: String,
    pub summary: String,
    /// The date shown beside the item (publication date, or a drill's start).
    pub date: Option<DateView>,
    pub areas: Vec<AreaLink>,
    pub drill: Option<DrillView>,
    pub case: Option<CaseView>,
    pub notice: Option<NoticeItem>,
    pub document: Option<DocItem>,
    /// The cover's thumbnail, when the cover is a published photo.
    pub cover: Option<ImageView>,
}

/// One size of an image as a template shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Hash)]
pub struct ImageView {
    pub src: String,
    pub width: u32,
    pub height: u32,
}

/// An attachment as a page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    pub title: String,
    pub url: String,
    /// PDF, DOCX …
    pub format: &'static str,
    /// 356 KB
    pub size: String,
}

/// The 信息公开 metadata of a document page.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub index_no: Option<String>,
    pub topic: Option<String>,
    pub form: Option<String>,
    pub written: Option<DateView>,
    pub replaced_by: Option<LinkView>,
    pub interpretation: Option<LinkView>,
}

/// Everything a single-page template sees as `page`.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub item: &'a ItemView,
    pub permalink: String,
    pub description: String,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub tags: Vec<LinkView>,
    pub source: Option<&'a str>,
    pub author: Option<&'a str>,
    pub editor: Option<&'a str>,
    pub reviewer: Option<&'a str>,
    /// 初审, 复审, 终审, as far as given.
    pub review: &'a [String],
    pub extra: &'a serde_json::Value,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    pub has_code: bool,
    pub attachments: Vec<AttachmentView>,
    /// A document's metadata beyond its list entry (`document`).
    pub document_meta: Option<DocumentView>,
    /// The documents this page explains (解读).
    pub interprets: Vec<LinkView>,
    /// The documents this one replaced.
    pub replaces: Vec<LinkView>,
}

/// Formats a number of 万元 with thousands separators and at most two decimals.
pub fn format_wan(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}

/// Cuts plain text to at most `max` characters, ending with `…` when cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub fn area_links(site: &Site, page: &Page) -> Vec<AreaLink> {
    page.areas
        .iter()
        .map(|&a| {
            let area = &site.config.areas[a];
            AreaLink {
                name: area.name.clone(),
                slug: area.slug.clone(),
                url: join_url(&site.config.base_path, &format!("areas/{}/", area.slug)),
            }
        })
        .collect()
}

fn drill_view(site: &Site, page: &Page) -> Option<DrillView> {
    let d = page.drill()?;
    let cfg = &site.config;
    let status = d.status_at(site.now);
    Some(DrillView {
        start: DateView::new(d.start, cfg),
        end: DateView::new(d.end, cfg),
        time_range: dates::range_zh(d.start, d.end, &cfg.tz),
        all_day: d.all_day(),
        location: d.location.clone(),
        address: d.address.clone(),
        organizer: d.organizer.clone(),
        drill_type: d.drill_type.clone(),
        participants: d.participants,
        audience: d.audience.clone(),
        bring: d.bring.clone(),
        contact: d.contact.clone(),
        status: status.name(),
        status_label: status.label(),
    })
}

fn case_view(site: &Site, page: &Page) -> Option<CaseView> {
    let c = page.case()?;
    Some(CaseView {
        accident_date: DateView::new(c.accident_date, &site.config),
        place: c.place.clone(),
        industry: c.industry.clone(),
        accident_type: c.accident_type.clone(),
        deaths: c.deaths,
        serious_injuries: c.serious_injuries,
        injuries: c.injuries,
        direct_loss_wan: c.direct_loss_wan.map(format_wan),
        grade: c.grade.label(),
        grade_class: c.grade.name(),
        causes: c.causes.clone(),
        lessons: c.lessons.clone(),
    })
}

fn notice_item(site: &Site, page: &Page) -> Option<NoticeItem> {
    let n = page.notice()?;
    Some(NoticeItem {
        issuer: n.issuer.clone(),
        valid_until: n.valid_until.map(|w| DateView::new(w, &site.config)),
        expired: n.expired_at(site.now, &site.config),
    })
}

fn doc_item(page: &Page) -> Option<DocItem> {
    let d = page.document()?;
    Some(DocItem {
        doc_no: d.doc_no.clone(),
        issuer: d.issuer.clone(),
        status: d.status.name(),
        status_label: d.status.label(),
        status_class: match d.status {
            DocStatus::Valid => "ongoing",
            DocStatus::Revised => "postponed",
            DocStatus::Invalid | DocStatus::Repealed => "finished",
        },
    })
}

/// The summary shown in lists: the explicit one, or the first paragraph.
pub fn summary(page: &Page, body: &Body) -> String {
    match &page.summary {
        Some(s) => s.clone(),
        None => truncate_chars(&body.first_paragraph, 160),
    }
}

pub fn item_view(site: &Site, id: PageId, body: &Body) -> ItemView {
    let page = &site.pages[id];
    ItemView {
        kind: page.kind.name(),
        kind_label: site.config.columns[page.column].title.clone(),
        title: page.title.clone(),
        url: site.url(id),
        summary: summary(page, body),
        date: page.list_date().map(|w| DateView::new(w, &site.config)),
        areas: area_links(site, page),
        drill: drill_view(site, page),
        case: case_view(site, page),
        notice: notice_item(site, page),
        document: doc_item(page),
        cover: body
            .cover
            .as_ref()
            .and_then(crate::images::thumbnail_size)
            .map(|z| ImageView {
                src: z.url.clone(),
                width: z.width,
                height: z.height,
            }),
    }
}

pub fn page_view<'a>(
    site: &'a Site,
    id: PageId,
    item: &'a ItemView,
    body: &'a Body,
    items: &[ItemView],
    rel: &Relations,
) -> PageView<'a> {
    let page = &site.pages[id];
    let (prev, next) = site.neighbours[id];
    let link = |i: PageId| LinkView {
        name: items[i].title.clone(),
        url: items[i].url.clone(),
    };
    PageView {
        item,
        permalink: site.permalink(id),
        description: truncate_chars(&item.summary, 120),
        content: &body.html,
        toc: &body.toc,
        tags: page
            .tags
            .iter()
            .map(|t| LinkView {
                name: t.clone(),
                url: site.tag_url(t).unwrap_or_default(),
            })
            .collect(),
        source: page.source.as_deref(),
        author: page.author.as_deref(),
        editor: page.editor.as_deref(),
        reviewer: page.reviewer.as_deref(),
        review: &page.review,
        extra: &page.extra,
        prev: prev.map(link),
        next: next.map(link),
        has_code: body.has_code,
        attachments: rel
            .attachments
            .iter()
            .map(|a| AttachmentView {
                title: a.title.clone(),
                url: site.url_of_dir(&a.out),
                format: a.format,
                size: size_label(a.size),
            })
            .collect(),
        document_meta: page.document().map(|d| DocumentView {
            index_no: d.index_no.clone(),
            topic: d.topic.clone(),
            form: d.form.clone(),
            written: d.written.map(|w| DateView::new(w, &site.config)),
            replaced_by: rel.replaced_by.map(link),
            interpretation: rel.interpretation.map(link),
        }),
        interprets: rel.interprets.iter().map(|&i| link(i)).collect(),
        replaces: rel.replaces.iter().map(|&i| link(i)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_wan_groups_thousands() {
        assert_eq!(format_wan(1234.5), "1,234.5");
        assert_eq!(format_wan(12000.0), "12,000");
        assert_eq!(format_wan(999.95), "999.95");
        assert_eq!(format_wan(0.0), "0");
    }

    #[test]
    fn truncate_chars_counts_characters() {
        assert_eq!(truncate_chars("安全生产人人有责", 5), "安全生产…");
        assert_eq!(truncate_chars("安全", 5), "安全");
    }
}
