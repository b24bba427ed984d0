//! The 公众号 (WeChat official account) export of an item page:
//! `<page dir>wechat.html` beside its `index.html`, for the editor who
//! posts the item there — the fields to fill in (title, summary, author,
//! 原文链接, cover), the part to copy (the item's facts and its body, with
//! inline styles only) and the images to upload.
//!
//! Owns: the export's file name ([`FILE`], [`is_export`]), its job and
//! memo key, the facts it shows (taken from the views the item's page
//! shows) and its page (`wechat.html`, compiled once as a
//! `theme::Builtin`, autoescaped). Imports: the parent module,
//! `markdown::wechat` (the restyled body), `content`, `site`, `error`.
//!
//! Invariants: every item page but standalone pages has one; no page
//! links it, and the sitemap, feeds and search index (which list pages,
//! not files) and the checks' page scans ([`is_export`]) leave it out;
//! nothing of a page reaches it unescaped but the restyled body, which
//! `ammonia` cleaned; no class, `<style>`, script (but the live-reload
//! script of `anxuan serve`, as on every page) or outside resource; the
//! same inputs give the same bytes.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Serialize;

use super::views::{self, LinkView, PageView};
use super::{Job, Renderer, jsonld};
use crate::content::Kind;
use crate::error::Diagnostic;
use crate::markdown::wechat::{self as restyle, Place};
use crate::site::{PageId, Site};
use crate::theme::Builtin;

/// The export's file name in its page's folder.
pub const FILE: &str = "wechat.html";

/// Whether the output `path` is a 公众号 export (which no one links and
/// the checks do not scan as a page of the site).
pub fn is_export(path: &str) -> bool {
    path.strip_suffix(FILE)
        .is_some_and(|dir| dir.ends_with('/'))
}

/// One row of the facts table.
#[derive(Debug, Serialize)]
struct Fact {
    label: &'static str,
    value: String,
    /// A page it names, after the value: 《title》 linked.
    link: Option<LinkView>,
}

impl Fact {
    fn new(label: &'static str, value: impl Into<String>) -> Fact {
        Fact {
            label,
            value: value.into(),
            link: None,
        }
    }
}

/// A numbered list after the body (a case's causes and lessons).
#[derive(Debug, Serialize)]
struct List<'a> {
    title: &'static str,
    items: &'a [String],
}

/// What the export shows of an item besides its body.
#[derive(Debug, Default, Serialize)]
struct Facts<'a> {
    /// A line above the text (source, author, date …).
    meta: Vec<String>,
    caption: Option<&'static str>,
    rows: Vec<Fact>,
    lists: Vec<List<'a>>,
}

/// The facts of the item `view`, as its page shows them; `abs` makes a
/// site path a permalink.
fn facts<'a>(kind: Kind, view: &'a PageView<'_>, abs: &dyn Fn(&str) -> String) -> Facts<'a> {
    let item = view.item;
    let mut f = Facts::default();
    let dated = |f: &mut Facts<'_>| {
        if let Some(d) = &item.date {
            f.meta.push(format!("发布时间：{}", d.zh));
        }
    };
    let linked = |l: &LinkView| LinkView {
        name: l.name.clone(),
        url: abs(&l.url),
    };
    match kind {
        Kind::Article | Kind::Page => {
            if let Some(s) = view.source {
                f.meta.push(format!("来源：{s}"));
            }
            if let Some(a) = view.author {
                f.meta.push(format!("作者：{a}"));
            }
            dated(&mut f);
        }
        Kind::Notice => {
            if let Some(n) = &item.notice {
                if let Some(i) = &n.issuer {
                    f.meta.push(format!("发布单位：{i}"));
                }
                dated(&mut f);
                if let Some(v) = &n.valid_until {
                    let expired = if n.expired { "（已过期）" } else { "" };
                    f.meta.push(format!("有效期至：{}{expired}", v.zh));
                }
            }
        }
        Kind::Drill => {
            if let Some(d) = &item.drill {
                f.caption = Some("演练信息");
                if matches!(d.status, "cancelled" | "postponed") {
                    f.rows.push(Fact::new("演练状态", d.status_label));
                }
                f.rows.push(Fact::new("演练时间", d.time_range.clone()));
                let place = match &d.address {
                    Some(a) => format!("{}（{a}）", d.location),
                    None => d.location.clone(),
                };
                f.rows.push(Fact::new("演练地点", place));
                f.rows.push(Fact::new("组织单位", d.organizer.clone()));
                f.rows.push(Fact::new("演练类型", d.drill_type.clone()));
                if let Some(a) = &d.audience {
                    f.rows.push(Fact::new("参加对象", a.clone()));
                }
                if let Some(n) = d.participants {
                    f.rows.push(Fact::new("预计人数", format!("约 {n} 人")));
                }
                if let Some(c) = &d.contact {
                    f.rows.push(Fact::new("联系方式", c.clone()));
                }
            }
        }
        Kind::Case => {
            if let Some(s) = view.source {
                f.meta.push(format!("来源：{s}"));
            }
            dated(&mut f);
            if let Some(c) = &item.case {
                f.caption = Some("事故基本情况");
                f.rows
                    .push(Fact::new("事故日期", c.accident_date.zh.clone()));
                f.rows.push(Fact::new("事故地点", c.place.clone()));
                if let Some(i) = &c.industry {
                    f.rows.push(Fact::new("所属行业", i.clone()));
                }
                f.rows.push(Fact::new("事故类型", c.accident_type.clone()));
                f.rows
                    .push(Fact::new("事故等级", format!("{}事故", c.grade)));
                f.rows
                    .push(Fact::new("死亡人数", format!("{} 人", c.deaths)));
                f.rows
                    .push(Fact::new("重伤人数", format!("{} 人", c.serious_injuries)));
                f.rows.push(Fact::new(
                    "受伤人数（含重伤）",
                    format!("{} 人", c.injuries),
                ));
                let loss = match &c.direct_loss_wan {
                    Some(w) => format!("{w} 万元"),
                    None => "未公布".to_owned(),
                };
                f.rows.push(Fact::new("直接经济损失", loss));
                if !c.causes.is_empty() {
                    f.lists.push(List {
                        title: "事故原因",
                        items: &c.causes,
                    });
                }
                if !c.lessons.is_empty() {
                    f.lists.push(List {
                        title: "警示教训",
                        items: &c.lessons,
                    });
                }
            }
        }
        Kind::Document => {
            if let (Some(d), Some(m)) = (&item.document, &view.document_meta) {
                f.caption = Some("信息公开要素");
                if let Some(i) = &m.index_no {
                    f.rows.push(Fact::new("索引号", i.clone()));
                }
                f.rows.push(Fact::new("发文机关", d.issuer.clone()));
                if let Some(t) = &m.topic {
                    f.rows.push(Fact::new("主题分类", t.clone()));
                }
                if let Some(x) = &m.form {
                    f.rows.push(Fact::new("体裁", x.clone()));
                }
                if let Some(w) = &m.written {
                    f.rows.push(Fact::new("成文日期", w.zh.clone()));
                }
                if let Some(p) = &item.date {
                    f.rows.push(Fact::new("发布日期", p.zh.clone()));
                }
                if let Some(n) = &d.doc_no {
                    f.rows.push(Fact::new("文号", n.clone()));
                }
                f.rows.push(Fact::new("有效性", d.status_label));
                if let Some(by) = &m.replaced_by {
                    f.rows.push(Fact {
                        link: Some(linked(by)),
                        ..Fact::new("替代文件", "已由以下文件替代：")
                    });
                }
                if let Some(i) = &m.interpretation {
                    f.rows.push(Fact {
                        link: Some(linked(i)),
                        ..Fact::new("政策解读", "")
                    });
                }
            }
        }
    }
    f
}

/// The styles the page writes around the body, from the body's table.
fn styles() -> BTreeMap<&'static str, String> {
    [
        "root", "meta", "table", "caption", "tbody", "tr", "th", "td", "h2", "ol", "li", "a",
    ]
    .into_iter()
    .map(|name| {
        let css = restyle::style(name, Place::default()).unwrap_or_default();
        (name, css.into_owned())
    })
    .collect()
}

/// The export of item page `id`, or `None` for a standalone page.
pub fn job<'a>(r: &'a Renderer<'a>, id: PageId) -> Option<Job<'a>> {
    let site = r.site;
    let dir = &site.dirs[id];
    if site.pages[id].kind == Kind::Page || !dir.ends_with('/') {
        return None;
    }
    // What it shows: the chrome's settings (base URL, clock, live
    // reload), the page's source and body, its folder, its list entry and
    // the titles of the documents it names.
    let key = r.keys.as_ref().map(|k| {
        let mut key = k.start("wechat");
        key.add(&k.pages[id]).add(dir).add(&k.items[id]);
        let rel = &r.relations[id];
        for i in rel.linked() {
            key.add(&k.items[i]);
        }
        key.finish()
    });
    Some(Job::new(format!("{dir}{FILE}"), key, move || export(r, id)))
}

/// Renders the export of item page `id`.
pub fn export(r: &Renderer<'_>, id: PageId) -> Result<Vec<u8>, Diagnostic> {
    let site: &Site = r.site;
    let cfg = &site.config;
    let page = &site.pages[id];
    let _working = crate::crash::working_on(&page.file);
    let body = &r.bodies[id];
    let rel = &r.relations[id];
    let view = views::page_view(site, id, &r.items[id], body, r.items, rel);
    let abs = |path: &str| cfg.permalink(path);
    let facts = facts(page.kind, &view, &abs);
    let restyled = restyle::inline_styles(&body.html, &view.permalink);
    let attachments: Vec<views::AttachmentView> =
        if matches!(page.kind, Kind::Notice | Kind::Document) {
            view.attachments
                .iter()
                .map(|a| views::AttachmentView {
                    url: abs(&a.url),
                    ..a.clone()
                })
                .collect()
        } else {
            Vec::new()
        };
    let mut ctx = crate::theme::TemplateContext::new();
    ctx.insert("title", &page.title);
    ctx.insert("description", &view.description);
    ctx.insert("author", &view.author);
    ctx.insert("permalink", &view.permalink);
    ctx.insert("cover", &jsonld::cover(site, page, body));
    ctx.insert("no_host", &cfg.origin.is_empty());
    ctx.insert("live_reload", &r.opts.live_reload);
    ctx.insert("base_path", &cfg.base_path);
    ctx.insert("font", restyle::FONT);
    ctx.insert("s", &styles());
    ctx.insert("meta", &facts.meta);
    ctx.insert("caption", &facts.caption);
    ctx.insert("facts", &facts.rows);
    ctx.insert("lists", &facts.lists);
    ctx.insert("content", &restyled.html);
    ctx.insert("attachments", &attachments);
    ctx.insert("images", &restyled.images);
    // Compiled once for every export of every build.
    static TEMPLATE: LazyLock<Result<Builtin, Diagnostic>> =
        LazyLock::new(|| Builtin::new("wechat.html", include_str!("wechat.html")));
    let template = TEMPLATE.as_ref().map_err(Clone::clone)?;
    template.render(&ctx).map(String::into_bytes).map_err(|d| {
        Diagnostic::error(
            crate::error::Span::file(page.file.clone()),
            format!("the 公众号 export: {}", d.message),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_export_names_the_file_in_a_page_folder() {
        assert!(is_export("drills/a/wechat.html"));
        assert!(is_export("articles/2025/x/wechat.html"));
        assert!(!is_export("wechat.html"));
        assert!(!is_export("drills/a/index.html"));
        assert!(!is_export("drills/a/mywechat.html"));
    }

    #[test]
    fn styles_of_the_page_are_all_set() {
        for (name, css) in styles() {
            assert!(!css.is_empty(), "{name}");
        }
    }
}
