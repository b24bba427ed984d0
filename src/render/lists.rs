//! List pages: home, paginated kind lists, the drill list, areas, tags, 404.
//!
//! Imports: the parent module, `site`, `dates`, `error`.
//!
//! Invariants: lists are cut from the site's precomputed sorted indexes
//! (no sorting here); page 1 of a list lives at `<dir>/`, page n at
//! `<dir>/page/n/`.

use std::sync::Arc;

use serde::Serialize;

use super::views::ItemView;
use super::{Job, KeyedContext, Renderer, out_path};
use crate::dates;
use crate::site::PageId;

/// A list whose items are cut into pages of `paginate` items.
struct List {
    template: &'static str,
    section: &'static str,
    dir: String,
    heading: String,
    intro: String,
    /// What the list adds to its pages' template context.
    extra: KeyedContext,
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

/// The pages of a paginated list of `ids`. Each page's key names the
/// list, the page's number and count, and the entries it shows.
fn paginated<'a>(r: &'a Renderer<'a>, list: List, ids: &'a [PageId], jobs: &mut Vec<Job<'a>>) {
    let per = r.site.config.paginate.max(1);
    let total = ids.len().div_ceil(per).max(1);
    let list = Arc::new(list);
    let list_key = r.keys.as_ref().map(|k| {
        let mut key = k.start("list");
        key.add(list.template)
            .add(list.section)
            .add(&list.dir)
            .add(&list.heading)
            .add(&list.intro)
            .add(&list.extra.key.finish())
            .add(&ids.len());
        key
    });
    for n in 1..=total {
        let start = ((n - 1) * per).min(ids.len());
        let chunk: &'a [PageId] = &ids[start..(start + per).min(ids.len())];
        let key = list_key.as_ref().zip(r.keys.as_ref()).map(|(k, keys)| {
            let mut k = k.clone();
            k.add(&n);
            for &i in chunk {
                k.add(&keys.items[i]);
            }
            k.finish()
        });
        let d = page_dir(&list.dir, n);
        let list = Arc::clone(&list);
        jobs.push(Job::new(out_path(&d), key, move || {
            let view = ListView {
                heading: &list.heading,
                intro: &list.intro,
                items: chunk.iter().map(|&i| &r.items[i]).collect(),
                total: ids.len(),
                pagination: pagination(r, &list.dir, n, total),
            };
            let title = if n == 1 {
                list.heading.clone()
            } else {
                format!("{}（第{n}页）", list.heading)
            };
            let mut ctx = r.context(list.section, &title, &list.intro, &d);
            ctx.insert("list", &view);
            ctx.extend(list.extra.ctx.clone());
            r.emit(list.template, &ctx, &d, &format!("/{d}"))
                .map(|(_, bytes)| bytes)
        }));
    }
}

fn take<'a>(r: &'a Renderer<'_>, ids: &[PageId], n: usize) -> Vec<&'a ItemView> {
    ids.iter().take(n).map(|&i| &r.items[i]).collect()
}

/// The key of a page that shows the entries `blocks` and nothing else of
/// the site but the chrome.
fn shows(r: &Renderer<'_>, what: &str, blocks: &[&[PageId]]) -> Option<u64> {
    r.keys.as_ref().map(|k| {
        let mut key = k.start(what);
        for ids in blocks {
            key.add(&ids.len());
            for &i in *ids {
                key.add(&k.items[i]);
            }
        }
        key.finish()
    })
}

fn home<'a>(r: &'a Renderer<'a>) -> Job<'a> {
    let site = r.site;
    let blocks = [
        &site.articles[..site.articles.len().min(8)],
        &site.drills_upcoming[..site.drills_upcoming.len().min(5)],
        &site.drills_past[..site.drills_past.len().min(3)],
        &site.cases[..site.cases.len().min(5)],
    ];
    Job::new(out_path(""), shows(r, "home", &blocks), move || {
        let mut ctx = r.context("", &site.config.title, &site.config.description, "");
        ctx.insert("latest_articles", &take(r, &site.articles, 8));
        ctx.insert("upcoming_drills", &take(r, &site.drills_upcoming, 5));
        ctx.insert("recent_drills", &take(r, &site.drills_past, 3));
        ctx.insert("recent_cases", &take(r, &site.cases, 5));
        r.emit("index.html", &ctx, "", "the home page")
            .map(|(_, bytes)| bytes)
    })
}

/// The drill list: upcoming drills first, then ended ones by month.
fn drills<'a>(r: &'a Renderer<'a>, jobs: &mut Vec<Job<'a>>) {
    let site = r.site;
    let all: Arc<Vec<PageId>> = Arc::new(site.drills().collect());
    let per = site.config.paginate.max(1);
    let total = all.len().div_ceil(per).max(1);
    let upcoming_count = site.drills_upcoming.len();
    let month = |id: PageId| {
        site.pages[id]
            .drill()
            .map(|d| dates::month_zh(d.start.ts, &site.config.tz))
            .unwrap_or_default()
    };
    for n in 1..=total {
        let start = (n - 1) * per;
        let range = start..(start + per).min(all.len());
        let key = r.keys.as_ref().map(|k| {
            let mut key = k.start("drills");
            key.add(&n).add(&all.len()).add(&upcoming_count);
            for i in range.clone() {
                key.add(&k.items[all[i]]).add(&month(all[i]));
            }
            key.finish()
        });
        let d = page_dir("drills/", n);
        let all = Arc::clone(&all);
        jobs.push(Job::new(out_path(&d), key, move || {
            let heading = "应急演练";
            let intro =
                "近期演练按开始时间排列，欢迎居民、职工和师生积极参加；已结束的演练按月份归档。";
            let upcoming: Vec<&ItemView> = range
                .clone()
                .filter(|&i| i < upcoming_count)
                .map(|i| &r.items[all[i]])
                .collect();
            let mut months: Vec<MonthGroup<'_>> = Vec::new();
            for i in range.clone().filter(|&i| i >= upcoming_count) {
                let id = all[i];
                let label = month(id);
                match months.last_mut() {
                    Some(g) if g.label == label => g.items.push(&r.items[id]),
                    _ => months.push(MonthGroup {
                        label,
                        items: vec![&r.items[id]],
                    }),
                }
            }
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
                .map(|(_, bytes)| bytes)
        }));
    }
}

#[derive(Debug, Serialize)]
struct TagView {
    name: String,
    url: String,
    count: usize,
}

/// A page that shows only the chrome and `ctx`'s values: `template`
/// rendered into `dir`.
fn fixed<'a>(
    r: &'a Renderer<'a>,
    template: &'static str,
    (section, title, description): (&'static str, &'static str, &'static str),
    dir: &'static str,
    extra: KeyedContext,
) -> Job<'a> {
    let key = r.keys.as_ref().map(|k| {
        k.start("fixed")
            .add(template)
            .add(dir)
            .add(&extra.key.finish())
            .finish()
    });
    Job::new(out_path(dir), key, move || {
        let mut ctx = r.context(section, title, description, dir);
        ctx.extend(extra.ctx.clone());
        let what = if dir.ends_with('/') {
            format!("/{dir}")
        } else {
            dir.to_owned()
        };
        r.emit(template, &ctx, dir, &what).map(|(_, bytes)| bytes)
    })
}

/// Every list page of the site, in a fixed order.
pub fn jobs<'a>(r: &'a Renderer<'a>, jobs: &mut Vec<Job<'a>>) {
    let site = r.site;
    let cfg = &site.config;
    let plain = |template, section, dir: &str, heading: &str, intro: &str| List {
        template,
        section,
        dir: dir.to_owned(),
        heading: heading.to_owned(),
        intro: intro.to_owned(),
        extra: KeyedContext::default(),
    };
    jobs.push(home(r));
    paginated(
        r,
        plain(
            "list.html",
            "articles",
            "articles/",
            "工作动态",
            "安全生产“五进”工作动态、通知公告。",
        ),
        &site.articles,
        jobs,
    );
    paginated(
        r,
        plain(
            "list.html",
            "cases",
            "cases/",
            "警示案例",
            "以案为鉴、警钟长鸣：典型生产安全事故案例及其教训。",
        ),
        &site.cases,
        jobs,
    );
    drills(r, jobs);
    let mut extra = KeyedContext::default();
    extra.insert("heading", "五进专栏");
    jobs.push(fixed(
        r,
        "areas.html",
        (
            "areas",
            "五进专栏",
            "安全生产宣传进企业、进农村、进社区、进学校、进家庭。",
        ),
        "areas/",
        extra,
    ));
    for (i, area) in cfg.areas.iter().enumerate() {
        let dir = format!("areas/{}/", area.slug);
        let mut links = super::feed_links(site, &dir, &format!("{} - 进{}", cfg.title, area.name));
        links.extend(super::feed_links(site, "", &cfg.title));
        let mut extra = KeyedContext::default();
        extra.insert("area", &area.name);
        extra.insert("feed_links", &links);
        extra.insert(
            "area_calendar",
            &super::calendar_link(site, &format!("{dir}drills.ics")),
        );
        let list = List {
            template: "list.html",
            section: "areas",
            heading: format!("安全生产宣传进{}", area.name),
            intro: area.description.clone(),
            dir,
            extra,
        };
        paginated(r, list, &site.areas[i], jobs);
    }
    let tags: Vec<TagView> = site
        .tags
        .iter()
        .map(|t| TagView {
            name: t.name.clone(),
            url: site.url_of_dir(&site.tag_dir(t)),
            count: t.pages.len(),
        })
        .collect();
    let mut extra = KeyedContext::default();
    extra.insert("heading", "标签");
    extra.insert("tags", &tags);
    jobs.push(fixed(
        r,
        "tags.html",
        ("tags", "标签", "按标签浏览全部内容。"),
        "tags/",
        extra,
    ));
    for t in &site.tags {
        let list = List {
            template: "list.html",
            section: "tags",
            dir: site.tag_dir(t),
            heading: format!("标签：{}", t.name),
            intro: format!("共 {} 条带有“{}”标签的内容。", t.pages.len(), t.name),
            extra: KeyedContext::default(),
        };
        paginated(r, list, &t.pages, jobs);
    }
    jobs.push(fixed(
        r,
        "search.html",
        (
            "search",
            "站内搜索",
            "搜索本站的工作动态、应急演练和警示案例。",
        ),
        "search/",
        KeyedContext::default(),
    ));
    jobs.push(fixed(
        r,
        "404.html",
        ("", "页面未找到", ""),
        "404.html",
        KeyedContext::default(),
    ));
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
