//! List pages: home, paginated kind lists, the drill list, areas, tags, 404.
//!
//! Imports: the parent module, `site`, `dates`, `error`.
//!
//! Invariants: lists are cut from the site's precomputed sorted indexes
//! (no sorting here); page 1 of a list lives at `<dir>/`, page n at
//! `<dir>/page/n/`.

use rayon::prelude::*;
use serde::Serialize;

use super::Renderer;
use super::views::ItemView;
use crate::dates;
use crate::error::Diagnostic;
use crate::site::PageId;

type Out = Result<(String, Vec<u8>), Diagnostic>;

/// What a list adds to its pages' template context.
type Extra<'a> = dyn Fn(&mut crate::theme::TemplateContext) + Sync + 'a;

/// A group of list pages, rendered beside the others.
type Job<'a> = Box<dyn Fn() -> Vec<Out> + Send + Sync + 'a>;

/// Which list pages to render.
pub enum Which<'a> {
    All,
    /// Only those that show one of these pages (`true` at its id); the
    /// rest of the site is unchanged (`anxuan serve`).
    Showing(&'a [bool]),
}

impl Which<'_> {
    fn any(&self, ids: &[PageId]) -> bool {
        match self {
            Which::All => true,
            Which::Showing(shown) => ids.iter().any(|&i| shown[i]),
        }
    }

    /// Pages that show no list items (their inputs are the site's structure).
    fn fixed(&self) -> bool {
        matches!(self, Which::All)
    }
}

#[derive(Debug, Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
    /// Pages left out before this one (shown as "…").
    gap_before: bool,
}

#[derive(Debug, Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
struct ListView<'a> {
    /// The `<h1>`.
    heading: &'a str,
    intro: &'a str,
    items: Vec<&'a ItemView>,
    total: usize,
    pagination: Pagination,
}

#[derive(Debug, Serialize)]
struct MonthGroup<'a> {
    label: String,
    items: Vec<&'a ItemView>,
}

fn page_dir(dir: &str, n: usize) -> String {
    if n == 1 {
        dir.to_owned()
    } else {
        format!("{dir}page/{n}/")
    }
}

/// How many page numbers are shown on each side of the current page.
const WINDOW: usize = 2;

/// The page numbers a pagination bar shows: the first, the last and a
/// window around the current page. A bounded number of links per page, so
/// rendering every page of a list stays linear in the number of pages (and
/// a phone shows one short row, not hundreds of links).
fn shown_pages(current: usize, total: usize) -> Vec<usize> {
    let lo = current.saturating_sub(WINDOW).max(1);
    let hi = (current + WINDOW).min(total);
    let mut shown = vec![1];
    shown.extend((lo..=hi).filter(|&n| n != 1 && n != total));
    if total > 1 {
        shown.push(total);
    }
    shown
}

fn pagination(r: &Renderer<'_>, dir: &str, current: usize, total: usize) -> Pagination {
    let url = |n: usize| r.site.url_of_dir(&page_dir(dir, n));
    let mut prev = 0;
    Pagination {
        current,
        total,
        prev_url: (current > 1).then(|| url(current - 1)),
        next_url: (current < total).then(|| url(current + 1)),
        pages: shown_pages(current, total)
            .into_iter()
            .map(|n| {
                let link = PageLink {
                    number: n,
                    url: url(n),
                    current: n == current,
                    gap_before: n > prev + 1,
                };
                prev = n;
                link
            })
            .collect(),
    }
}

/// Renders a paginated list of `ids` under `dir` with `list.html` (or `template`).
#[allow(clippy::too_many_arguments)]
fn paginated(
    r: &Renderer<'_>,
    template: &str,
    section: &str,
    dir: &str,
    heading: &str,
    intro: &str,
    ids: &[PageId],
    extra: &Extra<'_>,
    which: &Which<'_>,
) -> Vec<Out> {
    let per = r.site.config.paginate.max(1);
    let total = ids.len().div_ceil(per).max(1);
    let chunks: Vec<&[PageId]> = ids.chunks(per).collect();
    (1..=total)
        .into_par_iter()
        .filter(|&n| which.any(chunks.get(n - 1).copied().unwrap_or(&[])))
        .map(|n| {
            let chunk = chunks.get(n - 1).copied().unwrap_or(&[]);
            let list = ListView {
                heading,
                intro,
                items: chunk.iter().map(|&i| &r.items[i]).collect(),
                total: ids.len(),
                pagination: pagination(r, dir, n, total),
            };
            let title = if n == 1 {
                heading.to_owned()
            } else {
                format!("{heading}（第{n}页）")
            };
            let d = page_dir(dir, n);
            let mut ctx = r.context(section, &title, intro, &d);
            ctx.insert("list", &list);
            extra(&mut ctx);
            r.emit(template, &ctx, &d, &format!("/{d}"))
        })
        .collect()
}

fn take<'a>(r: &'a Renderer<'_>, ids: &[PageId], n: usize) -> Vec<&'a ItemView> {
    ids.iter().take(n).map(|&i| &r.items[i]).collect()
}

fn home(r: &Renderer<'_>, which: &Which<'_>) -> Option<Out> {
    let site = r.site;
    let shown = [
        &site.articles[..site.articles.len().min(8)],
        &site.drills_upcoming[..site.drills_upcoming.len().min(5)],
        &site.drills_past[..site.drills_past.len().min(3)],
        &site.cases[..site.cases.len().min(5)],
    ];
    if !shown.iter().any(|ids| which.any(ids)) {
        return None;
    }
    let mut ctx = r.context("", &site.config.title, &site.config.description, "");
    ctx.insert("latest_articles", &take(r, &site.articles, 8));
    ctx.insert("upcoming_drills", &take(r, &site.drills_upcoming, 5));
    ctx.insert("recent_drills", &take(r, &site.drills_past, 3));
    ctx.insert("recent_cases", &take(r, &site.cases, 5));
    Some(r.emit("index.html", &ctx, "", "the home page"))
}

fn drills(r: &Renderer<'_>, which: &Which<'_>) -> Vec<Out> {
    let site = r.site;
    let all: Vec<PageId> = site.drills().collect();
    let per = site.config.paginate.max(1);
    let total = all.len().div_ceil(per).max(1);
    let upcoming_count = site.drills_upcoming.len();
    let heading = "应急演练";
    let intro = "近期演练按开始时间排列，欢迎居民、职工和师生积极参加；已结束的演练按月份归档。";
    (1..=total)
        .into_par_iter()
        .filter(|&n| {
            let start = (n - 1) * per;
            which.any(&all[start..(start + per).min(all.len())])
        })
        .map(|n| {
            let start = (n - 1) * per;
            let end = (start + per).min(all.len());
            let range = start..end;
            let upcoming: Vec<&ItemView> = range
                .clone()
                .filter(|&i| i < upcoming_count)
                .map(|i| &r.items[all[i]])
                .collect();
            let mut months: Vec<MonthGroup<'_>> = Vec::new();
            for i in range.filter(|&i| i >= upcoming_count) {
                let id = all[i];
                let label = site.pages[id]
                    .drill()
                    .map(|d| dates::month_zh(d.start.ts, &site.config.tz))
                    .unwrap_or_default();
                match months.last_mut() {
                    Some(g) if g.label == label => g.items.push(&r.items[id]),
                    _ => months.push(MonthGroup {
                        label,
                        items: vec![&r.items[id]],
                    }),
                }
            }
            let d = page_dir("drills/", n);
            let title = if n == 1 {
                heading.to_owned()
            } else {
                format!("{heading}（第{n}页）")
            };
            let mut ctx = r.context("drills", &title, intro, &d);
            ctx.insert("heading", heading);
            ctx.insert("intro", intro);
            ctx.insert("upcoming", &upcoming);
            ctx.insert("past_months", &months);
            ctx.insert("total", &all.len());
            ctx.insert("upcoming_total", &upcoming_count);
            ctx.insert("pagination", &pagination(r, "drills/", n, total));
            r.emit("drills.html", &ctx, &d, "/drills/")
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct TagView {
    name: String,
    url: String,
    count: usize,
}

/// Every list page of the site.
pub fn all(r: &Renderer<'_>) -> Vec<Out> {
    some(r, &Which::All)
}

/// The list pages `which` asks for, rendered in parallel, in a fixed order.
pub fn some(r: &Renderer<'_>, which: &Which<'_>) -> Vec<Out> {
    let site = r.site;
    let cfg = &site.config;
    let none = |_: &mut crate::theme::TemplateContext| {};
    let mut jobs: Vec<Job<'_>> = vec![
        Box::new(|| home(r, which).into_iter().collect()),
        Box::new(move || {
            paginated(
                r,
                "list.html",
                "articles",
                "articles/",
                "工作动态",
                "安全生产“五进”工作动态、通知公告。",
                &site.articles,
                &none,
                which,
            )
        }),
        Box::new(move || {
            paginated(
                r,
                "list.html",
                "cases",
                "cases/",
                "警示案例",
                "以案为鉴、警钟长鸣：典型生产安全事故案例及其教训。",
                &site.cases,
                &none,
                which,
            )
        }),
        Box::new(|| drills(r, which)),
    ];
    if which.fixed() {
        jobs.push(Box::new(|| {
            let mut ctx = r.context(
                "areas",
                "五进专栏",
                "安全生产宣传进企业、进农村、进社区、进学校、进家庭。",
                "areas/",
            );
            ctx.insert("heading", "五进专栏");
            vec![r.emit("areas.html", &ctx, "areas/", "/areas/")]
        }));
    }
    for (i, area) in cfg.areas.iter().enumerate() {
        jobs.push(Box::new(move || {
            let heading = format!("安全生产宣传进{}", area.name);
            let dir = format!("areas/{}/", area.slug);
            let mut links =
                super::feed_links(site, &dir, &format!("{} - 进{}", cfg.title, area.name));
            links.extend(super::feed_links(site, "", &cfg.title));
            let calendar = super::calendar_link(site, &format!("{dir}drills.ics"));
            let extra = |ctx: &mut crate::theme::TemplateContext| {
                ctx.insert("area", &area.name);
                ctx.insert("feed_links", &links);
                ctx.insert("area_calendar", &calendar);
            };
            paginated(
                r,
                "list.html",
                "areas",
                &dir,
                &heading,
                &area.description,
                &site.areas[i],
                &extra,
                which,
            )
        }));
    }
    if which.fixed() {
        jobs.push(Box::new(|| {
            let tags: Vec<TagView> = site
                .tags
                .iter()
                .map(|t| TagView {
                    name: t.name.clone(),
                    url: site.url_of_dir(&site.tag_dir(t)),
                    count: t.pages.len(),
                })
                .collect();
            let mut ctx = r.context("tags", "标签", "按标签浏览全部内容。", "tags/");
            ctx.insert("heading", "标签");
            ctx.insert("tags", &tags);
            vec![r.emit("tags.html", &ctx, "tags/", "/tags/")]
        }));
    }
    for t in &site.tags {
        jobs.push(Box::new(move || {
            let heading = format!("标签：{}", t.name);
            let intro = format!("共 {} 条带有“{}”标签的内容。", t.pages.len(), t.name);
            paginated(
                r,
                "list.html",
                "tags",
                &site.tag_dir(t),
                &heading,
                &intro,
                &t.pages,
                &none,
                which,
            )
        }));
    }
    if which.fixed() {
        jobs.push(Box::new(|| {
            let ctx = r.context(
                "search",
                "站内搜索",
                "搜索本站的工作动态、应急演练和警示案例。",
                "search/",
            );
            let search = r.emit("search.html", &ctx, "search/", "/search/");
            let ctx = r.context("", "页面未找到", "", "404.html");
            vec![search, r.emit("404.html", &ctx, "404.html", "404.html")]
        }));
    }
    jobs.par_iter().flat_map_iter(|job| job()).collect()
}

#[cfg(test)]
mod tests {
    use super::shown_pages;

    #[test]
    fn shown_pages_are_first_last_and_a_window() {
        assert_eq!(shown_pages(1, 1), vec![1]);
        assert_eq!(shown_pages(1, 2), vec![1, 2]);
        assert_eq!(shown_pages(1, 100), vec![1, 2, 3, 100]);
        assert_eq!(shown_pages(50, 100), vec![1, 48, 49, 50, 51, 52, 100]);
        assert_eq!(shown_pages(100, 100), vec![1, 98, 99, 100]);
        assert_eq!(shown_pages(4, 7), vec![1, 2, 3, 4, 5, 6, 7]);
    }
}
